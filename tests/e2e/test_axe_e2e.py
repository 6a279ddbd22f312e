"""axe-core over the pages of every role: no serious or critical WCAG 2.1 A/AA violation.

Per role the test starts at the role's home (and the pages everyone sees) and follows same-site
links breadth-first, one page per path shape (ids collapsed), as the logged-in user.
"""

from __future__ import annotations

import json
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

from .axe import AXE_JS, axe_source, serious_violations
from .conftest import SCREENSHOTS, Live, login

MAX_PAGES = 60
SKIP = ("/static/", "/docs", "/redoc", "/openapi.json", "/logout", ".pdf")


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/N", urlsplit(path).path)


def _report(name: str, found: dict[str, list[dict[str, object]]]) -> None:
    """Violations by rule → pages, in artifacts/axe-NAME.json (for fixing)."""
    by_rule: dict[str, dict[str, object]] = {}
    for url, items in found.items():
        for v in items:
            entry = by_rule.setdefault(str(v["id"]), {"help": v["help"], "pages": {}})
            entry["pages"][url] = v["nodes"]  # type: ignore[index]
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / f"axe-{name}.json").write_text(json.dumps(by_rule, indent=1))


def _walk(page: Page, live: Live, starts: list[str]) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = {}
    shapes: set[str] = set()
    queue = deque(starts)
    while queue and len(shapes) < MAX_PAGES:
        url = queue.popleft()
        if _shape(url) in shapes or any(s in url for s in SKIP):
            continue
        shapes.add(_shape(url))
        resp = page.goto(url)
        if (
            resp is None
            or resp.status != 200
            or "text/html" not in resp.headers.get("content-type", "")
        ):
            continue
        bad = serious_violations(page)
        if bad:
            found[url] = bad
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if href.startswith(live.url) and parts.path:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert len(shapes) > 3, shapes
    return found


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("demo-nurse", "/worklist"),
        ("demo-doctor", "/patients"),
        ("demo-admin", "/admin/audit"),
        ("demo-patient", "/me"),
    ],
)
def test_no_serious_axe_violations(
    context: BrowserContext, page: Page, live: Live, username: str, home: str
) -> None:
    assert AXE_JS.is_file() or axe_source()
    context.add_init_script(path=str(AXE_JS))  # before the page's scripts; not subject to CSP
    login(page, username)
    starts = [home, "/account/password", "/learn", "/selfcheck"]
    if username != "demo-admin":
        starts.append(f"/patients/{live.demo_patient_id}")
    found = _walk(page, live, starts)
    _report(username, found)
    assert found == {}, sorted({str(v["id"]) for vs in found.values() for v in vs})


def test_public_pages_have_no_serious_violations(
    context: BrowserContext, page: Page, live: Live
) -> None:
    context.add_init_script(path=str(AXE_JS))
    found = _walk(page, live, ["/login", "/learn", "/selfcheck", "/"])
    _report("public", found)
    assert found == {}, sorted({str(v["id"]) for vs in found.values() for v in vs})
