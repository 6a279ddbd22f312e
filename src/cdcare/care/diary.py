"""The patient diary: one entry per patient and local date.

Severity and pain are 0–10 (0 = none, 10 = worst imaginable). Future dates are refused. Writing
a date that already has an entry amends it; the earlier version is kept whole in
``record_version``. :func:`weekly_curve` links entries to an injection cycle (wearing-off curve).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care._checks import codes, int_range, load_data, opt_bool, past_date, text, today_or
from cdcare.care.amend import amend_in_place
from cdcare.care.patients import get_patient
from cdcare.errors import N_, InputError
from cdcare.store.care_models import DiaryEntry

FIELDS = ("date", "severity", "pain", "triggers", "exercise_done", "side_effects", "note")


def trigger_codes() -> list[str]:
    """Allowed trigger codes (shared with the intake vocabulary)."""
    return list(load_data("intake.json")["codes"]["triggers"])


def _snapshot(e: DiaryEntry) -> dict[str, Any]:
    return {
        "date": e.entry_date.isoformat(),
        "severity": e.severity,
        "pain": e.pain,
        "triggers": list(e.triggers),
        "exercise_done": e.exercise_done,
        "side_effects": list(e.side_effects),
        "note": e.note,
    }


def record_entry(
    *,
    db: Session,
    patient_id: int,
    entry_date: date | str,
    severity: int,
    pain: int,
    triggers: Sequence[str] = (),
    exercise_done: bool | None = None,
    side_effects: Sequence[str] = (),
    note: str = "",
    user_id: int | None = None,
    reason: str = "",
    today: date | None = None,
) -> DiaryEntry:
    """Write the entry of ``entry_date`` (amending keeps the earlier version)."""
    patient = get_patient(db=db, patient_id=patient_id)
    day = past_date(entry_date, "date", today_or(today))
    if day.year < patient.birth_year:
        raise InputError(N_("Diary date {value} is before the birth year"), value=day)
    values = {
        "severity": int_range(severity, "severity", 0, 10),
        "pain": int_range(pain, "pain", 0, 10),
        "triggers": codes(list(triggers), "triggers", trigger_codes()),
        "exercise_done": opt_bool(exercise_done, "exercise_done"),
        "side_effects": codes(list(side_effects), "side_effects"),
        "note": text(note, "note"),
    }
    row = db.scalar(
        select(DiaryEntry).where(DiaryEntry.patient_id == patient_id, DiaryEntry.entry_date == day)
    )
    if row is None:
        row = DiaryEntry(patient_id=patient_id, entry_date=day, **values)
        db.add(row)
    else:
        amend_in_place(
            db=db,
            entity="diary_entry",
            row=row,
            before=_snapshot(row),
            values=values,
            changed_by_id=user_id,
            reason=reason,
        )
    db.flush()
    return row


def record_from_dict(
    *, db: Session, patient_id: int, data: Mapping[str, Any], today: date | None = None
) -> DiaryEntry:
    """Write an entry given as a JSON object with the keys of :data:`FIELDS`."""
    if not isinstance(data, Mapping):
        raise InputError(N_("A diary entry must be a JSON object"))
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise InputError(
            N_("Unknown diary field(s): {fields}; known: {known}"),
            fields=", ".join(unknown),
            known=", ".join(FIELDS),
        )
    for key in ("date", "severity", "pain"):
        if key not in data:
            raise InputError(N_("The diary entry needs '{field}'"), field=key)
    return record_entry(
        db=db,
        patient_id=patient_id,
        entry_date=data["date"],
        severity=data["severity"],
        pain=data["pain"],
        triggers=data.get("triggers") or [],
        exercise_done=data.get("exercise_done"),
        side_effects=data.get("side_effects") or [],
        note=data.get("note") or "",
        today=today,
    )


def entries(
    *, db: Session, patient_id: int, since: date | None = None, until: date | None = None
) -> Sequence[DiaryEntry]:
    """A patient's entries in date order, optionally between ``since`` and ``until`` inclusive."""
    get_patient(db=db, patient_id=patient_id)
    q = select(DiaryEntry).where(DiaryEntry.patient_id == patient_id)
    if since is not None:
        q = q.where(DiaryEntry.entry_date >= since)
    if until is not None:
        q = q.where(DiaryEntry.entry_date <= until)
    return db.scalars(q.order_by(DiaryEntry.entry_date)).all()


def weekly_curve(
    points: Sequence[tuple[date, float]], start: date, end: date | None = None
) -> list[tuple[int, float]]:
    """Mean value per whole week since ``start`` (week = days // 7), for dates in
    ``[start, end)``; weeks without data are left out. Units are those of the values."""
    weeks: dict[int, list[float]] = {}
    for day, value in points:
        if day >= start and (end is None or day < end):
            weeks.setdefault((day - start).days // 7, []).append(value)
    return [(w, sum(v) / len(v)) for w, v in sorted(weeks.items())]


def entry_to_dict(e: DiaryEntry) -> dict[str, Any]:
    """An entry as JSON-ready values."""
    return _snapshot(e)


#: Reason kept with the earlier version when the patient rewrites a diary day from the portal.
PORTAL_AMEND_REASON = "patient portal"


def entry_on(*, db: Session, patient_id: int, day: date) -> DiaryEntry | None:
    """The diary entry of ``day`` (a local date), or None."""
    found = entries(db=db, patient_id=patient_id, since=day, until=day)
    return found[0] if found else None


def save_day(
    *,
    db: Session,
    patient_id: int,
    day: date,
    severity: int,
    pain: int,
    triggers: Sequence[str] = (),
    exercise_done: bool | None = None,
    side_effects: Sequence[str] = (),
    note: str = "",
    user_id: int | None = None,
    today: date | None = None,
    reason: str = PORTAL_AMEND_REASON,
) -> tuple[DiaryEntry, str]:
    """Write the entry of ``day``; a day already written is amended with ``reason`` (the
    earlier version kept). Returns the entry and ``"amend"`` or ``"create"`` (the access-log
    kind). Severity and pain 0–10; a future day is refused (:class:`InputError`)."""
    existing = entry_on(db=db, patient_id=patient_id, day=day)
    row = record_entry(
        db=db,
        patient_id=patient_id,
        entry_date=day,
        severity=severity,
        pain=pain,
        triggers=triggers,
        exercise_done=exercise_done,
        side_effects=side_effects,
        note=note,
        user_id=user_id,
        reason=reason if existing else "",
        today=today,
    )
    return row, "amend" if existing else "create"


def tick_exercise(
    *,
    db: Session,
    patient_id: int,
    day: date,
    done: bool,
    severity: int | None = None,
    pain: int | None = None,
    user_id: int | None = None,
    today: date | None = None,
) -> tuple[DiaryEntry, str]:
    """Record whether the exercises were done on ``day``: an existing entry keeps its other
    answers (amended, earlier version kept); a new one needs ``severity`` and ``pain`` (0–10).
    Returns the entry and ``"amend"`` or ``"create"``."""
    entry = entry_on(db=db, patient_id=patient_id, day=day)
    if entry is not None:
        severity, pain = entry.severity, entry.pain
    return save_day(
        db=db,
        patient_id=patient_id,
        day=day,
        severity=int_range(severity, "severity", 0, 10),
        pain=int_range(pain, "pain", 0, 10),
        triggers=entry.triggers if entry else (),
        exercise_done=done,
        side_effects=entry.side_effects if entry else (),
        note=entry.note if entry else "",
        user_id=user_id,
        today=today,
    )
