"""Posture intervals: a bootstrap over frames, widened by the across-identity spread."""

from __future__ import annotations

import numpy as np
import pytest

from cdcare.video.headpose import Calibration, HeadAngles
from cdcare.video.pipeline import FrameRecord, posture_intervals, posture_medians


def _records(yaws: np.ndarray) -> list[FrameRecord]:
    out = []
    for i, y in enumerate(yaws):
        a = HeadAngles(yaw=float(y), roll=2.0, pitch=-1.0, method="face", confidence=1.0)
        out.append(FrameRecord(t=i / 30, face=a, fused=a))
    return out


def _width(recs: list[FrameRecord], cal: Calibration, widen: bool = True) -> float:
    iv = posture_intervals(recs, posture_medians(recs), fps=30.0, cal=cal, widen=widen)
    lo, hi = iv["rotation_deg"] or (0.0, 0.0)
    return hi - lo


def test_interval_grows_when_frames_disagree() -> None:
    rng = np.random.default_rng(0)
    cal = Calibration.identity()
    steady = _records(20.0 + rng.normal(0, 0.3, 90))
    shaky = _records(20.0 + rng.normal(0, 6.0, 90))
    assert _width(shaky, cal) > 5 * _width(steady, cal)
    iv = posture_intervals(shaky, posture_medians(shaky), fps=30.0, cal=cal)
    med = posture_medians(shaky)["rotation_deg"]
    assert iv["rotation_deg"] is not None and med is not None
    assert iv["rotation_deg"][0] < med < iv["rotation_deg"][1]
    assert iv["lateral_shift"] is None  # no shoulders measured: no interval


def test_spread_widens_absolute_but_not_relative_intervals() -> None:
    recs = _records(np.full(60, 30.0))
    spread = Calibration((), (), 0.7, spread_deg=(("rotation", 2.0),))
    assert _width(recs, Calibration.identity()) == pytest.approx(0.0)
    assert _width(recs, spread) == pytest.approx(2 * 1.96 * 2.0)
    assert _width(recs, spread, widen=False) == pytest.approx(0.0)
