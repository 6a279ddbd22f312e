"""One appointment per centre slot (service + database), rescheduling, cancel frees the slot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cdcare.care.appointments import cancel, centre_between, reschedule, schedule, slot_of
from cdcare.care.patients import create_centre, create_patient
from cdcare.errors import Conflict, InputError
from cdcare.store.care_models import Appointment
from cdcare.store.db import session_factory
from cdcare.store.models import RecordVersion

KST = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=KST)
TEN = datetime(2026, 12, 2, 10, 0, tzinfo=KST)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s


def _patients(db: Session) -> tuple[int, int, int]:
    a = create_centre(db=db, code="A", name="A")
    b = create_centre(db=db, code="B", name="B")
    p1 = create_patient(db=db, centre_id=a.id, record_number="1", birth_year=1970, sex="F")
    p2 = create_patient(db=db, centre_id=a.id, record_number="2", birth_year=1970, sex="F")
    p3 = create_patient(db=db, centre_id=b.id, record_number="3", birth_year=1970, sex="F")
    return p1.id, p2.id, p3.id


def test_slot_is_floored() -> None:
    assert slot_of(TEN + timedelta(minutes=14, seconds=59)) == slot_of(TEN)
    assert slot_of(TEN + timedelta(minutes=15)) == slot_of(TEN) + timedelta(minutes=15)


def test_double_booking_refused_with_a_clear_message(db: Session) -> None:
    p1, p2, p3 = _patients(db)
    schedule(db=db, patient_id=p1, starts_at=TEN, kind="injection", now=NOW)
    with pytest.raises(Conflict, match=r"10:00\sAM is already booked") as err:
        schedule(db=db, patient_id=p2, starts_at=TEN + timedelta(minutes=5), kind="followup",
                 now=NOW)  # fmt: skip
    assert "오전 10:00" in err.value.text("ko")  # the slot time written for the reader
    schedule(db=db, patient_id=p3, starts_at=TEN, kind="injection", now=NOW)  # other centre
    schedule(db=db, patient_id=p2, starts_at=TEN + timedelta(minutes=15), kind="followup", now=NOW)
    assert len(db.scalars(select(Appointment)).all()) == 3


def test_database_refuses_a_second_appointment_in_a_slot(db: Session) -> None:
    p1, p2, _ = _patients(db)
    first = schedule(db=db, patient_id=p1, starts_at=TEN, kind="injection", now=NOW)
    db.commit()
    db.add(Appointment(patient_id=p2, centre_id=first.centre_id, starts_at=TEN, kind="other",
                       slot_start=first.slot_start))  # fmt: skip
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_cancel_frees_the_slot(db: Session) -> None:
    p1, p2, _ = _patients(db)
    a = schedule(db=db, patient_id=p1, starts_at=TEN, kind="injection", now=NOW)
    cancel(db=db, patient_id=p1, appointment_id=a.id, now=NOW)
    b = schedule(db=db, patient_id=p2, starts_at=TEN, kind="injection", now=NOW)
    assert b.slot_start == slot_of(TEN) and a.slot_start is None


def test_reschedule_keeps_the_earlier_time_and_checks_the_slot(db: Session) -> None:
    p1, p2, _ = _patients(db)
    a = schedule(db=db, patient_id=p1, starts_at=TEN, kind="injection", now=NOW)
    b = schedule(db=db, patient_id=p2, starts_at=TEN + timedelta(hours=1), kind="followup",
                 now=NOW)  # fmt: skip
    with pytest.raises(Conflict):
        reschedule(db=db, patient_id=p1, appointment_id=a.id, starts_at=b.starts_at, now=NOW)
    assert a.starts_at == TEN and a.slot_start == slot_of(TEN)
    with pytest.raises(InputError, match="not in the future"):
        reschedule(db=db, patient_id=p1, appointment_id=a.id, starts_at=NOW, now=NOW)
    later = TEN + timedelta(days=1, minutes=30)
    reschedule(db=db, patient_id=p1, appointment_id=a.id, starts_at=later, now=NOW)
    assert a.starts_at == later
    old = db.scalars(select(RecordVersion).where(RecordVersion.entity == "appointment")).one()
    assert datetime.fromisoformat(old.data["starts_at"]) == TEN
    schedule(db=db, patient_id=p2, starts_at=TEN, kind="other", now=NOW)  # old slot is free
    day = centre_between(db=db, centre_id=a.centre_id, start=TEN - timedelta(hours=2),
                         end=TEN + timedelta(hours=12))  # fmt: skip
    assert [r.patient_id for r in day] == [p2, p2]
