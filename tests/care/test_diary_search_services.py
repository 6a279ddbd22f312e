"""Service functions moved out of the web routes: the portal's diary day (create, amend with the
earlier version kept, exercise tick) and the patient search; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from cdcare.care import diary
from cdcare.care.patients import create_centre, create_patient, search_patients
from cdcare.errors import InputError
from cdcare.store.db import session_scope
from cdcare.store.models import RecordVersion

TODAY = date(2026, 11, 25)


def _patient(engine: Engine) -> int:
    with session_scope(engine) as db:
        c = create_centre(db=db, code="T", name="Test")
        return create_patient(
            db=db, centre_id=c.id, record_number="P-1", birth_year=1970, sex="F", today=TODAY
        ).id


def test_save_day_creates_then_amends_keeping_the_version(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db:
        row, kind = diary.save_day(
            db=db, patient_id=pid, day=TODAY, severity=4, pain=2, today=TODAY
        )
        assert kind == "create" and row.severity == 4
    with session_scope(engine) as db:
        row, kind = diary.save_day(
            db=db, patient_id=pid, day=TODAY, severity=6, pain=3, today=TODAY
        )
        assert kind == "amend" and (row.severity, row.pain) == (6, 3)
        versions = db.scalars(select(RecordVersion)).all()
        assert [v.reason for v in versions] == [diary.PORTAL_AMEND_REASON]
        assert versions[0].data["severity"] == 4
        assert diary.entry_on(db=db, patient_id=pid, day=TODAY) is not None
        assert diary.entry_on(db=db, patient_id=pid, day=date(2026, 11, 24)) is None


def test_save_day_refuses_a_future_day(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db, pytest.raises(InputError):
        diary.save_day(
            db=db, patient_id=pid, day=date(2026, 11, 26), severity=1, pain=1, today=TODAY
        )


def test_exercise_tick_keeps_other_answers_or_needs_scores(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db, pytest.raises(InputError, match="severity"):
        diary.tick_exercise(db=db, patient_id=pid, day=TODAY, done=True, today=TODAY)
    with session_scope(engine) as db:
        row, kind = diary.tick_exercise(
            db=db, patient_id=pid, day=TODAY, done=False, severity=3, pain=5, today=TODAY
        )
        assert (kind, row.exercise_done, row.severity) == ("create", False, 3)
    with session_scope(engine) as db:
        row, kind = diary.tick_exercise(db=db, patient_id=pid, day=TODAY, done=True, today=TODAY)
        assert (kind, row.exercise_done, row.severity, row.pain) == ("amend", True, 3, 5)


def test_search_patients_by_record_number_or_note_within_the_centre(engine: Engine) -> None:
    with session_scope(engine) as db:
        a = create_centre(db=db, code="A", name="A")
        b = create_centre(db=db, code="B", name="B")
        for centre, number, notes in [
            (a, "A-10", ""),
            (a, "A-2", "Botox nonresponder"),
            (b, "A-11", ""),
        ]:
            create_patient(
                db=db,
                centre_id=centre.id,
                record_number=number,
                birth_year=1980,
                sex="M",
                notes=notes,
                today=TODAY,
            )
        db.flush()

        def found(text: str) -> list[str]:
            return [p.record_number for p in search_patients(db=db, centre_id=a.id, text=text)]

        assert found("") == ["A-10", "A-2"]
        assert found(" a-1 ") == ["A-10"]  # other centre's A-11 is not listed
        assert found("NONRESP") == ["A-2"]
        assert found("zzz") == []
        assert len(search_patients(db=db, centre_id=a.id, limit=1)) == 1
