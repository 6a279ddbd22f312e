"""axe-core (npm package, pinned in tests/e2e/package-lock.json, installed by ``make test``
with ``npm ci --prefix tests/e2e``; never fetched from a CDN) run inside a Playwright page."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@cache
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} missing: run `npm ci --prefix tests/e2e` (make test does)")
    return AXE_JS.read_text(encoding="utf-8")


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the current page (WCAG 2.1 A/AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        raise AssertionError("axe-core is not loaded: add it with context.add_init_script")
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
