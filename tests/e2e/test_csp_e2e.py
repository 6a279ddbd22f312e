"""Pages that run scripts work in a real browser under the strict Content-Security-Policy.

Chromium reports every blocked script (inline, event handler or eval) as a console error
naming the Content Security Policy; none may appear, and each page's script must have run.
"""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page, Response, expect

from .conftest import TIMEOUT_MS, Live, login


def _watch(page: Page) -> list[str]:
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if "Failed to load resource" in msg.text:
            return  # checked below by URL (the browser's own /favicon.ico request is a 404)
        if msg.type == "error" or "Content Security Policy" in msg.text:
            errors.append(msg.text)

    def on_response(resp: Response) -> None:
        if resp.status >= 400 and not resp.url.endswith("/favicon.ico"):
            errors.append(f"{resp.status} {resp.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_scripted_pages_run_under_the_csp(page: Page, live: Live) -> None:
    errors = _watch(page)
    login(page, "demo-doctor")
    pid = live.other_demo_patient_id
    for path in (f"/patients/{pid}", f"/patients/{pid}/plan", f"/patients/{pid}/videos"):
        resp = page.goto(path)
        assert resp is not None and resp.status == 200
        assert "script-src 'self'" in (resp.headers.get("content-security-policy") or "")
    # the upload script is loaded from /static and took over the form (progress-bar upload)
    page.goto(f"/patients/{pid}/videos")
    page.wait_for_load_state("load")
    assert page.evaluate("Array.from(document.scripts).every((s) => s.src !== '')")
    assert errors == [], errors


def test_recording_page_script_runs_under_the_csp(page: Page, live: Live) -> None:
    errors = _watch(page)
    login(page, "demo-patient")
    page.goto(f"/patients/{live.demo_patient_id}/record?seconds=5")
    page.wait_for_load_state("load")
    # without camera permission the script's own message appears: the script ran
    page.click("#rec-start")
    expect(page.locator("#rec-error")).to_be_visible(timeout=TIMEOUT_MS)
    assert [e for e in errors if "Content Security Policy" in e] == [], errors
