"""COL-CAP posture patterns, candidate muscles, and pattern suggestion from a video measurement.

Sides are always the PATIENT's own left/right. For rotation the side is where the chin points;
for tilt, the side of the ear moving toward the shoulder; for a lateral shift, the side the
head is displaced to; for shoulder elevation, the raised shoulder. Flexion/extension patterns
(antero-/retro-collis/caput, sagittal shifts) have no side. All pattern and muscle data, with
their sources, live in ``data/posture.json`` (docs/clinical-sources.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from cdcare.clinical.video_margins import Threshold, neutral_margins
from cdcare.errors import N_, InputError


class Side(StrEnum):
    """The patient's own side."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        """The opposite side."""
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


@dataclass(frozen=True)
class Muscle:
    """A neck/shoulder muscle that may be injected; ``deep`` ones call for EMG/ultrasound."""

    code: str
    en: str
    ko: str
    anterior: bool
    deep: bool


@dataclass(frozen=True)
class PatternDef:
    """One COL-CAP pattern: plane, level (caput/collis, None for shifts), muscles or parts."""

    code: str
    plane: str
    level: str | None
    sided: bool
    en: str
    ko: str
    source: str
    verified: bool
    muscles: tuple[tuple[str, str], ...]  # (muscle code, "I" | "C" | "B")
    combines: tuple[tuple[str, str], ...]  # (pattern code, "I" | "C" | "B"), for shifts
    muscles_source: str
    muscles_verified: bool


@dataclass(frozen=True)
class Pattern:
    """A pattern observed in one patient: code plus side (None for unsided patterns)."""

    code: str
    side: Side | None = None

    def __str__(self) -> str:
        return f"{self.code}:{self.side}" if self.side else self.code


@dataclass(frozen=True)
class CandidateMuscle:
    """A muscle (on the patient's ``side``) that may drive ``pattern``."""

    muscle: str
    side: Side
    pattern: str
    source: str
    verified: bool


@dataclass(frozen=True)
class Suggestion:
    """A pattern suggested from video: plane + side; the clinician picks among ``candidates``.

    ``value`` is the measured posture value in ``unit`` with the docs/video.md sign convention.
    """

    plane: str
    side: Side | None
    value: float
    unit: str
    candidates: tuple[str, ...]
    threshold: Threshold
    note: str


VIDEO_LEVEL_NOTE = N_(
    "Video cannot reliably tell neck (-collis) from head (-caput) involvement; "
    "the clinician chooses."
)


