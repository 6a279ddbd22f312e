"""Clinician and patient workspace in a real browser: logins, reach, forms, language, audit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from cdcare.clinical.scales import get_instrument, score
from cdcare.i18n import translate
from cdcare.store.db import session_scope
from cdcare.store.models import ScaleAssessment, User
from cdcare.web.routes.auth import home_for

from .conftest import Live, login, snap


def _ko(message: str) -> str:
    return translate(message, "ko")


@pytest.mark.parametrize(
    ("username", "role", "heading"),
    [
        ("demo-doctor", "physician", _ko("Patients")),
        ("demo-nurse", "nurse", _ko("Worklist")),
        ("demo-admin", "admin", _ko("Access log")),
        ("demo-patient", "patient", None),
    ],
    ids=["doctor", "nurse", "admin", "patient"],
)
def test_login_lands_on_role_home(
    page: Page, live: Live, username: str, role: str, heading: str | None
) -> None:
    with session_scope(live.engine) as db:
        user = db.scalar(select(User).where(User.username == username))
        assert user is not None
        home = home_for(user)
    if role == "patient":  # a patient's home is about their own record only
        assert home in ("/me", f"/patients/{live.demo_patient_id}")
    else:
        expected = {"admin": "/admin/audit", "nurse": "/worklist"}.get(role, "/patients")
        assert home == expected
    with page.expect_response(lambda r: r.url == live.url + home) as landing:
        login(page, username)
    assert landing.value.status == 200
    assert page.url == live.url + home
    if heading is not None:
        expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("header .who")).to_contain_text(f"({_ko(role)})")
    expect(page.locator('form[action="/logout"]')).to_have_count(1)


def _expect_404(page: Page, path: str, patient_id: int) -> None:
    resp = page.goto(path)
    assert resp is not None and resp.status == 404
    expect(page.locator("h1")).to_have_text("404")
    expect(page.locator("p.error")).to_have_text(
        _ko("Patient {id} not found").format(id=patient_id)
    )


def test_patient_cannot_open_another_patients_page(page: Page, live: Live) -> None:
    login(page, "demo-patient")
    other = live.other_demo_patient_id
    _expect_404(page, f"/patients/{other}", other)
    snap(page, "test_patient_cannot_open_another_patients_page-404")
    _expect_404(page, f"/patients/{other}/scales/phq9", other)
    resp = page.goto(f"/patients/{live.demo_patient_id}")  # own record still opens
    assert resp is not None and resp.status == 200


def test_nurses_cannot_cross_centres(two_pages: tuple[Page, Page], live: Live) -> None:
    demo_nurse, other_nurse = two_pages
    login(demo_nurse, "demo-nurse")
    login(other_nurse, "other-nurse")
    _expect_404(
        demo_nurse, f"/patients/{live.other_centre_patient_id}", live.other_centre_patient_id
    )
    _expect_404(other_nurse, f"/patients/{live.other_demo_patient_id}", live.other_demo_patient_id)
    # each reaches their own centre's patient
    for pg, pid in (
        (demo_nurse, live.other_demo_patient_id),
        (other_nurse, live.other_centre_patient_id),
    ):
        resp = pg.goto(f"/patients/{pid}")
        assert resp is not None and resp.status == 200
    expect(other_nurse.locator("h1")).to_have_text("OTH-1")


def _count(live: Live, patient_id: int) -> int:
    with session_scope(live.engine) as db:
        q = select(func.count()).where(ScaleAssessment.patient_id == patient_id)
        return int(db.scalar(q) or 0)


def test_twstrs_form_field_error_then_saved_and_on_timeline(page: Page, live: Live) -> None:
    pid = live.other_demo_patient_id
    login(page, "demo-doctor")
    page.goto(f"/patients/{pid}/scales/twstrs?lang=en")
    answers = {item.code: 0 for item in get_instrument("twstrs").items}
    answers.update(rotation=9, laterocollis=1, duration=2, pain_usual=3)
    for code, value in answers.items():
        page.fill(f'input[name="{code}"]', str(value))
    before = _count(live, pid)
    with page.expect_navigation() as nav:
        page.click('form[action$="/scales/twstrs"] button[type="submit"]')
    assert nav.value is not None and nav.value.status == 422
    field = page.locator(".field.invalid")
    expect(field).to_have_count(1)
    expect(field.locator('input[name="rotation"]')).to_have_value("9")
    expect(field.locator('input[name="rotation"]')).to_have_attribute("aria-invalid", "true")
    expect(field.locator("#e-rotation")).to_be_visible()
    expect(field.locator("#e-rotation")).to_contain_text("rotation")
    expect(page.locator('input[name="pain_usual"]')).to_have_value("3")  # kept for correction
    assert _count(live, pid) == before  # nothing saved
    snap(page, "test_twstrs_form_field_error-invalid")

    answers["rotation"] = 2
    page.fill('input[name="rotation"]', "2")
    with page.expect_navigation():
        page.click('form[action$="/scales/twstrs"] button[type="submit"]')
    match = re.search(rf"/patients/{pid}#a(\d+)$", page.url)
    assert match, page.url
    assert _count(live, pid) == before + 1
    total = score("twstrs", answers).total
    assert total is not None
    row = page.locator(f"tr#a{match.group(1)}")
    expect(row).to_contain_text("twstrs")
    expect(row.locator("td").nth(2)).to_have_text(f"{total:g}")


def test_language_switch_changes_text_and_sticks(page: Page) -> None:
    page.goto("/login")
    expect(page.locator("h1")).to_have_text(_ko("Log in"))
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.click("header .lang >> text=English")
    expect(page.locator("h1")).to_have_text("Log in")
    page.goto("/learn")  # no ?lang= any more: the cookie keeps English
    expect(page.locator("h1")).to_have_text("Learn about cervical dystonia")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("header .lang >> text=한국어")
    expect(page.locator("h1")).to_have_text(_ko("Learn about cervical dystonia"))
    page.goto("/login")
    expect(page.locator("h1")).to_have_text(_ko("Log in"))


def test_admin_access_log_lists_the_nurses_view(two_pages: tuple[Page, Page], live: Live) -> None:
    nurse, admin = two_pages
    pid = live.other_demo_patient_id
    login(nurse, "demo-nurse")
    nurse.goto(f"/patients/{pid}")
    login(admin, "demo-admin")
    admin.goto(f"/admin/audit?username=demo-nurse&patient_id={pid}&action=view")
    page_view = admin.locator("table.grid tbody tr").filter(
        has=admin.get_by_role("cell", name=f"/patients/{pid}", exact=True)
    )
    expect(page_view.first).to_be_visible()
    cells = page_view.first.locator("td")
    expect(cells.nth(1)).to_have_text("demo-nurse")
    expect(cells.nth(3)).to_have_text("view")
    expect(cells.nth(4)).to_have_text(str(pid))
    # the filter form shows what was asked
    expect(admin.locator('input[name="username"]')).to_have_value("demo-nurse")


def test_logout_ends_the_session(page: Page, live: Live) -> None:
    login(page, "demo-doctor")
    with page.expect_navigation():
        page.click('form[action="/logout"] button')
    assert page.url == f"{live.url}/login"
    expect(page.locator('form[action="/logout"]')).to_have_count(0)
    page.goto("/patients")
    assert page.url.startswith(f"{live.url}/login?next=")
