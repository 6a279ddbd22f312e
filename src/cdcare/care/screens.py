"""Candidacy screens (``screens`` of ``care/data/followup.json``) and psychiatric referral prompts.

Each criterion is met / not_met / unknown from the record; the screens support the clinician,
they never decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdcare.care._checks import load_data
from cdcare.care.followup_rules import MET, NOT_MET, UNKNOWN, Rule, rule_value, rules


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
            f.phq9 is not None and f.phq9 >= rule_value("psych_referral_phq9"),
            f.gad7 is not None and f.gad7 >= rule_value("psych_referral_gad7"),
            f.phq9_item9 is not None and f.phq9_item9 > rule_value("phq9_item9_safety"),
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
    if phq9_item9 is not None and phq9_item9 > rule_value("phq9_item9_safety"):
        out.append(r["phq9_item9_safety"])
    if phq9 is not None and phq9 >= rule_value("psych_referral_phq9"):
        out.append(r["psych_referral_phq9"])
    if gad7 is not None and gad7 >= rule_value("psych_referral_gad7"):
        out.append(r["psych_referral_gad7"])
    return out
