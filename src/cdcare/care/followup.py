"""Follow-up analytics: response to each injection cycle, non-response flags, candidacy screens.

Pure functions over plain data (dates and numbers), plus :func:`followup_summary`, which loads
one patient's records. Every threshold is a rule of ``care/data/followup.json`` with a source
and verified flag (docs/clinical-sources.md).

Conventions: a cycle runs from one injection to the next (the next injection day's pre-dose
measurement closes the cycle). ``week`` = whole weeks since the injection (days // 7). Scores
are "higher = worse" (TWSTRS total 0–85, diary severity 0–10), so improvement is
``100 × (baseline − best) / baseline`` percent, positive = better. The screens support the
clinician; they never decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cdcare.care._checks import load_data, today_or
from cdcare.care.diary import entries, weekly_curve
from cdcare.care.injections import sessions
from cdcare.care.intake import get_intake
from cdcare.care.patients import get_patient, latest_assessments
from cdcare.care.rehab import adherence, assignments
from cdcare.errors import N_

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
SEOUL = ZoneInfo("Asia/Seoul")  # scale dates are local calendar dates
INSUFFICIENT = "insufficient_data"
DISCLAIMER = N_("A screen to support the clinician, not a decision")


@dataclass(frozen=True)
class Rule:
    """A follow-up rule: ``value`` (units in ``en``), source tag, verified flag, texts."""

    code: str
    value: float | None
    source: str
    verified: bool
    en: str
    ko: str


def rules() -> dict[str, Rule]:
    """All follow-up rules by code."""
    return {
        k: Rule(k, v.get("value"), v["source"], v["verified"], v["en"], v["ko"])
        for k, v in load_data("followup.json")["rules"].items()
    }


def _v(code: str) -> float:
    value = rules()[code].value
    if value is None:
        raise ValueError(f"follow-up rule {code!r} has no value in the rule data")
    return float(value)


@dataclass(frozen=True)
class CycleResponse:
    """Response to one injection cycle measured by ``measure`` ("twstrs" or "diary").

    ``baseline``/``best`` in the measure's points; ``improvement_pct`` positive = better;
    ``peak_week``/``wearing_off_week`` in whole weeks since injection (None = not seen);
    ``meaningful`` None when the cycle cannot be evaluated: no baseline, no follow-up, or no
    meaningful gain yet and follow-up shorter than the expected peak week (rule
    ``expected_peak_week``).
    """

    number: int
    injected_on: date
    next_on: date | None
    measure: str
    baseline: float | None
    best: float | None
    peak_week: int | None
    improvement_pct: float | None
    wearing_off_week: int | None
    meaningful: bool | None
    curve: tuple[tuple[int, float], ...] = ()


def cycle_response(
    number: int,
    injected_on: date,
    next_on: date | None,
    measure: str,
    baseline: float | None,
    curve: Sequence[tuple[int, float]],
) -> CycleResponse:
    """Peak benefit and wearing-off of one cycle from its ``(week, value)`` curve."""
    post = [(w, v) for w, v in curve if w >= 0]
    if baseline is None or baseline <= 0 or not post:
        return CycleResponse(
            number,
            injected_on,
            next_on,
            measure,
            baseline,
            None,
            None,
            None,
            None,
            None,
            tuple(post),
        )
    i_best = min(range(len(post)), key=lambda i: (post[i][1], post[i][0]))
    peak_week, best = post[i_best]
    improvement = 100.0 * (baseline - best) / baseline
    meaningful: bool | None = improvement >= _v("meaningful_improvement_pct")
    if not meaningful and post[-1][0] < _v("expected_peak_week"):
        meaningful = None  # too early to judge: the peak effect is expected later
    wearing = None
    if meaningful:
        limit = best + _v("wearing_off_gain_lost") * (baseline - best)
        wearing = next((w for w, v in post[i_best + 1 :] if v >= limit), None)
    return CycleResponse(
        number,
        injected_on,
        next_on,
        measure,
        baseline,
        best,
        peak_week,
        round(improvement, 1),
        wearing,
        meaningful,
        tuple(post),
    )


def cycles_from_scores(
    injections: Sequence[date], scores: Sequence[tuple[date, float]]
) -> list[CycleResponse]:
    """TWSTRS-measured cycles: baseline = last score within the baseline window up to the
    injection day; follow-up = scores after the injection up to the next injection day."""
    window = timedelta(days=int(_v("twstrs_baseline_days")))
    inj = sorted(injections)
    pts = sorted(scores)
    out = []
    for n, on in enumerate(inj):
        nxt = inj[n + 1] if n + 1 < len(inj) else None
        base = [v for d, v in pts if on - window <= d <= on]
        curve = [((d - on).days // 7, v) for d, v in pts if d > on and (nxt is None or d <= nxt)]
        out.append(cycle_response(n + 1, on, nxt, "twstrs", base[-1] if base else None, curve))
    return out


def cycles_from_diary(
    injections: Sequence[date], diary: Sequence[tuple[date, float]]
) -> list[CycleResponse]:
    """Diary-measured cycles: baseline = mean severity of the days before the injection
    (window of the rule ``diary_baseline_days``); curve = weekly means until the next one."""
    days = int(_v("diary_baseline_days"))
    inj = sorted(injections)
    out = []
    for n, on in enumerate(inj):
        nxt = inj[n + 1] if n + 1 < len(inj) else None
        before = [v for d, v in diary if on - timedelta(days=days) <= d < on]
        base = sum(before) / len(before) if before else None
        end = nxt + timedelta(days=1) if nxt else None
        curve = weekly_curve(diary, on, end)
        curve = [(w, round(v, 2)) for w, v in curve]
        out.append(cycle_response(n + 1, on, nxt, "diary", base, curve))
    return out


def preferred(
    twstrs: Sequence[CycleResponse], diary: Sequence[CycleResponse]
) -> list[CycleResponse]:
    """Per cycle, the TWSTRS result when evaluable, else the diary result."""
    return [t if t.meaningful is not None else d for t, d in zip(twstrs, diary, strict=True)]


@dataclass(frozen=True)
class Flag:
    """A rule outcome: ``status`` met / not_met / insufficient_data; ``cycles`` it rests on."""

    code: str
    status: str
    source: str
    verified: bool
    cycles: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()


def primary_non_response(cycles: Sequence[CycleResponse]) -> Flag:
    """No meaningful improvement in the first N evaluable cycles (N = rule value)."""
    r = rules()["primary_non_response"]
    n = int(_v("primary_non_response"))
    ev = [c for c in cycles if c.meaningful is not None][:n]
    enough = MET if len(ev) == n else INSUFFICIENT
    status = NOT_MET if any(c.meaningful for c in ev) else enough
    return Flag(r.code, status, r.source, r.verified, tuple(c.number for c in ev))


def secondary_non_response(cycles: Sequence[CycleResponse]) -> Flag:
    """Loss of response: the last N evaluable cycles are poor after an earlier meaningful one."""
    r, conv, imm = (
        rules()[k]
        for k in (
            "secondary_non_response",
            "secondary_count_is_convention",
            "immunoresistance_pattern",
        )
    )
    source = f"{r.source}+{conv.source}"
    n = int(_v("secondary_non_response"))
    ev = [c for c in cycles if c.meaningful is not None]
    first_good = next((i for i, c in enumerate(ev) if c.meaningful), None)
    if first_good is None:
        return Flag(r.code, NOT_MET, source, False)
    after = ev[first_good + 1 :]
    tail: list[CycleResponse] = []
    for c in reversed(after):
        if c.meaningful:
            break
        tail.insert(0, c)
    if not tail:
        return Flag(r.code, NOT_MET, source, False, (ev[-1].number,))
    status = MET if len(tail) >= n else INSUFFICIENT
    notes: list[str] = []
    if status == MET:
        years = (tail[0].injected_on - cycles[0].injected_on).days / 365.25
        if years <= _v("immunoresistance_pattern"):
            notes.append(imm.code)
        notes.append("confirmation_test")
    return Flag(r.code, status, source, False, tuple(c.number for c in tail), tuple(notes))


@dataclass(frozen=True)
class Criterion:
    """One candidacy criterion and whether the record meets it (met / not_met / unknown).

    ``kind`` is inclusion or relative_contraindication (for which "met" = present).
    """

    code: str
    kind: str
    status: str
    source: str
    verified: bool
    en: str
    ko: str
    value: Any = None


@dataclass(frozen=True)
class Screen:
    """A candidacy screen: all criteria with their status; never a decision."""

    code: str
    en: str
    ko: str
    criteria: tuple[Criterion, ...]

    @property
    def inclusion_met(self) -> bool:
        """True when every inclusion criterion is met."""
        return all(c.status == MET for c in self.criteria if c.kind == "inclusion")


@dataclass(frozen=True)
class Facts:
    """What the screens look at (None = not recorded).

    ``age`` and ``duration_years`` in years; ``twstrs_severity`` TWSTRS severity subscore
    (0–35); ``twstrs_answers`` oldest→newest TWSTRS answer sets; ``phq9``/``gad7`` latest totals;
    ``phq9_item9`` latest item-9 answer; ``signs`` intake codes (other neuro signs, symptoms).
    """

    age: int | None = None
    duration_years: float | None = None
    twstrs_severity: float | None = None
    twstrs_answers: tuple[dict[str, Any], ...] = ()
    phq9: float | None = None
    gad7: float | None = None
    phq9_item9: int | None = None
    signs: frozenset[str] = frozenset()
    non_response: str = UNKNOWN


def _direction(a: dict[str, Any]) -> str | None:
    parts = {"rotation": 4, "laterocollis": 3, "anterocollis": 3, "retrocollis": 3}
    scored = {k: float(a.get(k, 0) or 0) / m for k, m in parts.items()}
    best = max(scored, key=lambda k: scored[k])
    return best if scored[best] > 0 else None


def _range(value: float | None, lo: float | None, hi: float | None) -> str:
    if value is None:
        return UNKNOWN
    ok = (lo is None or value >= lo) and (hi is None or value <= hi)
    return MET if ok else NOT_MET


def _status(code: str, spec: dict[str, Any], f: Facts) -> tuple[str, Any]:
    lo, hi = spec.get("min"), spec.get("max")
    if code == "age":
        return _range(f.age, lo, hi), f.age
    if code == "duration":
        return _range(f.duration_years, lo, hi), f.duration_years
    if code == "twstrs_severity":
        return _range(f.twstrs_severity, lo, hi), f.twstrs_severity
    if code == "inadequate_response":
        return f.non_response, None
    if code == "psychiatric_illness":
        high = [
            f.phq9 is not None and f.phq9 >= _v("psych_referral_phq9"),
            f.gad7 is not None and f.gad7 >= _v("psych_referral_gad7"),
            f.phq9_item9 is not None and f.phq9_item9 > _v("phq9_item9_safety"),
        ]
        if any(high):
            return MET, None
        return (NOT_MET if f.phq9 is not None and f.gad7 is not None else UNKNOWN), None
    if code in ("cognitive_impairment", "fixed_skeletal_deformity"):
        return (MET if code in f.signs else UNKNOWN), None
    if code == "tremor_dominant":
        return (MET if "head_tremor" in f.signs else UNKNOWN), None
    if code == "rotational_pattern":
        if not f.twstrs_answers:
            return UNKNOWN, None
        a = f.twstrs_answers[-1]
        rot = (
            (a.get("rotation") or 0) > 0 and not a.get("anterocollis") and not a.get("retrocollis")
        )
        return (MET if rot else NOT_MET), None
    if code == "stable_pattern":
        dirs = [_direction(a) for a in f.twstrs_answers[-3:]]
        if len(dirs) < 3:
            return UNKNOWN, None
        return (MET if len(set(dirs)) == 1 and dirs[0] is not None else NOT_MET), dirs[-1]
    raise KeyError(code)


def screens(facts: Facts) -> list[Screen]:
    """GPi-DBS and selective peripheral denervation screens for ``facts``."""
    out = []
    for code, s in load_data("followup.json")["candidacy"].items():
        crit = []
        for c in s["criteria"]:
            status, value = _status(c["code"], c, facts)
            crit.append(
                Criterion(
                    c["code"],
                    c["kind"],
                    status,
                    c["source"],
                    c["verified"],
                    c["en"],
                    c["ko"],
                    value,
                )
            )
        out.append(Screen(code, s["en"], s["ko"], tuple(crit)))
    return out


def psych_prompts(phq9: float | None, gad7: float | None, phq9_item9: int | None) -> list[Rule]:
    """Referral prompts from the latest PHQ-9/GAD-7 (safety message first)."""
    r = rules()
    out = []
    if phq9_item9 is not None and phq9_item9 > _v("phq9_item9_safety"):
        out.append(r["phq9_item9_safety"])
    if phq9 is not None and phq9 >= _v("psych_referral_phq9"):
        out.append(r["psych_referral_phq9"])
    if gad7 is not None and gad7 >= _v("psych_referral_gad7"):
        out.append(r["psych_referral_gad7"])
    return out


def non_response_status(primary: Flag, secondary: Flag, cycles: Sequence[CycleResponse]) -> str:
    """met if either non-response flag is met; not_met if the latest evaluable cycle was a
    meaningful response; unknown otherwise."""
    if MET in (primary.status, secondary.status):
        return MET
    ev = [c for c in cycles if c.meaningful is not None]
    return NOT_MET if ev and ev[-1].meaningful else UNKNOWN


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
    scores = [(r.assessed_at.astimezone(SEOUL).date(), float(r.total or 0)) for r in tw]
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
