"""Reminders: occasions, idempotent runs, patient language, opt-out, SMTP against aiosmtpd."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cdcare.care import reminders
from cdcare.care.appointments import schedule
from cdcare.care.patients import create_centre, create_patient, create_user
from cdcare.care.senders import SmtpSender, SmtpSettings
from cdcare.errors import ConfigError, InputError
from cdcare.store.care_models import DiaryEntry, InjectionSession
from cdcare.store.clinic_models import OutboxMessage
from cdcare.store.db import session_factory
from cdcare.store.models import AuditEvent

from ..smtp_server import free_port, self_signed, smtp_server

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = date(2026, 12, 10)
NOW = datetime(2026, 12, 10, 9, 0, tzinfo=SEOUL)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s


def _session(db: Session, patient_id: int, on: date) -> None:
    db.add(
        InjectionSession(
            patient_id=patient_id, injected_on=on, product="botox", unit="U", lot="L",
            dilution_u_per_ml=50, guidance="emg", injector="x", total_units=100,
        )
    )  # fmt: skip


def _world(db: Session) -> dict[str, int]:
    c = create_centre(db=db, code="C", name="C")
    ids = {}
    for rn, lang in (("A", "ko"), ("B", "en"), ("C", "ko"), ("D", "ko")):
        p = create_patient(db=db, centre_id=c.id, record_number=rn, birth_year=1960, sex="F")
        ids[rn] = p.id
        if rn != "D":  # D has no portal account
            u = create_user(
                db=db, centre_id=c.id, username=f"u{rn}", display_name=rn, role="patient",
                patient_id=p.id, lang=lang,
            )  # fmt: skip
            u.created_at = NOW - timedelta(days=2)
    window = TODAY + timedelta(days=3) - timedelta(days=84)  # opens in 3 days
    for rn in ("A", "C", "D"):
        _session(db, ids[rn], window)
    reminders.set_contact(db=db, patient_id=ids["A"], email="a@example.kr", opt_out=False)
    reminders.set_contact(db=db, patient_id=ids["C"], email="c@example.kr", opt_out=True)
    db.add(
        DiaryEntry(patient_id=ids["B"], entry_date=TODAY - timedelta(days=7), severity=3, pain=1)
    )
    schedule(
        db=db, patient_id=ids["A"], starts_at=datetime(2026, 12, 11, 10, 30, tzinfo=SEOUL),
        kind="injection", now=NOW,
    )  # fmt: skip
    db.flush()
    return ids


def _settings(port: int, **kw: object) -> SmtpSettings:
    base: dict[str, object] = {
        "host": "127.0.0.1", "port": port, "tls": "none", "from_addr": "clinic@example.kr",
        "timeout": 5,
    }  # fmt: skip
    return SmtpSettings(**(base | kw))  # type: ignore[arg-type]


def test_run_twice_sends_nothing_twice(db: Session, tmp_path: Path) -> None:
    ids = _world(db)
    cert = self_signed(tmp_path)
    with smtp_server("clinic", "smtp-secret", tls=cert) as (port, inbox):
        sender = SmtpSender(
            _settings(port, username="clinic", password="smtp-secret", tls="starttls",
                      host="localhost", ca_file=str(cert[0]))
        )  # fmt: skip
        first = reminders.run(db=db, sender=sender, today=TODAY, now=NOW)
        assert (first.created, first.sent, first.portal, first.failed) == (3, 2, 1, 0)
        second = reminders.run(db=db, sender=sender, today=TODAY, now=NOW)
        assert (second.created, second.sent, second.portal, second.failed) == (0, 0, 0, 0)
        assert len(inbox.messages) == 2 and inbox.logins == ["clinic", "clinic"]
    assert all(r == ["a@example.kr"] for r in inbox.recipients)
    subjects = sorted(str(m["Subject"]) for m in inbox.messages)
    assert any("2026. 12. 13." in s and "주사" in s for s in subjects)  # Korean: A's language
    assert any("10:30" in s for s in subjects)  # local time of the appointment
    body = inbox.messages[0].get_content()
    assert "병원" in body
    rows = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    by = {(r.patient_id, r.kind): r for r in rows}
    assert by[(ids["B"], "diary_missing")].status == "portal"
    assert by[(ids["B"], "diary_missing")].lang == "en"
    assert "week" in by[(ids["B"], "diary_missing")].subject
    assert not [r for r in rows if r.patient_id in (ids["C"], ids["D"])]  # opted out, no account
    logged = [e.target for e in db.scalars(select(AuditEvent)) if e.username == "reminders"]
    assert len(logged) == 3 and sum(":sent:email" in t for t in logged) == 2


def test_diary_gap_boundary(db: Session) -> None:
    ids = _world(db)
    reminders.generate(db=db, today=TODAY - timedelta(days=1), now=NOW)  # 6 days: nothing
    kinds = {r.kind for r in db.scalars(select(OutboxMessage)) if r.patient_id == ids["B"]}
    assert kinds == set()
    reminders.generate(db=db, today=TODAY, now=NOW)  # 7 days
    kinds = {r.kind for r in db.scalars(select(OutboxMessage)) if r.patient_id == ids["B"]}
    assert kinds == {"diary_missing"}


def test_window_notice_boundary(db: Session) -> None:
    ids = _world(db)
    opens = TODAY + timedelta(days=3)
    reminders.generate(db=db, today=opens - timedelta(days=8), now=NOW)
    assert not [r for r in db.scalars(select(OutboxMessage)) if r.kind == "window_opening"]
    reminders.generate(db=db, today=opens - timedelta(days=7), now=NOW)
    rows = [r for r in db.scalars(select(OutboxMessage)) if r.kind == "window_opening"]
    assert [r.patient_id for r in rows] == [ids["A"]]
    reminders.generate(db=db, today=opens + timedelta(days=1), now=NOW)  # after it opened
    assert len([r for r in db.scalars(select(OutboxMessage)) if r.kind == "window_opening"]) == 1


def test_failed_send_is_retried_then_given_up(db: Session) -> None:
    _world(db)
    dead = SmtpSender(_settings(free_port()))
    r1 = reminders.run(db=db, sender=dead, today=TODAY, now=NOW)
    assert (r1.sent, r1.failed) == (0, 2)
    pending = db.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
    assert len(pending) == 2 and all(m.attempts == 1 and m.error for m in pending)
    with smtp_server() as (port, inbox):
        r2 = reminders.run(db=db, sender=SmtpSender(_settings(port)), today=TODAY, now=NOW)
        assert (r2.created, r2.sent) == (0, 2) and len(inbox.messages) == 2
    # a new occasion that keeps failing ends as failed after MAX_ATTEMPTS tries
    reminders.generate(db=db, today=TODAY + timedelta(days=20), now=NOW)
    for _ in range(reminders.MAX_ATTEMPTS):
        reminders.send_pending(db=db, sender=dead, now=NOW)
    failed = db.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
    assert failed and all(m.attempts == reminders.MAX_ATTEMPTS for m in failed)


def test_opt_out_after_generation_drops_pending(db: Session) -> None:
    ids = _world(db)
    reminders.generate(db=db, today=TODAY, now=NOW)
    reminders.set_contact(db=db, patient_id=ids["A"], email="a@example.kr", opt_out=True)
    with smtp_server() as (port, inbox):
        result = reminders.send_pending(db=db, sender=SmtpSender(_settings(port)), now=NOW)
    assert result.sent == 0 and inbox.messages == []
    statuses = {m.status for m in db.scalars(select(OutboxMessage)) if m.patient_id == ids["A"]}
    assert statuses == {"skipped"}
    assert reminders.messages_for(db=db, patient_id=ids["A"]) == []


def test_bad_contact_and_settings_refused(db: Session) -> None:
    ids = _world(db)
    with pytest.raises(InputError):
        reminders.set_contact(db=db, patient_id=ids["A"], email="not an address", opt_out=False)
    with pytest.raises(ConfigError):
        SmtpSender(SmtpSettings(host="127.0.0.1", from_addr=""))


def test_starttls_refuses_an_untrusted_certificate(db: Session, tmp_path: Path) -> None:
    _world(db)
    with smtp_server(tls=self_signed(tmp_path)) as (port, inbox):
        sender = SmtpSender(_settings(port, tls="starttls", host="localhost"))  # system CAs
        result = reminders.run(db=db, sender=sender, today=TODAY, now=NOW)
    assert result.sent == 0 and result.failed == 2 and inbox.messages == []
    errors = {m.error for m in db.scalars(select(OutboxMessage)) if m.error}
    assert any("CERTIFICATE_VERIFY_FAILED" in e or "certificate" in e.lower() for e in errors)
    assert NOW.astimezone(UTC).hour == 0
