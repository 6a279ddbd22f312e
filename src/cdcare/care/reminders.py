"""Reminders: generate an outbox of messages for patients, then send them.

Occasions (each generated once: its ``dedupe_key`` is unique in the outbox):

- ``window_opening``: the re-injection window (last session + minimum interval, 84 days,
  clinical/data/toxins.json) opens within the next :data:`WINDOW_NOTICE_DAYS` days (today
  included); key = patient + opening date.
- ``appointment_tomorrow``: a booked, not cancelled appointment on tomorrow's local date; key =
  appointment id + its start time (a rescheduled appointment is a new occasion).
- ``diary_missing``: no diary entry for :data:`DIARY_GAP_DAYS` days or more (the newest entry,
  or the account's creation when there is none, is that many days before today); key = patient
  + that date, so one reminder per silent spell.

Only patients with an active portal account get reminders, in that account's language; a
patient who opted out gets none. Sending: with an e-mail address and a sender, the message is
e-mailed (``sent``); otherwise it is shown in the portal only (``portal``). A failed send stays
``pending`` and is retried on the next run, up to :data:`MAX_ATTEMPTS` tries (then ``failed``).
Every send attempt is written to the access log. Days are local (centre zone) calendar days;
dates and times in a message are written for its language (:mod:`cdcare.l10n`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdcare.care.appointments import KINDS as APPOINTMENT_KINDS
from cdcare.care.audit import log_event
from cdcare.clinical.toxins import min_interval_days
from cdcare.clock import local_date, to_local
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.l10n import date_text, time_text
from cdcare.store.care_models import Appointment, DiaryEntry, InjectionSession
from cdcare.store.clinic_models import OutboxMessage, ReminderContact
from cdcare.store.models import Patient, Role, User

#: Local conventions (not clinical facts): notice period before the window, diary gap.
WINDOW_NOTICE_DAYS = 7
DIARY_GAP_DAYS = 7
MAX_ATTEMPTS = 3
SENDER_NAME = "reminders"  # the access log's "account" for automatic sends

KINDS = {
    "window_opening": (
        N_("Your next injection can be booked from {date}"),
        N_(
            "Hello. From {date} your next botulinum toxin injection can be given "
            "(12 weeks after the last one). Please call the clinic to book a time if you "
            "have not done so yet."
        ),
    ),
    "appointment_tomorrow": (
        N_("Reminder: your appointment tomorrow at {time}"),
        N_(
            "Hello. You have an appointment tomorrow, {date} at {time} ({what}). "
            "If you cannot come, please call the clinic."
        ),
    ),
    "diary_missing": (
        N_("Your diary has not been filled in for a week"),
        N_(
            "Hello. Your last diary entry was on {date}. A short entry each day helps your "
            "care team see how the treatment works for you. It takes a minute on My page."
        ),
    ),
}


class Sender(Protocol):
    """Delivers one message; raises on failure. ``channel`` names it in the outbox."""

    channel: str

    def send(self, *, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class RunResult:
    """What one run did: messages created, e-mailed, portal-only, failed (this run)."""

    created: int
    sent: int
    portal: int
    failed: int


def contact(*, db: Session, patient_id: int) -> ReminderContact:
    """The patient's reminder settings (created empty on first use)."""
    row = db.scalar(select(ReminderContact).where(ReminderContact.patient_id == patient_id))
    if row is None:
        row = ReminderContact(patient_id=patient_id)
        db.add(row)
        db.flush()
    return row


def set_contact(*, db: Session, patient_id: int, email: str, opt_out: bool) -> ReminderContact:
    """Change the e-mail address (empty = portal only) and the opt-out."""
    email = email.strip()
    if email and ("@" not in email or " " in email or len(email) > 254):
        raise InputError(N_("{value} is not an e-mail address"), value=email)
    row = contact(db=db, patient_id=patient_id)
    row.email, row.opt_out = email, opt_out
    db.flush()
    return row


def _message(kind: str, lang: str, **params: str) -> tuple[str, str]:
    subject, body = KINDS[kind]
    return translate(subject, lang).format(**params), translate(body, lang).format(**params)


def _add(
    db: Session, patient_id: int, kind: str, key: str, lang: str, due: date, **params: str
) -> bool:
    if db.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None:
        return False
    subject, body = _message(kind, lang, **params)
    db.add(
        OutboxMessage(
            patient_id=patient_id,
            kind=kind,
            dedupe_key=key,
            lang=lang,
            subject=subject,
            body=body,
            due_on=due,
        )
    )
    db.flush()
    return True


