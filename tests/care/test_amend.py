"""Amendments keep the original: patient demographics and scale assessments, both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from cdcare.care.amend import amend_assessment, assessment_chain, update_patient, versions
from cdcare.care.patients import (
    create_centre,
    create_patient,
    latest_assessments,
    record_assessment,
)
from cdcare.errors import Conflict, InputError, ScaleError
from cdcare.store.db import session_scope
from cdcare.store.models import Sex

GAD7 = {f"q{i}": 1 for i in range(1, 8)}


def _patient(engine: Engine) -> int:
    with session_scope(engine) as db:
        c = create_centre(db=db, code="A", name="A")
        return create_patient(
            db=db,
            centre_id=c.id,
            record_number="P1",
            birth_year=1970,
            sex="F",
            onset_date=date(2010, 5, 1),
        ).id


def test_patient_update_keeps_earlier_version(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db:
        update_patient(
            db=db,
            patient_id=pid,
            changes={"birth_year": 1971, "notes": "typo fixed"},
            changed_by_id=None,
            reason="birth year mistyped",
        )
    with session_scope(engine) as db:
        old = versions(db=db, entity="patient", entity_id=pid)
        assert len(old) == 1 and old[0].version == 1
        assert old[0].data["birth_year"] == 1970 and old[0].data["sex"] == "F"
        assert old[0].data["onset_date"] == "2010-05-01" and old[0].reason == "birth year mistyped"
        update_patient(
            db=db,
            patient_id=pid,
            changes={"sex": Sex.OTHER},
            changed_by_id=None,
            reason="patient's request",
        )
    with session_scope(engine) as db:
        assert [v.version for v in versions(db=db, entity="patient", entity_id=pid)] == [1, 2]


@pytest.mark.parametrize(
    ("changes", "reason", "match"),
    [
        ({"birth_year": 1971}, "  ", "reason"),
        ({"record_number": "X"}, "r", "cannot be amended"),
        ({"onset_date": date(2999, 1, 1)}, "r", "future"),
        ({"notes": ""}, "r", "Nothing"),
        ({"birth_year": 1800}, "r", "Birth year"),
    ],
)
def test_bad_patient_amendment_saves_nothing(
    engine: Engine, changes: dict[str, object], reason: str, match: str
) -> None:
    pid = _patient(engine)
    with pytest.raises(InputError, match=match), session_scope(engine) as db:
        update_patient(db=db, patient_id=pid, changes=changes, changed_by_id=None, reason=reason)
    with session_scope(engine) as db:
        assert versions(db=db, entity="patient", entity_id=pid) == []


def test_assessment_amendment_chain(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db:
        first = record_assessment(db=db, patient_id=pid, instrument="gad7", answers=GAD7)
        fid, when = first.id, first.assessed_at
    with session_scope(engine) as db:
        second = amend_assessment(
            db=db,
            assessment_id=fid,
            answers=dict(GAD7, q1=3),
            amended_by_id=None,
            reason="item 1 misread",
        )
        sid = second.id
        assert second.total == 9 and second.supersedes_id == fid and second.assessed_at == when
    with session_scope(engine) as db:
        assert [a.id for a in latest_assessments(db=db, patient_id=pid)] == [sid]
        assert [a.id for a in assessment_chain(db=db, assessment_id=fid)] == [fid, sid]
        snap = versions(db=db, entity="scale_assessment", entity_id=fid)
        assert snap[0].data["total"] == 7 and snap[0].data["replaced_by"] == sid
        with pytest.raises(Conflict, match="already amended"):
            amend_assessment(
                db=db, assessment_id=fid, answers=GAD7, amended_by_id=None, reason="again"
            )


def test_invalid_amendment_saves_nothing(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db:
        fid = record_assessment(db=db, patient_id=pid, instrument="gad7", answers=GAD7).id
    with pytest.raises(ScaleError), session_scope(engine) as db:
        amend_assessment(
            db=db, assessment_id=fid, answers=dict(GAD7, q2=9), amended_by_id=None, reason="r"
        )
    with session_scope(engine) as db:
        assert [a.id for a in assessment_chain(db=db, assessment_id=fid)] == [fid]
        assert versions(db=db, entity="scale_assessment", entity_id=fid) == []
