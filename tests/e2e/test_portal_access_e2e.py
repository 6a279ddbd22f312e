"""Patient portal in the browser: the large-text setting persists after logging out and in;
every control on the portal pages is a touch target of at least 44 × 44 px; the diary can be
written with the keyboard alone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import login, snap

PORTAL_PAGES = ("/me", "/me/diary", "/me/exercises", "/me/questionnaires", "/me/reminders",
                "/me/display")  # fmt: skip
MIN_PX = 44

SMALL_TARGETS = """() => {
  const min = MIN_PX;
  const out = [];
  const sel = '.portal button, .portal a.button, .portal a.tile, .portal select,'
    + ' .portal textarea, .portal input:not([type=hidden])';
  for (const el of document.querySelectorAll(sel)) {
    const box = el.type === 'checkbox' || el.type === 'radio';
    const r = (box ? (el.closest('label') || el) : el).getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not shown
    if (r.height < min || r.width < min) out.push(el.outerHTML.slice(0, 80) + ' ' + r.height);
  }
  return out;
}""".replace("MIN_PX", str(MIN_PX))

DIARY_CONTROLS = """() => [...document.querySelectorAll(
  "form[action='/me/diary'] :is(input, select, textarea, button)")]
  .filter(e => e.type !== 'hidden' && !e.disabled).map(e => e.name + '=' + e.value)"""
FOCUSED = """() => { const e = document.activeElement;
  return e && e.form && e.form.getAttribute('action') === '/me/diary'
    ? e.name + '=' + e.value : ''; }"""


def test_large_text_persists(page: Page) -> None:
    login(page, "demo-patient")
    page.click('a.tile[href="/me/display"]')
    base = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.check('input[name="size"][value="large"]')
    with page.expect_navigation():
        page.click('form[action="/me/display"] button[type="submit"]')
    expect(page.locator("html")).to_have_class("large-text")
    large = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large >= base * 1.2
    with page.expect_navigation():
        page.click('form[action="/logout"] button')
    login(page, "demo-patient")
    expect(page.locator("html")).to_have_class("large-text")  # kept for the next visit
    snap(page, "portal_large_text")
    page.goto("/me/display")
    page.check('input[name="size"][value="normal"]')
    with page.expect_navigation():
        page.click('form[action="/me/display"] button[type="submit"]')
    expect(page.locator("html")).not_to_have_class("large-text")


def test_portal_touch_targets(page: Page) -> None:
    login(page, "demo-patient")
    small: dict[str, list[str]] = {}
    for path in PORTAL_PAGES:
        page.goto(path)
        found = page.evaluate(SMALL_TARGETS)
        if found:
            small[path] = found
    assert small == {}, small


def _tab_to(page: Page, name: str) -> None:
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED).split("=")[0] == name:
            return
    raise AssertionError(f"{name} is not reachable by Tab")


def test_diary_by_keyboard_alone(page: Page) -> None:
    login(page, "demo-patient")
    page.goto("/me/diary")
    names = {w.split("=")[0] for w in page.evaluate(DIARY_CONTROLS)}
    reached: set[str] = set()
    for _ in range(150):  # every control of the form can be reached with Tab
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused:
            reached.add(focused.split("=")[0])
        if names <= reached:
            break
    assert names <= reached, f"not reachable by Tab: {names - reached}"
    page.goto("/me/diary")
    _tab_to(page, "severity")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # radio group: arrows choose
    _tab_to(page, "pain")
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.value") == "2"
    _tab_to(page, "")  # the submit button has no name
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value is not None and nav.value.status == 200, nav.value.status
    assert "/me/diary" not in page.url or "saved" in page.url or page.url.endswith("/me")
    expect(page.locator("#today-status, [role=status]").first).to_be_visible()
