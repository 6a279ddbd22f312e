"""Intake history (onset, course, triggers, tricks, exposures, prior treatment) and the
risk-factor profile derived from it.

:func:`record_intake` creates a patient's intake or amends it; an amendment keeps the earlier
version whole in ``record_version``. :func:`risk_profile` is pure: the risk factors present
(each with its source, ``care/data/intake.json``) and the red flags of
:func:`cdcare.clinical.diagnosis.assess` (decision support, never a diagnosis).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care._checks import (
    as_date,
    codes,
    int_range,
    load_data,
    opt_bool,
    past_date,
    text,
    today_or,
)
from cdcare.care.amend import amend_in_place
from cdcare.care.patients import get_patient
from cdcare.clinical import diagnosis as dx
from cdcare.errors import N_, InputError
from cdcare.store.care_models import Course, Intake
from cdcare.store.models import Patient, Sex

FIELDS = (
    "onset_age",
    "onset_date",
    "onset_speed",
    "first_symptoms",
    "course",
    "triggers",
    "sensory_tricks",
    "family_history",
    "neck_trauma",
    "neck_trauma_note",
    "dopamine_blockers",
    "infections",
    "other_neuro_signs",
    "pain",
    "stress_fatigue",
    "prior_treatments",
)
ONSET_SPEEDS = tuple(s.value for s in dx.OnsetSpeed)
_NEURO = {s.value for s in dx.NeuroSign}
NOT_NEURO = {"fixed_skeletal_deformity", "fixed_posture"}  # exam findings, not neuro signs


def vocabulary() -> dict[str, list[str]]:
    """Allowed codes of the intake's list fields (``infections`` is free text)."""
    return dict(load_data("intake.json")["codes"])


def _blockers(value: object, today: date) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(
            N_("dopamine_blockers must be a list of objects with drug, start and stop")
        )
    out = []
    for raw in value:
        if not isinstance(raw, Mapping):
            raise InputError(
                N_("dopamine_blockers must be a list of objects with drug, start and stop")
            )
        drug = text(raw.get("drug"), "dopamine_blockers.drug", required=True)
        start = raw.get("start")
        stop = raw.get("stop")
        s = past_date(start, "dopamine_blockers.start", today) if start is not None else None
        e = past_date(stop, "dopamine_blockers.stop", today) if stop is not None else None
        if s and e and e < s:
            raise InputError(
                N_("{drug}: stop date {stop} is before start date {start}"),
                drug=drug,
                stop=e.isoformat(),
                start=s.isoformat(),
            )
        out.append(
            {
                "drug": drug,
                "start": s.isoformat() if s else None,
                "stop": e.isoformat() if e else None,
            }
        )
    return out


def _field(key: str, value: Any, *, birth_year: int, today: date) -> Any:
    """The clean column value of one known intake field."""
    if key == "onset_age":
        age_max = today.year - birth_year
        return None if value is None else int_range(value, key, 0, age_max)
    elif key == "onset_date":
        return None if value is None else past_date(value, key, today)
    elif key == "onset_speed":
        if value is not None and value not in ONSET_SPEEDS:
            raise InputError(
                N_("Unknown {field} code '{value}'; known: {known}"),
                field=key,
                value=str(value),
                known=", ".join(ONSET_SPEEDS),
            )
        return value
    elif key == "course":
        try:
            return Course(value if value is not None else "unknown")
        except ValueError:
            raise InputError(
                N_("Unknown {field} code '{value}'; known: {known}"),
                field=key,
                value=str(value),
                known=", ".join(c.value for c in Course),
            ) from None
    elif key in ("family_history", "neck_trauma", "stress_fatigue"):
        return opt_bool(value, key)
    elif key == "pain":
        return None if value is None else int_range(value, key, 0, 10)
    elif key == "neck_trauma_note":
        return text(value, key)
    elif key == "dopamine_blockers":
        return _blockers(value, today)
    elif key == "infections":
        return codes(value, key)
    else:
        return codes(value, key, vocabulary()[key])


def validate(data: Mapping[str, Any], *, birth_year: int, today: date) -> dict[str, Any]:
    """Check an intake mapping and return clean column values (absent keys are left out)."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise InputError(
            N_("Unknown intake field(s): {fields}; known: {known}"),
            fields=", ".join(unknown),
            known=", ".join(FIELDS),
        )
    out = {k: _field(k, v, birth_year=birth_year, today=today) for k, v in data.items()}
    _check_onset(out, birth_year)
    return out


def _check_onset(out: dict[str, Any], birth_year: int) -> None:
    """Onset date against birth year and onset age; fills the age from the date."""
    onset = out.get("onset_date")
    if onset is not None and onset.year < birth_year:
        raise InputError(N_("Onset date {value} is before the birth year"), value=onset)
    age = out.get("onset_age")
    if onset is not None and age is not None and abs((onset.year - birth_year) - age) > 1:
        raise InputError(
            N_("onset_age {age} does not match onset_date {date} and birth year {year}"),
            age=age,
            date=onset.isoformat(),
            year=birth_year,
        )
    if onset is not None and age is None:
        out["onset_age"] = onset.year - birth_year


def _snapshot(row: Intake) -> dict[str, Any]:
    def plain(v: Any) -> Any:
        return v.isoformat() if isinstance(v, date) else v

    return {k: plain(getattr(row, k)) for k in FIELDS}


def get_intake(*, db: Session, patient_id: int) -> Intake | None:
    """The patient's intake, or None when none was recorded."""
    get_patient(db=db, patient_id=patient_id)
    return db.scalar(select(Intake).where(Intake.patient_id == patient_id))


