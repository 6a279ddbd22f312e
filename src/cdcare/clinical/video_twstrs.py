"""Suggested TWSTRS severity items from video measurements (a suggestion, never a rating).

Each item is a band table over one measured median (see :data:`BANDS`), with its source in
the bibliography: rotation and laterocollis degree bands are published [S2]; antero/
retrocollis, lateral and sagittal shift and shoulder elevation are qualitative in the source
[S1][S2], so their thresholds here are ours (``verified: False``, shown as unconfirmed).

Scoring rule: ``score = number of lower bounds ≤ |value|``, where angles are first rounded to the
nearest whole degree (the published bands are whole degrees: rotation 1–22° → 1, 23–45° → 2 …).
The first lower bound of every item is its *noise margin*: a measurement below it scores 0, so a
neutral head (measurement noise of a few degrees, or a few hundredths of a fraction) is scored 0
rather than 1. The margins come from the one table of neutral margins shared with the COL-CAP
suggestion (:mod:`cdcare.clinical.video_margins`, ``data/video_margins.json``, with sources);
they are engineering choices (``verified: False``).

Inputs follow the video contract (docs/video.md): degrees for angles, fractions of the
inter-ocular (eye-centre) distance for shifts, fraction of shoulder width for shoulder
elevation; signs do not matter for the severity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdcare.clinical.video_margins import margin


@dataclass(frozen=True)
class ItemBands:
    """One TWSTRS item's suggestion rule: ``lower_bounds[i]`` starts score ``i + 1``.

    ``measure`` names the posture value used; ``margin_source``/``margin_verified`` describe the
    noise margin (the first lower bound), ``source``/``verified`` the other bounds.
    """

    item: str
    measure: str
    upper_bounds: tuple[float, ...]
    """Lower bounds of scores 2, 3, ... (score 1 starts at the measure's neutral margin)."""
    round_to_degree: bool
    source: str
    verified: bool
    note: str = ""
    needs_reference: bool = False

    @property
    def prefill(self) -> bool:
        """False = shown as a suggestion but never pre-filled into the TWSTRS form: the measure
        is not validated (the margins table's ``prefill``, with ``prefill_note`` its source)."""
        return margin(self.measure).prefill

    @property
    def prefill_note(self) -> str:
        """The validation result behind :attr:`prefill` (margins table ``prefill_source``)."""
        return margin(self.measure).prefill_source

    @property
    def lower_bounds(self) -> tuple[float, ...]:
        """``lower_bounds[i]`` starts score ``i + 1``; the first is the neutral margin."""
        return (margin(self.measure).value, *self.upper_bounds)

    @property
    def margin_source(self) -> str:
        """Source tag of the neutral margin (the shared table)."""
        return margin(self.measure).source

    @property
    def margin_verified(self) -> bool:
        """Whether the neutral margin is verified (the shared table)."""
        return margin(self.measure).verified

    @property
    def max_score(self) -> int:
        """Highest score of the item."""
        return len(self.lower_bounds)

    def score(self, value: float | None) -> int | None:
        """Suggested score for a measured value (None stays None)."""
        if value is None:
            return None
        x = abs(value)
        if self.round_to_degree:
            x = float(round(x))
        return sum(1 for b in self.lower_bounds if x >= b)


BANDS: tuple[ItemBands, ...] = (
    ItemBands(
        "rotation",
        "rotation_deg",
        (23.0, 46.0, 68.0),
        True,
        source="S2",
        verified=True,
        note="0 none; 1 slight 1–22°; 2 mild 23–45°; 3 moderate 46–67°; 4 severe 68–90°. "
        "Score 1 starts at the neutral margin (video_margins.json).",
    ),
    ItemBands(
        "laterocollis",
        "tilt_deg",
        (16.0, 36.0),
        True,
        source="S2",
        verified=True,
        note="0 none; 1 mild 1–15°; 2 moderate 16–35°; 3 severe >35°. Score 1 starts at "
        "the neutral margin (video_margins.json).",
    ),
    ItemBands(
        "anterocollis_retrocollis",
        "flexion_deg",
        (25.0, 45.0),
        True,
        source="U",
        verified=False,
        note="Source [S1][S2] is qualitative (mild; moderate ≈ 1/2 of range; severe ≈ chin to "
        "chest / full range); degree bounds assume about 50–60° of flexion or extension range. "
        "Score 1 starts at the neutral margin (video_margins.json).",
    ),
    ItemBands(
        "lateral_shift",
        "lateral_shift",
        (),
        False,
        source="U",
        verified=False,
        note="Source [S1]: absent/present. Present from the neutral margin (video_margins.json).",
    ),
    ItemBands(
        "sagittal_shift",
        "sagittal_shift",
        (),
        False,
        source="U",
        verified=False,
        note="Source [S1]: absent/present. Present from the neutral margin "
        "(video_margins.json). Depth "
        "from a frontal camera has a large person- and camera-specific offset, so this item is "
        "only suggested against a neutral reference.",
        needs_reference=True,
    ),
    ItemBands(
        "shoulder_elevation",
        "shoulder_elevation",
        (0.08, 0.17),
        False,
        source="U",
        verified=False,
        note="Source [S1]: mild <1/3 of range, moderate 1/3–2/3, severe >2/3 (and constancy, "
        "which a clip cannot judge). Range assumed ≈ 0.25 of shoulder width; score 1 from the "
        "neutral margin.",
    ),
)


def prefilled_items() -> frozenset[str]:
    """Items whose suggestion may be pre-filled into the TWSTRS form (validated measures)."""
    return frozenset(b.item for b in BANDS if b.prefill)


def suggest(
    posture: Mapping[str, float | None], *, relative_to_reference: bool = True
) -> dict[str, object]:
    """The contract's ``twstrs`` object: item → suggested score (or None), plus ``basis``.

    ``posture`` holds the video contract's medians (``rotation_deg``, ``tilt_deg``,
    ``flexion_deg``, ``lateral_shift``, ``sagittal_shift``, ``shoulder_elevation``). Items that
    need a neutral reference (``needs_reference``) are None when ``relative_to_reference`` is
    False (absolute measurements).
    """
    out: dict[str, object] = {
        b.item: (
            None
            if b.needs_reference and not relative_to_reference
            else b.score(posture.get(b.measure))
        )
        for b in BANDS
    }
    out["basis"] = {
        b.item: {
            "measure": b.measure,
            "lower_bounds": list(b.lower_bounds),
            "source": b.source,
            "verified": b.verified,
            "noise_margin": b.lower_bounds[0],
            "noise_margin_source": b.margin_source,
            "noise_margin_verified": b.margin_verified,
            "needs_reference": b.needs_reference,
            "prefill": b.prefill,
        }
        for b in BANDS
    }
    return out


__all__ = ["BANDS", "ItemBands", "prefilled_items", "suggest"]
