"""Appointments: schedule, cancel (kept, marked cancelled) and the next one of a patient.

Times are aware datetimes (stored UTC, shown Asia/Seoul); a new appointment must lie in the
future and within two years.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    get_patient(db=db, patient_id=patient_id)
    now = now or datetime.now(UTC)
    if starts_at.tzinfo is None:
        raise InputError(N_("The appointment time needs a time zone"))
    if kind not in KINDS:
        raise InputError(N_("Unknown appointment kind {kind}"), kind=kind)
    if starts_at <= now:
        raise InputError(
            N_("The appointment time {when} is not in the future"),
            when=starts_at.isoformat(timespec="minutes"),
        )
    if starts_at > now + MAX_AHEAD:
        raise InputError(
            N_("The appointment time {when} is more than two years ahead"),
            when=starts_at.isoformat(timespec="minutes"),
        )
    row = Appointment(
        patient_id=patient_id,
        starts_at=starts_at,
        kind=kind,
        note=note.strip(),
        created_by_id=created_by_id,
    )
    db.add(row)
    db.flush()
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
    db.flush()
    return row


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