def record_intake(
    *,
    db: Session,
    patient_id: int,
    data: Mapping[str, Any],
    user_id: int | None = None,
    reason: str = "",
    today: date | None = None,
) -> Intake:
    """Create the intake, or amend it (given keys only; the earlier version is kept).

    ``onset_date`` and ``family_history``, when given, are also set on the patient record.
    """
    patient = get_patient(db=db, patient_id=patient_id)
    values = validate(data, birth_year=patient.birth_year, today=today_or(today))
    row = db.scalar(select(Intake).where(Intake.patient_id == patient_id))
    if row is None:
        row = Intake(patient_id=patient_id, updated_by_id=user_id, **values)
        db.add(row)
    else:
        amend_in_place(
            db=db,
            entity="intake",
            row=row,
            before=_snapshot(row),
            values=values,
            changed_by_id=user_id,
            reason=reason,
        )
        row.updated_by_id = user_id
    if values.get("onset_date") is not None:
        patient.onset_date = values["onset_date"]
    if "family_history" in values:
        patient.family_history = values["family_history"]
    db.flush()
    return row


@dataclass(frozen=True)
class RiskFactor:
    """One risk factor present in the intake, with its source tag and verified flag."""

    code: str
    en: str
    ko: str
    source: str
    verified: bool


@dataclass(frozen=True)
class RiskProfile:
    """Risk factors present, diagnosis-support red flags and the differential checklist
    (raised items marked); never a diagnosis."""

    factors: tuple[RiskFactor, ...]
    red_flags: tuple[dx.RedFlag, ...]
    differential: tuple[dx.DifferentialItem, ...] = ()


def _diagnosis_intake(row: Intake) -> dx.Intake:
    signs = set(row.other_neuro_signs)
    exposures = tuple(
        dx.DrugExposure(
            b["drug"],
            as_date(b["start"], "start") if b.get("start") else None,
            as_date(b["stop"], "stop") if b.get("stop") else None,
        )
        for b in row.dopamine_blockers
    )
    return dx.Intake(
        onset_age_years=row.onset_age,
        onset_date=row.onset_date,
        onset_speed=dx.OnsetSpeed(row.onset_speed) if row.onset_speed else None,
        fixed_posture="fixed_posture" in signs,
        sensory_trick=bool(row.sensory_tricks) if row.sensory_tricks else None,
        other_neuro_signs=frozenset(dx.NeuroSign(s) for s in signs if s in _NEURO),
        drb_exposures=exposures,
        trauma_before_onset=bool(row.neck_trauma),
        fever_or_neck_infection=bool(row.infections),
        dysarthria="dysarthria" in signs,
        limb_tremor="limb_tremor" in signs,
        head_tremor="head_tremor" in signs or "head_tremor" in row.first_symptoms,
        parkinsonism="parkinsonism" in signs,
        chorea="chorea" in signs,
        cognitive_decline="cognitive_impairment" in signs,
        family_history=bool(row.family_history),
        neck_extensor_weakness="neck_extensor_weakness" in signs,
    )


def risk_profile(row: Intake, patient: Patient, *, today: date | None = None) -> RiskProfile:
    """The risk-factor profile of an intake (``today`` bounds the dates checked)."""
    spec = load_data("intake.json")["risk_factors"]
    age = row.onset_age
    present = {
        "family_history": row.family_history is True,
        "female_sex": patient.sex is Sex.FEMALE,
        "typical_onset_age": age is not None
        and spec["typical_onset_age"]["min"] <= age <= spec["typical_onset_age"]["max"],
        "young_onset": age is not None and age <= spec["young_onset"]["max"],
        "dopamine_blocker_exposure": bool(row.dopamine_blockers),
        "neck_trauma": row.neck_trauma is True,
        "infection": bool(row.infections),
        "sudden_onset": row.onset_speed == dx.OnsetSpeed.SUDDEN.value,
        "other_neuro_signs": bool(set(row.other_neuro_signs) - NOT_NEURO),
        "stress_fatigue": row.stress_fatigue is True
        or bool({"stress", "fatigue"} & set(row.triggers)),
        "no_sensory_trick": "fixed_posture" in row.other_neuro_signs and not row.sensory_tricks,
    }
    factors = tuple(
        RiskFactor(code, s["en"], s["ko"], s["source"], s["verified"])
        for code, s in spec.items()
        if present[code]
    )
    support = dx.assess(_diagnosis_intake(row), today=today_or(today))
    return RiskProfile(factors, support.red_flags, support.differential)


def intake_to_dict(row: Intake) -> dict[str, Any]:
    """The intake as JSON-ready values."""
    out = _snapshot(row)
    out["course"] = row.course.value
    return out


def profile_to_dict(profile: RiskProfile, lang: str = "en") -> dict[str, Any]:
    """The risk profile as JSON-ready values in ``lang``."""
    ko = lang == "ko"
    return {
        "risk_factors": [
            {
                "code": f.code,
                "label": f.ko if ko else f.en,
                "source": f.source,
                "verified": f.verified,
            }
            for f in profile.factors
        ],
        "red_flags": [
            {
                "code": r.code,
                "label": r.label.text(lang),
                "why": r.why_text(lang),
                "workup": [w.text(lang) for w in r.workup],
                "source": r.source,
                "verified": r.verified,
            }
            for r in profile.red_flags
        ],
    }
