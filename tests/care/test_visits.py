"""A visit's plan draft (kept as entered, recorded once) and its signed note (frozen, amended)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cdcare.care import visits
from cdcare.care.patients import create_centre, create_patient, record_assessment
from cdcare.care.users import add_user
from cdcare.errors import Conflict, DoseLimitError, InputError
from cdcare.store.clinic_models import VisitNote
from cdcare.store.db import session_factory
from cdcare.store.models import User, Visit

TODAY = date(2026, 12, 3)
PW = "doctor-password-1"
INJ = [
    {"muscle": "splenius_capitis", "side": "left", "dose": "50"},
    {"muscle": "sternocleidomastoid", "side": "right", "dose": "30"},
]


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s


def _setup(db: Session) -> tuple[User, Visit]:
    c = create_centre(db=db, code="C", name="C")
    p = create_patient(db=db, centre_id=c.id, record_number="R", birth_year=1970, sex="F")
    doc = add_user(db=db, centre_id=c.id, username="doc", display_name="Dr", role="physician",
                   password=PW)  # fmt: skip
    visit = visits.open_today(db=db, patient_id=p.id, clinician_id=doc.id, today=TODAY)
    assert visits.open_today(db=db, patient_id=p.id, clinician_id=doc.id, today=TODAY) is visit
    return doc, visit


def _save(db: Session, visit: Visit, doc: User, injections: list[dict[str, str]] = INJ,
          **kw: str) -> visits.VisitPlan:  # fmt: skip
    fields = {"product": "botox", "lot": "C1234", "dilution": "50", "guidance": "emg",
              "override_reason": ""} | kw  # fmt: skip
    return visits.save_plan(db=db, visit=visit, injections=injections, user_id=doc.id, **fields)


def test_dose_edit_keeps_lot_dilution_guidance(db: Session) -> None:
    doc, visit = _setup(db)
    _save(db, visit, doc)
    edited = [dict(INJ[0], dose="60"), INJ[1]]
    row = visits.save_plan(
        db=db,
        visit=visit,
        product="botox",
        injections=edited,
        lot="C1234",
        dilution="50",
        guidance="emg",
        override_reason="",
        user_id=doc.id,
    )
    assert row.lot == "C1234" and row.dilution_u_per_ml == 50.0 and row.guidance == "emg"
    assert row.plan["injections"][0]["dose"] == 60.0
    ev = visits.evaluate(db=db, visit=visit, row=row, lang="en", today=TODAY)
    assert ev.error == "" and ev.plan and ev.plan["total"] == 90.0


def test_bad_dose_is_kept_and_named(db: Session) -> None:
    doc, visit = _setup(db)
    row = _save(db, visit, doc, injections=[dict(INJ[0], dose="fifty")])
    assert row.plan["injections"][0]["dose"] == "fifty"  # nothing typed is lost
    ev = visits.evaluate(db=db, visit=visit, row=row, lang="en", today=TODAY)
    assert ev.refused and "splenius" in ev.error.lower()
    with pytest.raises(InputError):
        _save(db, visit, doc, dilution="lots")
    assert visits.plan_of(db=db, visit_id=visit.id).lot == "C1234"  # type: ignore[union-attr]


def test_record_once_then_frozen(db: Session) -> None:
    doc, visit = _setup(db)
    _save(db, visit, doc, injections=[dict(INJ[0], dose="999")])
    with pytest.raises(DoseLimitError):
        visits.record_plan(db=db, visit=visit, user=doc, today=TODAY)
    _save(db, visit, doc)
    session = visits.record_plan(db=db, visit=visit, user=doc, today=TODAY)
    assert session.lot == "C1234" and session.dilution_u_per_ml == 50 and session.total_units == 80
    with pytest.raises(Conflict):
        _save(db, visit, doc)
    with pytest.raises(Conflict):
        visits.record_plan(db=db, visit=visit, user=doc, today=TODAY)


def test_signing_needs_the_password_and_freezes(db: Session) -> None:
    doc, visit = _setup(db)
    record_assessment(db=db, patient_id=visit.patient_id, visit_id=visit.id, instrument="phq9",
                      answers={f"q{i}": 1 for i in range(1, 10)})  # fmt: skip
    _save(db, visit, doc)
    visits.record_plan(db=db, visit=visit, user=doc, today=TODAY)
    visits.save_note(db=db, visit=visit, text="Injected as planned.", author_id=doc.id)
    with pytest.raises(InputError, match="password"):
        visits.sign_note(db=db, visit=visit, user=doc, password="wrong-password")
    note = visits.sign_note(db=db, visit=visit, user=doc, password=PW)
    assert note.signed_at is not None and len(note.content_hash) == 64
    assert visits.verify_note(note)
    assert note.content and note.content["injection_session"]["lot"] == "C1234"
    assert note.content["scales"][0]["instrument"] == "phq9"
    with pytest.raises(Conflict):
        visits.save_note(db=db, visit=visit, text="changed", author_id=doc.id)
    db.commit()


def test_signed_note_cannot_be_changed_in_place(db: Session) -> None:
    doc, visit = _setup(db)
    visits.save_note(db=db, visit=visit, text="Original text.", author_id=doc.id)
    note = visits.sign_note(db=db, visit=visit, user=doc, password=PW)
    db.commit()
    note.text = "Tampered."
    with pytest.raises(Conflict):
        db.flush()
    db.rollback()
    stored = db.scalars(select(VisitNote)).one()
    assert stored.text == "Original text." and visits.verify_note(stored)
    stored.content = dict(stored.content or {}, note="Tampered.")  # hash no longer matches
    assert not visits.verify_note(stored)
    db.rollback()


def test_amendment_keeps_the_original(db: Session) -> None:
    doc, visit = _setup(db)
    with pytest.raises(Conflict):
        visits.amend_note(db=db, visit=visit, text="x", author_id=doc.id)
    visits.save_note(db=db, visit=visit, text="Original.", author_id=doc.id)
    first = visits.sign_note(db=db, visit=visit, user=doc, password=PW)
    amendment = visits.amend_note(db=db, visit=visit, text="Added: mild neck pain.",
                                  author_id=doc.id)  # fmt: skip
    visits.save_note(db=db, visit=visit, text="Added: mild neck pain day 3.", author_id=doc.id)
    second = visits.sign_note(db=db, visit=visit, user=doc, password=PW)
    assert second is amendment and second.supersedes_id == first.id
    assert second.content and second.content["amends"] == {
        "id": first.id,
        "hash": first.content_hash,
    }
    rows = visits.notes_of(db=db, visit_id=visit.id)
    assert [r.text for r in rows] == ["Original.", "Added: mild neck pain day 3."]
    assert all(visits.verify_note(r) for r in rows)
    with pytest.raises(Conflict):
        visits.sign_note(db=db, visit=visit, user=doc, password=PW)
