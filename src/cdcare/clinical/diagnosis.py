"""Diagnosis support: red flags that call for work-up, and a differential checklist.

Decision support only: nothing here states or excludes a diagnosis (see :func:`disclaimer`).
Labels, work-ups, sources and thresholds (ages in years, intervals in days) are data in
``data/diagnosis.json`` (docs/clinical-sources.md); the trigger logic is below.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from cdcare.clock import today_or
from cdcare.errors import N_, InputError
from cdcare.i18n import translate


class OnsetSpeed(StrEnum):
    """How the neck symptoms began."""

    SUDDEN = "sudden"  # hours to days
    SUBACUTE = "subacute"  # weeks
    INSIDIOUS = "insidious"  # months or longer


class Spread(StrEnum):
    """Extent of dystonia beyond the neck."""

    NONE = "none"
    SEGMENTAL = "segmental"
    MULTIFOCAL = "multifocal"
    HEMIDYSTONIA = "hemidystonia"
    GENERALIZED = "generalized"


class NeuroSign(StrEnum):
    """Neurological signs other than dystonia."""

    PYRAMIDAL = "pyramidal"
    CEREBELLAR = "cerebellar"
    SENSORY = "sensory"
    CRANIAL_NERVE = "cranial_nerve"


@dataclass(frozen=True)
class DrugExposure:
    """A dopamine-receptor-blocking drug taken (start/stop dates when known)."""

    drug: str
    start: date | None = None
    stop: date | None = None


@dataclass(frozen=True)
class Intake:
    """Intake history and examination findings; ``onset_age_years`` in years (0–120)."""

    onset_age_years: float | None = None
    onset_date: date | None = None
    onset_speed: OnsetSpeed | None = None
    rapid_progression: bool = False
    spread: Spread = Spread.NONE
    fixed_posture: bool = False
    sensory_trick: bool | None = None  # None = not assessed
    other_neuro_signs: frozenset[NeuroSign] = frozenset()
    drb_exposures: tuple[DrugExposure, ...] = ()
    trauma_before_onset: bool = False
    fever_or_neck_infection: bool = False
    nuchal_mass: bool = False
    diplopia: bool = False
    better_one_eye_closed: bool = False
    liver_disease: bool = False
    psychiatric_change: bool = False
    dysarthria: bool = False
    limb_tremor: bool = False
    head_tremor: bool = False
    functional_features: bool = False
    parkinsonism: bool = False
    early_falls: bool = False
    chorea: bool = False
    cognitive_decline: bool = False
    family_history: bool = False
    neck_extensor_weakness: bool = False


@dataclass(frozen=True)
class Label:
    """A bilingual label."""

    code: str
    en: str
    ko: str

    def text(self, lang: str) -> str:
        """The label in ``lang``."""
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class RedFlag:
    """A fired red flag: why (msgid + params), suggested work-up, differential ids, source."""

    code: str
    label: Label
    why: tuple[tuple[str, dict[str, Any]], ...]
    workup: tuple[Label, ...]
    differential: tuple[str, ...]
    source: str
    verified: bool

    def why_text(self, lang: str = "en") -> str:
        """The reasons in ``lang``, joined by '; ' (string parameters are translated too)."""
        return "; ".join(translate(m, lang).format(**_tr(p, lang)) for m, p in self.why)


def _tr(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """Translate string params; tuples of strings are translated and joined with ', '."""
    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, tuple):
            out[k] = ", ".join(translate(str(x), lang) for x in v)
        else:
            out[k] = translate(v, lang) if isinstance(v, str) else v
    return out


_YES, _NO = N_("yes"), N_("no")
_WORDS = (  # enum values shown inside reasons
    N_("segmental"), N_("multifocal"), N_("hemidystonia"), N_("generalized"),
    N_("pyramidal"), N_("cerebellar"), N_("sensory"), N_("cranial_nerve"),
)  # fmt: skip


@dataclass(frozen=True)
class DifferentialItem:
    """One checklist entry; ``raised_by`` names the red flags (or 'head_tremor') pointing to it."""

    label: Label
    source: str
    verified: bool
    raised_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Support:
    """Result of :func:`assess`: red flags, differential checklist, and the disclaimer."""

    red_flags: tuple[RedFlag, ...]
    differential: tuple[DifferentialItem, ...]
    disclaimer: Label = field(default_factory=lambda: disclaimer())


@cache
def data() -> dict[str, Any]:
    """The raw diagnosis-support data (labels, thresholds, sources)."""
    text = (resources.files("cdcare.clinical") / "data" / "diagnosis.json").read_text("utf-8")
    out: dict[str, Any] = json.loads(text)
    return out


def disclaimer() -> Label:
    """The standing statement that this is support, not a diagnosis."""
    d = data()["disclaimer"]
    return Label("disclaimer", d["en"], d["ko"])


def threshold(name: str) -> float:
    """A threshold value from the data (units in the data's ``unit`` field)."""
    value = data()["thresholds"][name]["value"]
    if not isinstance(value, int | float):
        raise TypeError(f"threshold {name!r} is not a number in the diagnosis data")
    return float(value)


def _validate(intake: Intake, today: date) -> None:
    age = intake.onset_age_years
    if age is not None and not 0 <= age <= 120:
        raise InputError(N_("Onset age must be between 0 and 120 years, got {age}"), age=age)
    if intake.onset_date is not None and intake.onset_date > today:
        raise InputError(
            N_("The onset date {date} is in the future (today is {today})"),
            date=intake.onset_date.isoformat(),
            today=today.isoformat(),
        )
    for e in intake.drb_exposures:
        for d in (e.start, e.stop):
            if d is not None and d > today:
                raise InputError(
                    N_("Drug {drug}: date {date} is in the future (today is {today})"),
                    drug=e.drug,
                    date=d.isoformat(),
                    today=today.isoformat(),
                )
    for e in intake.drb_exposures:
        if not e.drug.strip():
            raise InputError(N_("A drug exposure needs the drug's name"))
        if e.start and e.stop and e.stop < e.start:
            raise InputError(N_("Drug {drug}: stop date is before start date"), drug=e.drug)


Why = list[tuple[str, dict[str, Any]]]


def _wilson(i: Intake) -> Why:
    limit = threshold("wilson_screen_age")
    pairs = (
        (N_("liver disease"), i.liver_disease),
        (N_("psychiatric change"), i.psychiatric_change),
        (N_("dysarthria"), i.dysarthria),
        (N_("tremor"), i.limb_tremor),
    )
    feats = [n for n, v in pairs if v]
    why: Why = []
    if i.onset_age_years is not None and i.onset_age_years < limit:
        why.append((N_("Onset before age {limit}"), {"limit": int(limit)}))
    if feats and (i.onset_age_years is None or why):
        why.append((N_("Features: {features}"), {"features": tuple(feats)}))
    return why


def _acute(i: Intake) -> Why:
    days = threshold("acute_reaction_days")
    out: Why = []
    for e in i.drb_exposures:
        if e.start and i.onset_date and 0 <= (i.onset_date - e.start).days <= days:
            n = (i.onset_date - e.start).days
            out.append((N_("Onset {days} days after starting {drug}"), {"days": n, "drug": e.drug}))
    return out


def _structural(i: Intake) -> Why:
    child = i.onset_age_years is not None and i.onset_age_years < threshold("child_age")
    pairs = (
        (N_("trauma before onset"), i.trauma_before_onset),
        (N_("fever or neck infection"), i.fever_or_neck_infection),
        (N_("nuchal mass"), i.nuchal_mass),
        (N_("onset in childhood"), child),
    )
    hits = [n for n, v in pairs if v]
    return [(N_("Present: {items}"), {"items": tuple(hits)})] if hits else []


def _when(cond: bool, msg: str, **params: Any) -> Why:
    return [(msg, params)] if cond else []


_RULES: dict[str, Callable[[Intake], Why]] = {
    "sudden_onset": lambda i: _when(i.onset_speed is OnsetSpeed.SUDDEN, N_("Sudden onset")),
    "fixed_posture": lambda i: _when(
        i.fixed_posture and i.sensory_trick is not True,
        N_("Fixed posture; sensory trick: {trick}"),
        trick=N_("none") if i.sensory_trick is False else N_("not assessed"),
    ),
    "other_neuro_signs": lambda i: _when(
        bool(i.other_neuro_signs),
        N_("Signs: {signs}"),
        signs=tuple(sorted(str(x) for x in i.other_neuro_signs)),
    ),
    "young_onset": lambda i: _when(
        i.onset_age_years is not None and i.onset_age_years <= threshold("young_onset_age"),
        N_("Onset at age {age} (young onset: {limit} years or younger)"),
        age=i.onset_age_years,
        limit=int(threshold("young_onset_age")),
    ),
    "progression_or_spread": lambda i: _when(
        i.rapid_progression or i.spread in (Spread.GENERALIZED, Spread.HEMIDYSTONIA),
        N_("Rapid progression: {rapid}; spread: {spread}"),
        rapid=_YES if i.rapid_progression else _NO,
        spread=str(i.spread),
    ),
    "drb_exposure": lambda i: _when(
        bool(i.drb_exposures),
        N_("Drugs: {drugs}"),
        drugs=tuple(e.drug for e in i.drb_exposures),
    ),
    "acute_reaction": _acute,
    "wilson_risk": _wilson,
    "structural_or_infective": _structural,
    "ocular": lambda i: _when(
        i.diplopia or i.better_one_eye_closed, N_("Double vision or better with one eye closed")
    ),
    "functional_features": lambda i: _when(i.functional_features, N_("Functional features")),
    "parkinsonism": lambda i: _when(
        i.parkinsonism or i.early_falls, N_("Parkinsonism or early falls")
    ),
    "chorea_cognition": lambda i: _when(
        i.chorea or i.cognitive_decline,
        N_("Chorea: {chorea}; cognitive decline: {cognition}; family history: {family}"),
        chorea=_YES if i.chorea else _NO,
        cognition=_YES if i.cognitive_decline else _NO,
        family=_YES if i.family_history else _NO,
    ),
    "neck_extensor_weakness": lambda i: _when(
        i.neck_extensor_weakness, N_("Neck extensor weakness")
    ),
}


def assess(intake: Intake, *, today: date | None = None) -> Support:
    """Red flags fired by ``intake`` and the full differential checklist (raised items marked).

    Dates may not be after ``today`` (default: the system date).
    """
    _validate(intake, today_or(today))
    d = data()
    workups = {k: Label(k, v["en"], v["ko"]) for k, v in d["workups"].items()}
    flags: list[RedFlag] = []
    for code, rule in _RULES.items():
        why = rule(intake)
        if why:
            f = d["red_flags"][code]
            flags.append(
                RedFlag(
                    code=code,
                    label=Label(code, f["en"], f["ko"]),
                    why=tuple(why),
                    workup=tuple(workups[w] for w in f["workup"]),
                    differential=tuple(f["differential"]),
                    source=f["source"],
                    verified=f["verified"],
                )
            )
    checklist = []
    for code, item in d["differential"].items():
        raised = [f.code for f in flags if code in f.differential]
        if code == "essential_tremor" and intake.head_tremor:
            raised.append("head_tremor")
        checklist.append(
            DifferentialItem(
                Label(code, item["en"], item["ko"]), item["source"], item["verified"], tuple(raised)
            )
        )
    return Support(tuple(flags), tuple(checklist))


__all__ = [
    "DifferentialItem",
    "DrugExposure",
    "Intake",
    "Label",
    "NeuroSign",
    "OnsetSpeed",
    "RedFlag",
    "Spread",
    "Support",
    "assess",
    "data",
    "disclaimer",
    "threshold",
]