@cache
def _data() -> dict[str, Any]:
    text = (resources.files("cdcare.clinical") / "data" / "posture.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def muscles() -> dict[str, Muscle]:
    """All muscles by code."""
    return {code: Muscle(code=code, **m) for code, m in _data()["muscles"].items()}


@cache
def patterns() -> dict[str, PatternDef]:
    """All COL-CAP pattern definitions by code."""
    out: dict[str, PatternDef] = {}
    for code, p in _data()["patterns"].items():
        out[code] = PatternDef(
            code=code,
            plane=p["plane"],
            level=p["level"],
            sided=p["sided"],
            en=p["en"],
            ko=p["ko"],
            source=p["source"],
            verified=p["verified"],
            muscles=tuple((m, r) for m, r in p.get("muscles", [])),
            combines=tuple((c, r) for c, r in p.get("combines", [])),
            muscles_source=p["muscles_source"],
            muscles_verified=p["muscles_verified"],
        )
    return out


def video_thresholds() -> dict[str, Threshold]:
    """Neutral margins for the video posture values, by docs/video.md key: the one table of
    :func:`cdcare.clinical.video_margins.neutral_margins` (magnitude ≤ value ⇒ no pattern)."""
    return neutral_margins()


def make_pattern(code: str, side: str | None) -> Pattern:
    """Validate a pattern code (aliases such as 'antecollis' accepted) and its side."""
    name = code.strip().lower()
    name = _data()["aliases"].get(name, name)
    defs = patterns()
    if name not in defs:
        raise InputError(
            N_("Unknown posture pattern '{pattern}'; known: {known}"),
            pattern=code,
            known=", ".join(defs),
        )
    sided = defs[name].sided
    if side is None or side.strip() == "":
        if sided:
            raise InputError(
                N_("Pattern {pattern} needs a side (left or right), e.g. {pattern}:left"),
                pattern=name,
            )
        return Pattern(name)
    if not sided:
        raise InputError(
            N_("Pattern {pattern} has no side (it involves both sides); remove ':{side}'"),
            pattern=name,
            side=side,
        )
    try:
        return Pattern(name, Side(side.strip().lower()))
    except ValueError:
        raise InputError(
            N_("Unknown side '{side}' for {pattern}; use left or right (the patient's own side)"),
            side=side,
            pattern=name,
        ) from None


def parse_pattern(text: str) -> Pattern:
    """Parse ``PATTERN[:SIDE]``, e.g. 'torticaput:left' or 'retrocollis'."""
    code, _, side = text.partition(":")
    return make_pattern(code, side if _ else None)


def check_consistent(given: list[Pattern]) -> list[Pattern]:
    """Drop exact duplicates; refuse the same sided pattern given for both sides."""
    seen: dict[str, Pattern] = {}
    for p in given:
        if p.code in seen and seen[p.code] != p:
            raise InputError(
                N_("Pattern {pattern} is given for both sides; choose one side"), pattern=p.code
            )
        seen[p.code] = p
    return list(seen.values())


def _resolve(rel: str, side: Side | None) -> tuple[Side, ...]:
    if rel == "B":
        return (Side.LEFT, Side.RIGHT)
    if side is None:
        raise ValueError("sided relation on an unsided pattern (data error)")
    return (side,) if rel == "I" else (side.other,)


def candidate_muscles(pattern: Pattern) -> list[CandidateMuscle]:
    """Candidate muscles with the patient's side resolved from I/C/B; shifts expand to parts."""
    d = patterns()[pattern.code]
    out: list[CandidateMuscle] = []
    for part, rel in d.combines:
        side = None if rel == "B" else _resolve(rel, pattern.side)[0]
        for c in candidate_muscles(Pattern(part, side)):
            out.append(CandidateMuscle(c.muscle, c.side, pattern.code, c.source, c.verified))
    for muscle, rel in d.muscles:
        for s in _resolve(rel, pattern.side):
            out.append(
                CandidateMuscle(muscle, s, pattern.code, d.muscles_source, d.muscles_verified)
            )
    return out


def _number(posture: Mapping[str, Any], key: str) -> float | None:
    value = posture.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise InputError(
            N_("Posture value '{key}' is not a number: {value}"), key=key, value=repr(value)
        )
    return float(value)


# plane key → (candidates for +, candidates for −, side of +, side of −)
_L, _R = Side.LEFT, Side.RIGHT
_VIDEO_PLANES: dict[str, tuple[tuple[str, ...], tuple[str, ...], Side | None, Side | None]] = {
    "rotation_deg": (("torticaput", "torticollis"), ("torticaput", "torticollis"), _L, _R),
    "tilt_deg": (("laterocaput", "laterocollis"), ("laterocaput", "laterocollis"), _L, _R),
    "flexion_deg": (("anterocaput", "anterocollis"), ("retrocaput", "retrocollis"), None, None),
    "lateral_shift": (("lateral_shift",), ("lateral_shift",), _L, _R),
    "sagittal_shift": (("sagittal_shift_forward",), ("sagittal_shift_backward",), None, None),
    "shoulder_elevation": (("shoulder_elevation",), ("shoulder_elevation",), _L, _R),
}


def suggest_from_video(measurement: Mapping[str, Any]) -> list[Suggestion]:
    """Suggest patterns (plane + side) from a video measurement or its ``posture`` dict.

    Keys and signs follow docs/video.md: ``rotation_deg`` + = chin toward the patient's left,
    ``tilt_deg`` + = toward the left shoulder, ``flexion_deg`` + = chin down,
    ``lateral_shift``/``sagittal_shift`` in inter-ocular distances (+ = left / forward),
    ``shoulder_elevation`` in shoulder widths (+ = left higher). Values within the neutral
    margin of ``video_thresholds()`` give no suggestion; missing keys are skipped.
    """
    posture = measurement.get("posture", measurement)
    if not isinstance(posture, Mapping):
        raise InputError(N_("Video measurement has no 'posture' object"))
    thresholds = video_thresholds()
    out: list[Suggestion] = []
    for key, (pos, neg, side_pos, side_neg) in _VIDEO_PLANES.items():
        value = _number(posture, key)
        th = thresholds[key]
        if value is None or abs(value) <= th.value:
            continue
        cands, side = (pos, side_pos) if value > 0 else (neg, side_neg)
        plane = patterns()[cands[0]].plane
        note = VIDEO_LEVEL_NOTE if len(cands) > 1 else ""
        out.append(Suggestion(plane, side, value, th.unit, cands, th, note))
    return out


__all__ = [
    "VIDEO_LEVEL_NOTE",
    "CandidateMuscle",
    "Muscle",
    "Pattern",
    "PatternDef",
    "Side",
    "Suggestion",
    "Threshold",
    "candidate_muscles",
    "check_consistent",
    "make_pattern",
    "muscles",
    "parse_pattern",
    "patterns",
    "suggest_from_video",
    "video_thresholds",
]
