"""Follow-up analytics: response to each injection cycle, non-response flags, candidacy screens.

The pure parts live in :mod:`cdcare.care.response` (cycles, non-response flags),
:mod:`cdcare.care.screens` (candidacy screens, referral prompts) and
:mod:`cdcare.care.followup_rules`; this module loads one patient's records
(:func:`followup_summary`), serialises the result and re-exports those names. Every
threshold is a rule of ``care/data/followup.json`` with a source and verified flag
(docs/clinical-sources.md).

Conventions: a cycle runs from one injection to the next (the next injection day's pre-dose
measurement closes the cycle). ``week`` = whole weeks since the injection (days // 7). Scores
are "higher = worse" (TWSTRS total 0–85, diary severity 0–10), so improvement is
``100 × (baseline − best) / baseline`` percent, positive = better. The screens support the
clinician; they never decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cdcare.care._checks import today_or
from cdcare.care.diary import entries
from cdcare.care.followup_rules import (
    DISCLAIMER,
    INSUFFICIENT,
    MET,
    NOT_MET,
    UNKNOWN,
    Rule,
    rules,
)
from cdcare.care.injections import sessions
from cdcare.care.intake import get_intake
from cdcare.care.patients import get_patient, latest_assessments
from cdcare.care.rehab import adherence, assignments
from cdcare.care.response import (
    CycleResponse,
    Flag,
    cycle_response,
    cycles_from_diary,
    cycles_from_scores,
    non_response_status,
    preferred,
    primary_non_response,
    secondary_non_response,
)
from cdcare.care.screens import Criterion, Facts, Screen, psych_prompts, screens
from cdcare.clock import local_date


@dataclass(frozen=True)
class Summary:
    """Everything ``cdcare followup`` prints for one patient."""

    patient_id: int
    record_number: str
    today: date
    cycles: tuple[CycleResponse, ...]
    twstrs_cycles: tuple[CycleResponse, ...]
    diary_cycles: tuple[CycleResponse, ...]
    flags: tuple[Flag, ...]
    screens: tuple[Screen, ...]
    psych: tuple[Rule, ...]
    adherence: dict[str, float | None] = field(default_factory=dict)


def followup_summary(*, db: Session, patient_id: int, today: date | None = None) -> Summary:
    """Load a patient's injections, scales, diary, intake and exercises and analyse them.

    Age is ``today.year − birth_year`` (birth year only is stored, so ±1 year).
    """
    today = today_or(today)
    patient = get_patient(db=db, patient_id=patient_id)
    inj = [s.injected_on for s in sessions(db=db, patient_id=patient_id)]
    rows = sorted(latest_assessments(db=db, patient_id=patient_id), key=lambda r: r.assessed_at)
    tw = [r for r in rows if r.instrument == "twstrs" and r.total is not None]
    scores = [(local_date(r.assessed_at), float(r.total or 0)) for r in tw]
    diary_rows = entries(db=db, patient_id=patient_id)
    diary = [(e.entry_date, float(e.severity)) for e in diary_rows]
    t_cycles = cycles_from_scores(inj, scores)
    d_cycles = cycles_from_diary(inj, diary)
    cycles = preferred(t_cycles, d_cycles)
    primary, secondary = primary_non_response(cycles), secondary_non_response(cycles)
    latest = {r.instrument: r for r in rows}
    phq, gad = latest.get("phq9"), latest.get("gad7")
    item9 = phq.answers.get("q9") if phq is not None else None
    intake = get_intake(db=db, patient_id=patient_id)
    signs = set()
    if intake is not None:
        signs = set(intake.other_neuro_signs) | set(intake.first_symptoms)
    onset = (intake.onset_date if intake else None) or patient.onset_date
    facts = Facts(
        age=today.year - patient.birth_year,
        duration_years=round((today - onset).days / 365.25, 1) if onset else None,
        twstrs_severity=tw[-1].subscores.get("severity") if tw else None,
        twstrs_answers=tuple(dict(r.answers) for r in tw),
        phq9=phq.total if phq else None,
        gad7=gad.total if gad else None,
        phq9_item9=item9 if isinstance(item9, int) else None,
        signs=frozenset(signs),
        non_response=non_response_status(primary, secondary, cycles),
    )
    adh = {
        a.programme: adherence(diary_rows, a.start_on, a.end_on or today)
        for a in assignments(db=db, patient_id=patient_id)
    }
    return Summary(
        patient_id,
        patient.record_number,
        today,
        tuple(cycles),
        tuple(t_cycles),
        tuple(d_cycles),
        (primary, secondary),
        tuple(screens(facts)),
        tuple(psych_prompts(facts.phq9, facts.gad7, facts.phq9_item9)),
        adh,
    )


def _cycle_dict(c: CycleResponse) -> dict[str, Any]:
    return {
        "cycle": c.number,
        "injected_on": c.injected_on.isoformat(),
        "next_on": c.next_on.isoformat() if c.next_on else None,
        "measure": c.measure,
        "baseline": c.baseline,
        "best": c.best,
        "peak_week": c.peak_week,
        "improvement_pct": c.improvement_pct,
        "wearing_off_week": c.wearing_off_week,
        "meaningful": c.meaningful,
        "curve": [[w, v] for w, v in c.curve],
    }


def rule_to_dict(r: Rule, lang: str) -> dict[str, Any]:
    """A rule as JSON-ready values, its text in ``lang``."""
    return {
        "code": r.code,
        "value": r.value,
        "text": r.ko if lang == "ko" else r.en,
        "source": r.source,
        "verified": r.verified,
    }


def summary_to_dict(s: Summary, lang: str = "en") -> dict[str, Any]:
    """The summary as JSON-ready values (texts in ``lang``)."""
    from cdcare.i18n import translate

    r = rules()
    ko = lang == "ko"
    return {
        "patient_id": s.patient_id,
        "record_number": s.record_number,
        "today": s.today.isoformat(),
        "cycles": [_cycle_dict(c) for c in s.cycles],
        "twstrs_cycles": [_cycle_dict(c) for c in s.twstrs_cycles],
        "diary_cycles": [_cycle_dict(c) for c in s.diary_cycles],
        "flags": [
            {
                "code": f.code,
                "status": f.status,
                "definition": rule_to_dict(r[f.code], lang),
                "source": f.source,
                "verified": f.verified,
                "cycles": list(f.cycles),
                "notes": [rule_to_dict(r[n], lang) for n in f.notes],
            }
            for f in s.flags
        ],
        "screens": [
            {
                "code": sc.code,
                "name": sc.ko if ko else sc.en,
                "inclusion_met": sc.inclusion_met,
                "criteria": [
                    {
                        "code": c.code,
                        "kind": c.kind,
                        "status": c.status,
                        "label": c.ko if ko else c.en,
                        "value": c.value,
                        "source": c.source,
                        "verified": c.verified,
                    }
                    for c in sc.criteria
                ],
            }
            for sc in s.screens
        ],
        "psych_prompts": [rule_to_dict(p, lang) for p in s.psych],
        "exercise_adherence": s.adherence,
        "rules": {k: rule_to_dict(v, lang) for k, v in r.items()},
        "disclaimer": translate(DISCLAIMER, lang),
    }


__all__ = [
    "DISCLAIMER",
    "INSUFFICIENT",
    "MET",
    "NOT_MET",
    "UNKNOWN",
    "Criterion",
    "CycleResponse",
    "Facts",
    "Flag",
    "Rule",
    "Screen",
    "Summary",
    "cycle_response",
    "cycles_from_diary",
    "cycles_from_scores",
    "followup_summary",
    "non_response_status",
    "preferred",
    "primary_non_response",
    "psych_prompts",
    "rule_to_dict",
    "rules",
    "screens",
    "secondary_non_response",
    "summary_to_dict",
]
