"""A reminder run against a local SMTP server (aiosmtpd), then the patient reads it in the
portal and opts out in the browser; a second run sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from cdcare.care import reminders
from cdcare.care.accounts import set_demo_passwords
from cdcare.care.patients import create_centre, create_patient, create_user
from cdcare.care.senders import SmtpSender, SmtpSettings
from cdcare.store.care_models import InjectionSession
from cdcare.store.clinic_models import ReminderContact
from cdcare.store.db import session_scope

from ..smtp_server import smtp_server
from .conftest import Live, login, snap

KST = ZoneInfo("Asia/Seoul")


def test_reminder_run_then_portal(page: Page, live: Live) -> None:
    today = datetime.now(KST).date()
    with session_scope(live.engine) as db:
        c = create_centre(db=db, code="REMIND", name="알림 병원")
        p = create_patient(db=db, centre_id=c.id, record_number="R-1", birth_year=1950, sex="F")
        create_user(db=db, centre_id=c.id, username="remind-patient", display_name="환자",
                    role="patient", patient_id=p.id, lang="ko")  # fmt: skip
        set_demo_passwords(db=db, centre_id=c.id)
        db.add(
            InjectionSession(
                patient_id=p.id, injected_on=today - timedelta(days=80), product="botox",
                unit="U", lot="L", dilution_u_per_ml=50, guidance="emg", injector="x",
                total_units=100,
            )
        )  # fmt: skip
        reminders.set_contact(db=db, patient_id=p.id, email="r1@example.kr", opt_out=False)
        pid = p.id
    with smtp_server() as (port, inbox):
        sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, tls="none",
                                         from_addr="clinic@example.kr"))  # fmt: skip
        with session_scope(live.engine) as db:
            first = reminders.run(db=db, sender=sender, now=datetime.now(UTC))
        assert first.sent >= 1
        mine = [m for m in inbox.messages if m["To"] == "r1@example.kr"]
        assert len(mine) >= 1
        subject = str(mine[0]["Subject"])
        login(page, "remind-patient")
        page.click('a[href="/me/reminders"]')
        expect(page.locator("ul.reminders")).to_contain_text(subject)
        snap(page, "reminders_portal")
        page.check('input[name="opt_out"]')
        with page.expect_navigation():
            page.click('form[action="/me/reminders"] button[type="submit"]')
        expect(page.locator('p.ok[role="status"]')).to_be_visible()
        with session_scope(live.engine) as db:
            second = reminders.run(db=db, sender=sender, now=datetime.now(UTC))
            c2 = db.query(ReminderContact).filter(ReminderContact.patient_id == pid).one()
            assert c2.opt_out
        assert second.created == 0
        assert len([m for m in inbox.messages if m["To"] == "r1@example.kr"]) == len(mine)
