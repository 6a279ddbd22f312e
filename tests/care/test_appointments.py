"""Appointments: booking rules, cancellation keeps the row, next appointment; both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine

from cdcare.care.appointments import cancel, next_appointment, schedule, upcoming
from cdcare.care.patients import create_centre, create_patient
from cdcare.errors import Conflict, InputError
from cdcare.store.db import session_scope

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
KST = timezone(timedelta(hours=9))


def _patient(engine: Engine) -> int:
    with session_scope(engine) as db:
        c = create_centre(db=db, code="A", name="A")
        return create_patient(
            db=db, centre_id=c.id, record_number="P1", birth_year=1970, sex="F"
        ).id


def test_book_list_cancel(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db:
        later = schedule(
            db=db,
            patient_id=pid,
            starts_at=datetime(2027, 2, 1, 10, tzinfo=KST),
            kind="injection",
            now=NOW,
        )
        sooner = schedule(
            db=db,
            patient_id=pid,
            starts_at=datetime(2026, 12, 3, 9, tzinfo=KST),
            kind="followup",
            note="diary review",
            now=NOW,
        )
        lid, sid = later.id, sooner.id
    with session_scope(engine) as db:
        assert [a.id for a in upcoming(db=db, patient_id=pid, now=NOW)] == [sid, lid]
        first = next_appointment(db=db, patient_id=pid, now=NOW)
        assert first is not None and first.starts_at == datetime(2026, 12, 3, 0, tzinfo=UTC)
        cancel(db=db, patient_id=pid, appointment_id=sid, now=NOW)
    with session_scope(engine) as db:
        nxt = next_appointment(db=db, patient_id=pid, now=NOW)
        assert nxt is not None and nxt.id == lid
        with pytest.raises(Conflict):
            cancel(db=db, patient_id=pid, appointment_id=sid, now=NOW)


@pytest.mark.parametrize(
    ("when", "kind", "match"),
    [
        (NOW - timedelta(minutes=1), "followup", "not in the future"),
        (NOW + timedelta(days=800), "followup", "two years"),
        (NOW + timedelta(days=3), "massage", "Unknown appointment kind"),
    ],
)
def test_bad_bookings_are_refused(engine: Engine, when: datetime, kind: str, match: str) -> None:
    pid = _patient(engine)
    with pytest.raises(InputError, match=match), session_scope(engine) as db:
        schedule(db=db, patient_id=pid, starts_at=when, kind=kind, now=NOW)
    with session_scope(engine) as db:
        assert upcoming(db=db, patient_id=pid, now=NOW) == []
