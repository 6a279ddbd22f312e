"""Home exercise programmes (a library as data) assigned to patients, and adherence.

The library is ``care/data/exercises.json``: stretching, strengthening, sensory-trick training
and relaxation, with Korean and English names and plain-word steps; ``frequency_per_week`` is
sessions a week and ``minutes`` the length of one session. Adherence comes from the diary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care._checks import load_data, past_date, text, today_or
from cdcare.care.patients import get_patient
from cdcare.errors import N_, InputError
from cdcare.store.care_models import DiaryEntry, ExerciseAssignment


@dataclass(frozen=True)
class Programme:
    """One home exercise programme; ``steps_*`` are short plain-word instructions."""

    code: str
    category: str
    en: str
    ko: str
    frequency_per_week: int
    minutes: int
    steps_en: tuple[str, ...]
    steps_ko: tuple[str, ...]
    source: str
    verified: bool


def library() -> dict[str, Programme]:
    """All programmes by code."""
    return {
        code: Programme(
            code,
            p["category"],
            p["en"],
            p["ko"],
            p["frequency_per_week"],
            p["minutes"],
            tuple(p["steps_en"]),
            tuple(p["steps_ko"]),
            p["source"],
            p["verified"],
        )
        for code, p in load_data("exercises.json")["programmes"].items()
    }


def categories() -> dict[str, dict[str, str]]:
    """Category code → ``{"en", "ko"}`` names."""
    return dict(load_data("exercises.json")["categories"])


def assign(
    *,
    db: Session,
    patient_id: int,
    programme: str,
    start_on: date | str,
    end_on: date | str | None = None,
    note: str = "",
    today: date | None = None,
) -> ExerciseAssignment:
    """Give a programme to a patient from ``start_on`` (not in the future) until ``end_on``."""
    get_patient(db=db, patient_id=patient_id)
    lib = library()
    if programme not in lib:
        raise InputError(
            N_("Unknown {field} code '{value}'; known: {known}"),
            field="programme",
            value=programme,
            known=", ".join(lib),
        )
    start = past_date(start_on, "start", today_or(today))
    end = None
    if end_on is not None:
        end = past_date(end_on, "end", date.max)
        if end < start:
            raise InputError(
                N_("The end date {end} is before the start date {start}"),
                end=end.isoformat(),
                start=start.isoformat(),
            )
    row = ExerciseAssignment(
        patient_id=patient_id,
        programme=programme,
        start_on=start,
        end_on=end,
        note=text(note, "note"),
    )
    db.add(row)
    db.flush()
    return row


def assignments(*, db: Session, patient_id: int) -> Sequence[ExerciseAssignment]:
    """A patient's programme assignments, oldest first."""
    get_patient(db=db, patient_id=patient_id)
    return db.scalars(
        select(ExerciseAssignment)
        .where(ExerciseAssignment.patient_id == patient_id)
        .order_by(ExerciseAssignment.start_on, ExerciseAssignment.id)
    ).all()


def adherence(diary: Sequence[DiaryEntry], start: date, end: date) -> float | None:
    """Fraction (0–1) of diary days in ``[start, end]`` that say exercise was done, among the
    days that say yes or no; None when no diary day in the period answers."""
    said = [
        e.exercise_done
        for e in diary
        if start <= e.entry_date <= end and e.exercise_done is not None
    ]
    return round(sum(said) / len(said), 3) if said else None


def programme_to_dict(p: Programme, lang: str = "en") -> dict[str, Any]:
    """A programme as JSON-ready values in ``lang``."""
    ko = lang == "ko"
    return {
        "code": p.code,
        "category": categories()[p.category]["ko" if ko else "en"],
        "name": p.ko if ko else p.en,
        "frequency_per_week": p.frequency_per_week,
        "minutes": p.minutes,
        "steps": list(p.steps_ko if ko else p.steps_en),
        "source": p.source,
        "verified": p.verified,
    }