def _occasions(db: Session, account: User, today: date, now: datetime) -> int:
    pid = account.patient_id
    assert pid is not None  # noqa: S101 - callers select patient accounts only (type narrowing)
    lang, made = account.lang if account.lang in ("ko", "en") else "ko", 0
    last = db.scalar(
        select(func.max(InjectionSession.injected_on)).where(InjectionSession.patient_id == pid)
    )
    if last is not None:
        opens = last + timedelta(days=min_interval_days())
        if today <= opens <= today + timedelta(days=WINDOW_NOTICE_DAYS):
            made += _add(
                db, pid, "window_opening", f"window:{pid}:{opens}", lang, opens,
                date=date_text(opens, lang),
            )  # fmt: skip
    tomorrow = today + timedelta(days=1)
    for appt in db.scalars(
        select(Appointment).where(
            Appointment.patient_id == pid,
            Appointment.cancelled_at.is_(None),
            Appointment.starts_at > now,
        )
    ):
        start = to_local(appt.starts_at)
        if start.date() == tomorrow:
            made += _add(
                db, pid, "appointment_tomorrow",
                f"appt:{appt.id}:{appt.starts_at.astimezone(UTC).isoformat()}", lang, tomorrow,
                date=date_text(tomorrow, lang), time=time_text(start, lang),
                what=translate(APPOINTMENT_KINDS.get(appt.kind, appt.kind), lang),
            )  # fmt: skip
    newest = db.scalar(select(func.max(DiaryEntry.entry_date)).where(DiaryEntry.patient_id == pid))
    since = newest or local_date(account.created_at)
    if (today - since).days >= DIARY_GAP_DAYS:
        made += _add(
            db, pid, "diary_missing", f"diary:{pid}:{since}", lang, today,
            date=date_text(since, lang),
        )  # fmt: skip
    return made


def generate(*, db: Session, today: date, now: datetime | None = None) -> int:
    """Create the outbox messages due today; returns how many are new (0 on a second run)."""
    now = now or datetime.now(UTC)
    opted_out = set(
        db.scalars(select(ReminderContact.patient_id).where(ReminderContact.opt_out.is_(True)))
    )
    accounts = db.scalars(
        select(User)
        .join(Patient, Patient.id == User.patient_id)
        .where(User.role == Role.PATIENT, User.active.is_(True))
        .order_by(User.id)
    ).all()
    return sum(_occasions(db, a, today, now) for a in accounts if a.patient_id not in opted_out)


def send_pending(*, db: Session, sender: Sender | None, now: datetime | None = None) -> RunResult:
    """Send every pending message once (opted-out patients' pending messages are dropped)."""
    now = now or datetime.now(UTC)
    sent = portal = failed = 0
    pending = db.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id)
    ).all()
    for msg in pending:
        c = contact(db=db, patient_id=msg.patient_id)
        if c.opt_out:
            msg.status, msg.channel = "skipped", ""
        elif not c.email or sender is None:
            msg.status, msg.channel, msg.sent_at = "portal", "portal", now
            portal += 1
        else:
            msg.attempts += 1
            msg.channel = sender.channel
            try:
                sender.send(to=c.email, subject=msg.subject, body=msg.body)
            except Exception as exc:  # any delivery failure is kept and retried
                msg.error = f"{type(exc).__name__}: {exc}"[:500]
                if msg.attempts >= MAX_ATTEMPTS:
                    msg.status = "failed"
                failed += 1
            else:
                msg.status, msg.sent_at, msg.error = "sent", now, ""
                sent += 1
        log_event(
            db=db,
            action="export",
            username=SENDER_NAME,
            patient_id=msg.patient_id,
            target=f"reminder:{msg.id}:{msg.kind}:{msg.status}:{msg.channel or '-'}",
            reason=msg.error,
        )
        db.flush()
    return RunResult(0, sent, portal, failed)


def run(
    *, db: Session, sender: Sender | None, today: date | None = None, now: datetime | None = None
) -> RunResult:
    """Generate today's messages, then send what is pending. Running twice sends nothing twice."""
    now = now or datetime.now(UTC)
    today = today or local_date(now)
    created = generate(db=db, today=today, now=now)
    result = send_pending(db=db, sender=sender, now=now)
    return RunResult(created, result.sent, result.portal, result.failed)


def messages_for(*, db: Session, patient_id: int, limit: int = 50) -> Sequence[OutboxMessage]:
    """A patient's reminders, newest first (shown in the portal)."""
    return db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.patient_id == patient_id, OutboxMessage.status != "skipped")
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).all()
