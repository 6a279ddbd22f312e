"""The one table of "neutral" margins for the video posture measures.

Data: ``cdcare/clinical/data/video_margins.json`` (each margin with its unit, source tag and
verified flag; the file's ``_about`` states the reasoning). Units follow the video contract
(docs/video.md): degrees for angles, inter-ocular distances for shifts, shoulder widths for
shoulder elevation; margins are magnitudes (signs do not matter). Both the TWSTRS suggestion
(:mod:`cdcare.clinical.video_twstrs`) and the COL-CAP suggestion
(:func:`cdcare.clinical.posture.suggest_from_video`) read this table. Each entry also says
whether the measure may be pre-filled into the TWSTRS form (``prefill``), with the benchmark
result that decision rests on (``prefill_source``): a measure the synthetic-video benchmark
does not validate is shown as a suggestion but never pre-filled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Threshold:
    """Neutral margin for one video posture value (``value`` in ``unit``, a magnitude)."""

    key: str
    value: float
    unit: str
    source: str
    verified: bool
    prefill: bool = False
    """True = the benchmark validated this measure, so its TWSTRS suggestion may be pre-filled
    into the form (:func:`cdcare.clinical.video_twstrs.prefilled_items`); False = shown only."""
    prefill_source: str = ""
    """The validation result the ``prefill`` decision rests on (benchmark, date, figures)."""


@cache
def neutral_margins() -> dict[str, Threshold]:
    """Neutral margins by video-contract key (``rotation_deg``, ``tilt_deg``, ...)."""
    path = resources.files("cdcare.clinical") / "data" / "video_margins.json"
    raw = json.loads(path.read_text("utf-8"))
    return {
        k: Threshold(
            key=k,
            value=float(v["value"]),
            unit=v["unit"],
            source=v["source"],
            verified=v["verified"],
            prefill=bool(v["prefill"]),
            prefill_source=str(v["prefill_source"]),
        )
        for k, v in raw.items()
        if not k.startswith("_")
    }


def margin(key: str) -> Threshold:
    """The neutral margin of one measure (KeyError for an unknown key)."""
    return neutral_margins()[key]
