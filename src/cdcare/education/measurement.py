"""Measured head angles in plain words, for the public self-check's optional video.

Input is the ``posture`` object of the video measurement contract (see docs/video.md), in degrees:
``rotation_deg`` (+ = chin toward the patient's left), ``tilt_deg`` (+ = head tilted toward the
patient's left shoulder), ``flexion_deg`` (+ = chin down, − = head back). Angles are rounded to
the nearest 5° and anything below 5° is "about straight", because head-pose models err by
about 3–4° [V4]; a turn beyond 30° carries a note that it is measured less well [V3]. Rules and
wording are in ``measurement.json``. Every result ends with "rough numbers, not a diagnosis".
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from cdcare.education.statements import Statement, Template, templates_by_id
from cdcare.errors import N_, InputError

_LEFT_RIGHT = {"en": ("left", "right"), "ko": ("왼쪽", "오른쪽")}


class MeasurementError(InputError):
    """A posture measurement that cannot be described (missing or non-numeric angle)."""


@cache
def _data() -> dict[str, Any]:
    path = resources.files("cdcare.education") / "content" / "measurement.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def _templates() -> dict[str, Template]:
    return templates_by_id(_data()["statements"])


def _angle(posture: Mapping[str, Any], key: str) -> float:
    value = posture.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MeasurementError(
            N_("Measurement '{key}' must be a finite number of degrees, got {value!r}"),
            key=key,
            value=value,
        )
    return float(value)


def rounded(deg: float) -> int:
    """``|deg|`` rounded to the nearest multiple of the rounding step (5°), halves up."""
    step = int(_data()["rules"]["round_to_deg"])
    return int(math.floor(abs(deg) / step + 0.5) * step)


def describe_posture(posture: Mapping[str, Any]) -> list[Statement]:
    """Plain-language statements for one posture measurement (see module docstring)."""
    rules = _data()["rules"]
    limit = int(rules["straight_below_deg"])
    tpl = _templates()
    out: list[Statement] = []

    def side(deg: float) -> dict[str, str]:
        return {lang: names[0 if deg > 0 else 1] for lang, names in _LEFT_RIGHT.items()}

    rotation = _angle(posture, "rotation_deg")
    if abs(rotation) < limit:
        out.append(tpl["rotation_straight"].fill(limit=limit))
    else:
        out.append(tpl["rotation"].fill(deg=rounded(rotation), side=side(rotation)))
    tilt = _angle(posture, "tilt_deg")
    if abs(tilt) < limit:
        out.append(tpl["tilt_straight"].fill(limit=limit))
    else:
        out.append(tpl["tilt"].fill(deg=rounded(tilt), side=side(tilt)))
    flexion = _angle(posture, "flexion_deg")
    if abs(flexion) < limit:
        out.append(tpl["flexion_straight"].fill(limit=limit))
    else:
        key = "flexion_forward" if flexion > 0 else "flexion_backward"
        out.append(tpl[key].fill(deg=rounded(flexion)))
    if abs(rotation) > rules["yaw_unreliable_above_deg"]:
        out.append(tpl["yaw_unreliable"].fill())
    out.append(tpl["measurement_note"].fill())
    return out


__all__ = ["MeasurementError", "describe_posture", "rounded"]
