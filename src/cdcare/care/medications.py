"""Oral medications: courses with start/stop dates, titration steps and side effects.

Doses are exactly what the clinician enters (a positive number in ``unit``, e.g. mg); nothing
here suggests or checks a dose against a range. Drug classes are
``care/data/medication_classes.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care._checks import load_data, past_date, positive, text, today_or
from cdcare.care.patients import get_patient
from cdcare.errors import N_, InputError, NotFound
from cdcare.store.care_models import DrugClass, Medication, MedicationEvent


def classes() -> dict[str, dict[str, Any]]:
    """Drug class code → names, example drugs, source and verified flag."""
    return dict(load_data("medication_classes.json")["classes"])


def units() -> list[str]:
    """Allowed dose units."""
    return list(load_data("medication_classes.json")["units"])


def _unit(unit: str) -> str:
    if unit not in units():
        raise InputError(
            N_("Unknown {field} code '{value}'; known: {known}"),
            field="unit",
            value=unit,
            known=", ".join(units()),
        )
    return unit


def start_medication(
    *,
    db: Session,
    patient_id: int,
    drug: str,
    drug_class: str,
    dose: float,
    unit: str,
    frequency: str,
    start_on: date | str,
    today: date | None = None,
) -> Medication:
    """Record a medication course starting on ``start_on`` (dose in ``unit``, as entered)."""
    get_patient(db=db, patient_id=patient_id)
    try:
        kind = DrugClass(drug_class)
    except ValueError:
        raise InputError(
            N_("Unknown {field} code '{value}'; known: {known}"),
            field="drug_class",
            value=str(drug_class),
            known=", ".join(c.value for c in DrugClass),
        ) from None
    row = Medication(
        patient_id=patient_id,
        drug=text(drug, "drug", required=True),
        drug_class=kind,
        dose=positive(dose, "dose"),
        unit=_unit(unit),
        frequency=text(frequency, "frequency", required=True),
        start_on=past_date(start_on, "start", today_or(today)),
    )
    db.add(row)
    db.flush()
    return row


def _get(db: Session, medication_id: int, patient_id: int) -> Medication:
    """The course ``medication_id`` of ``patient_id``; another patient's course is NotFound."""
    row = db.get(Medication, medication_id)
    if row is None or row.patient_id != patient_id:
        raise NotFound(N_("Medication {id} not found"), id=medication_id)
    return row


def _in_course(row: Medication, on: date) -> None:
    if on < row.start_on or (row.stop_on is not None and on > row.stop_on):
        raise InputError(
            N_("{date} is outside the course of {drug} (started {start})"),
            date=on.isoformat(),
            drug=row.drug,
            start=row.start_on.isoformat(),
        )


def titrate(
    *,
    db: Session,
    medication_id: int,
    on: date | str,
    dose: float,
    frequency: str | None = None,
    note: str = "",
    patient_id: int,
    today: date | None = None,
) -> MedicationEvent:
    """A titration step: the new dose (same unit) from ``on``; the course's current dose
    becomes this one when it is the latest step."""
    row = _get(db, medication_id, patient_id)
    day = past_date(on, "date", today_or(today))
    _in_course(row, day)
    new = positive(dose, "dose")
    freq = text(frequency, "frequency") or row.frequency
    event = MedicationEvent(
        on=day, kind="titration", dose=new, frequency=freq, note=text(note, "note")
    )
    row.events.append(event)
    if all(e.on <= day for e in row.events if e.kind == "titration"):
        row.dose, row.frequency = new, freq
    db.flush()
    return event


def side_effect(
    *,
    db: Session,
    medication_id: int,
    on: date | str,
    note: str,
    patient_id: int,
    today: date | None = None,
) -> MedicationEvent:
    """A side effect noticed on ``on`` while taking the medication."""
    row = _get(db, medication_id, patient_id)
    day = past_date(on, "date", today_or(today))
    _in_course(row, day)
    event = MedicationEvent(on=day, kind="side_effect", note=text(note, "note", required=True))
    row.events.append(event)
    db.flush()
    return event


def stop(
    *,
    db: Session,
    medication_id: int,
    on: date | str,
    reason: str = "",
    patient_id: int,
    today: date | None = None,
) -> Medication:
    """End a course on ``on`` (not before its start, not in the future)."""
    row = _get(db, medication_id, patient_id)
    if row.stop_on is not None:
        raise InputError(
            N_("{drug} was already stopped on {date}"), drug=row.drug, date=row.stop_on.isoformat()
        )
    day = past_date(on, "date", today_or(today))
    _in_course(row, day)
    row.stop_on, row.stop_reason = day, text(reason, "reason")
    db.flush()
    return row


def medications(*, db: Session, patient_id: int) -> Sequence[Medication]:
    """A patient's medication courses, oldest first."""
    get_patient(db=db, patient_id=patient_id)
    return db.scalars(
        select(Medication)
        .where(Medication.patient_id == patient_id)
        .order_by(Medication.start_on, Medication.id)
    ).all()


def medication_to_dict(m: Medication) -> dict[str, Any]:
    """A course as JSON-ready values (dose in ``unit``)."""
    return {
        "id": m.id,
        "drug": m.drug,
        "class": m.drug_class.value,
        "dose": m.dose,
        "unit": m.unit,
        "frequency": m.frequency,
        "start": m.start_on.isoformat(),
        "stop": m.stop_on.isoformat() if m.stop_on else None,
        "stop_reason": m.stop_reason,
        "events": [
            {
                "date": e.on.isoformat(),
                "kind": e.kind,
                "dose": e.dose,
                "frequency": e.frequency,
                "note": e.note,
            }
            for e in m.events
        ],
    }
