"""Appointments: schedule, reschedule, cancel (kept, marked cancelled), a centre's day and
week, and the next one of a patient.

Times are aware datetimes (stored UTC, shown in the centre zone); a new appointment must lie in the
future and within two years. A centre's calendar has slots of :data:`SLOT_MINUTES` minutes
(local convention) and a slot holds one appointment: the database refuses a second one
(unique centre + slot), and the service says so first in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cdcare.care.amend import keep_version
from cdcare.care.patients import get_patient
from cdcare.errors import N_, Conflict, InputError, NotFound
from cdcare.store.care_models import Appointment

#: What an appointment is for (shown translated).
KINDS = {
    "injection": N_("botulinum toxin injection"),
    "followup": N_("follow-up visit"),
    "video": N_("video check"),
    "therapy": N_("physiotherapy or psychology"),
    "other": N_("other"),
}
MAX_AHEAD = timedelta(days=730)
#: Length of one calendar slot in minutes (local convention of this software).
SLOT_MINUTES = 15


def slot_of(when: datetime) -> datetime:
    """The start of the slot ``when`` falls in (UTC, floored to SLOT_MINUTES)."""
    when = when.astimezone(UTC).replace(second=0, microsecond=0)
    return when - timedelta(minutes=when.minute % SLOT_MINUTES)


def _check_time(starts_at: datetime, now: datetime) -> None:
    if starts_at.tzinfo is None:
        raise InputError(N_("The appointment time needs a time zone"))
    if starts_at <= now:
        raise InputError(
            N_("The appointment time {when} is not in the future"),
            when=starts_at,
        )
    if starts_at > now + MAX_AHEAD:
        raise InputError(
            N_("The appointment time {when} is more than two years ahead"),
            when=starts_at,
        )


def _slot_taken(when: datetime) -> Conflict:
    return Conflict(  # the slot's start, written in the centre's zone for the reader
        N_("The {minutes}-minute slot at {when} is already booked; choose another time"),
        minutes=SLOT_MINUTES,
        when=slot_of(when),
    )


def _hold_slot(db: Session, row: Appointment, starts_at: datetime) -> None:
    """Give ``row`` (new or existing) the slot of ``starts_at`` and flush it, or raise Conflict
    when another appointment holds that slot; a refused new row is not left in the session."""
    slot = slot_of(starts_at)
    with db.no_autoflush:
        holder = db.scalar(
            select(Appointment.id).where(
                Appointment.centre_id == row.centre_id,
                Appointment.slot_start == slot,
                Appointment.id != (row.id or -1),
            )
        )
    if holder is not None:
        raise _slot_taken(starts_at)
    try:
        with db.begin_nested():  # a concurrent booking of the same slot loses here
            row.starts_at, row.slot_start = starts_at, slot
            db.add(row)
            db.flush()
    except IntegrityError:
        raise _slot_taken(starts_at) from None


def schedule(
    *,
    db: Session,
    patient_id: int,
    starts_at: datetime,
    kind: str,
    note: str = "",
    created_by_id: int | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book an appointment; past times, times over two years ahead and unknown kinds are refused."""
    patient = get_patient(db=db, patient_id=patient_id)
    now = now or datetime.now(UTC)
    if starts_at.tzinfo is None:
        raise InputError(N_("The appointment time needs a time zone"))
    if kind not in KINDS:
        raise InputError(N_("Unknown appointment kind {kind}"), kind=kind)
    _check_time(starts_at, now)
    row = Appointment(
        patient_id=patient_id,
        centre_id=patient.centre_id,
        starts_at=starts_at,
        kind=kind,
        note=note.strip(),
        created_by_id=created_by_id,
    )
    _hold_slot(db, row, starts_at)
    return row


def reschedule(
    *,
    db: Session,
    patient_id: int,
    appointment_id: int,
    starts_at: datetime,
    changed_by_id: int | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move an appointment to a new time (same rules as booking); the earlier time is kept
    as a record version."""
    row = db.get(Appointment, appointment_id)
    if row is None or row.patient_id != patient_id:
        raise NotFound(N_("Appointment {id} not found"), id=appointment_id)
    if row.cancelled_at is not None:
        raise Conflict(N_("Appointment {id} is already cancelled"), id=appointment_id)
    now = now or datetime.now(UTC)
    _check_time(starts_at, now)
    before = {"starts_at": row.starts_at.isoformat(), "kind": row.kind, "note": row.note}
    _hold_slot(db, row, starts_at)
    keep_version(
        db=db,
        entity="appointment",
        entity_id=row.id,
        data=before,
        changed_by_id=changed_by_id,
        reason="rescheduled",
    )
    return row


def cancel(
    *, db: Session, patient_id: int, appointment_id: int, now: datetime | None = None
) -> Appointment:
    """Mark an appointment cancelled (the row is kept)."""
    row = db.get(Appointment, appointment_id)
    if row is None or row.patient_id != patient_id:
        raise NotFound(N_("Appointment {id} not found"), id=appointment_id)
    if row.cancelled_at is not None:
        raise Conflict(N_("Appointment {id} is already cancelled"), id=appointment_id)
    row.cancelled_at = now or datetime.now(UTC)
    row.slot_start = None  # the slot is free again
    db.flush()
    return row


def centre_between(
    *, db: Session, centre_id: int, start: datetime, end: datetime
) -> Sequence[Appointment]:
    """A centre's appointments (not cancelled) starting in [start, end), in time order."""
    return db.scalars(
        select(Appointment)
        .where(
            Appointment.centre_id == centre_id,
            Appointment.cancelled_at.is_(None),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()


def upcoming(*, db: Session, patient_id: int, now: datetime | None = None) -> Sequence[Appointment]:
    """Appointments not cancelled and not yet started, soonest first."""
    now = now or datetime.now(UTC)
    return db.scalars(
        select(Appointment)
        .where(
            Appointment.patient_id == patient_id,
            Appointment.cancelled_at.is_(None),
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
    ).all()


def next_appointment(
    *, db: Session, patient_id: int, now: datetime | None = None
) -> Appointment | None:
    """The soonest upcoming appointment, or None."""
    rows = upcoming(db=db, patient_id=patient_id, now=now)
    return rows[0] if rows else None
