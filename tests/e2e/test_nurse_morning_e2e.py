"""A nurse's morning in the browser: land on the worklist, book from a row, see it on the
calendar, work the call list (PHQ-9 item 9) and mark it handled. Own centre, own data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from cdcare.care.accounts import set_demo_passwords
from cdcare.care.patients import create_centre, create_patient, create_user, record_assessment
from cdcare.i18n import translate
from cdcare.store.care_models import InjectionSession
from cdcare.store.db import session_scope

from .conftest import Live, login, snap

KST = ZoneInfo("Asia/Seoul")


def _seed(live: Live) -> tuple[int, int]:
    today = datetime.now(KST).date()
    with session_scope(live.engine) as db:
        c = create_centre(db=db, code="MORN", name="아침 병원")
        due = create_patient(db=db, centre_id=c.id, record_number="M-1", birth_year=1955, sex="F")
        sad = create_patient(db=db, centre_id=c.id, record_number="M-2", birth_year=1962, sex="M")
        create_user(db=db, centre_id=c.id, username="morning-nurse", display_name="N",
                    role="nurse")  # fmt: skip
        set_demo_passwords(db=db, centre_id=c.id)
        db.add(
            InjectionSession(
                patient_id=due.id, injected_on=today - timedelta(days=80), product="botox",
                unit="U", lot="L1", dilution_u_per_ml=50, guidance="emg", injector="x",
                total_units=120,
            )
        )  # fmt: skip
        answers = {f"q{i}": 1 for i in range(1, 10)} | {"q9": 1}
        record_assessment(db=db, patient_id=sad.id, instrument="phq9", answers=answers,
                          assessed_at=datetime.now(UTC) - timedelta(hours=2))  # fmt: skip
        return due.id, sad.id


def test_nurse_morning(page: Page, live: Live) -> None:
    due, sad = _seed(live)
    login(page, "morning-nurse")
    assert page.url.endswith("/worklist")
    expect(page.locator("h1")).to_have_text(translate("Worklist", "ko"))
    row = page.locator(f'tr[data-reason="window_opens"][data-patient="{due}"]')
    expect(row).to_have_count(1)
    expect(page.locator('[data-reason-count="window_opens"]')).to_have_text("1")
    snap(page, "nurse_morning_worklist")
    day = (datetime.now(KST) + timedelta(days=4)).date().isoformat()
    row.locator('input[name="starts_at"]').fill(f"{day}T10:00")
    with page.expect_navigation():
        row.locator("form.book button").click()
    assert "/worklist" in page.url
    expect(page.locator(f'tr[data-reason="window_opens"][data-patient="{due}"]')).to_have_count(0)
    page.click('header nav a[href="/calendar"]')
    page.fill('input[name="date"]', day)
    with page.expect_navigation():
        page.click('form[action="/calendar"] button')
    booked = page.locator('tr[data-slot="10:00"]')
    expect(booked).to_contain_text("M-1")
    snap(page, "nurse_morning_calendar")
    page.goto("/worklist")
    page.click("#call-list")
    call = page.locator(f'tr[data-reason="phq9_item9"][data-patient="{sad}"]')
    expect(call).to_have_count(1)
    expect(page.locator("tbody tr[data-reason]")).to_have_count(1)  # the call list only
    call.locator('input[name="note"]').fill("전화함, 안전 확인")
    with page.expect_navigation():
        call.locator('form[action="/worklist/handled"] button').click()
    expect(page.locator(f'tr[data-reason="phq9_item9"][data-patient="{sad}"]')).to_have_count(0)
    expect(page.locator('[data-reason-count="phq9_item9"]')).to_have_text("0")
    snap(page, "nurse_morning_call_list_done")
