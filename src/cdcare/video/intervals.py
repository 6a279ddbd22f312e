"""95 % intervals of the posture medians: a moving-block bootstrap over frames, widened by the
calibration's across-identity spread for absolute angles (docs/video-angles.md, Uncertainty).

Units follow the posture medians (:func:`cdcare.video.summary.posture_medians`): degrees for
the angles, inter-ocular distances for the shifts, shoulder widths for shoulder elevation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cdcare.video.headpose import Calibration

if TYPE_CHECKING:
    from cdcare.video.summary import FrameRecord

INTERVAL_LEVEL = 0.95
BOOTSTRAP_RESAMPLES = 200
SPREAD_KEYS = {"rotation_deg": "rotation", "tilt_deg": "tilt", "flexion_deg": "flexion"}


def _block_bootstrap(
    values: Sequence[float], block: int, rng: np.random.Generator
) -> tuple[float, float]:
    """Percentile interval (INTERVAL_LEVEL) of the median by a moving-block bootstrap."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n < 2:
        return float(x[0]), float(x[0])
    block = max(1, min(block, n))
    starts = n - block + 1
    k = -(-n // block)
    idx = rng.integers(0, starts, size=(BOOTSTRAP_RESAMPLES, k))[:, :, None] + np.arange(block)
    meds = np.median(x[idx.reshape(BOOTSTRAP_RESAMPLES, -1)[:, :n]], axis=1)
    tail = (1 - INTERVAL_LEVEL) / 2 * 100
    lo, hi = np.percentile(meds, [tail, 100 - tail])
    return float(lo), float(hi)


def posture_intervals(
    records: Sequence[FrameRecord],
    medians: dict[str, float | None],
    *,
    fps: float,
    cal: Calibration,
    widen: bool = True,
) -> dict[str, list[float] | None]:
    """A 95 % interval for every posture median (same units as the median), None without one.

    The median's sampling spread over frames comes from a moving-block bootstrap (blocks of
    half a second, since neighbouring frames are correlated; a fixed seed, so the same clip
    gives the same interval). For the angles, it is then widened by the calibration's
    across-identity spread ``s`` (:meth:`Calibration.spread`): each half-width ``h`` becomes
    ``sqrt(h² + (1.96·s)²)``, since one person's geometry can bias the reading by about that
    much. ``widen`` False skips that (relative to the same person's neutral reference, a
    per-person bias cancels).
    """
    rng = np.random.default_rng(12345)
    block = max(1, round(fps / 2))
    fused = [r.fused for r in records if r.fused is not None]
    bodies = [r.body for r in records if r.body is not None and r.body.shoulders_visible]
    series: dict[str, list[float]] = {
        "rotation_deg": [a.yaw for a in fused],
        "tilt_deg": [a.roll for a in fused if a.roll is not None],
        "flexion_deg": [a.pitch for a in fused if a.pitch is not None],
        "lateral_shift": [b.lateral_shift for b in bodies if b.lateral_shift is not None],
        "sagittal_shift": [b.sagittal_shift for b in bodies if b.sagittal_shift is not None],
        "shoulder_elevation": [
            b.shoulder_elevation for b in bodies if b.shoulder_elevation is not None
        ],
    }
    out: dict[str, list[float] | None] = {}
    for key, vals in series.items():
        med = medians.get(key)
        if med is None or not vals:
            out[key] = None
            continue
        lo, hi = _block_bootstrap(vals, block, rng)
        spread = 1.96 * cal.spread(SPREAD_KEYS[key]) if widen and key in SPREAD_KEYS else 0.0
        down = float(np.hypot(max(med - lo, 0.0), spread))
        up = float(np.hypot(max(hi - med, 0.0), spread))
        out[key] = [med - down, med + up]
    return out


__all__ = ["INTERVAL_LEVEL", "posture_intervals"]
