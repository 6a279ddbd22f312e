"""The shipped video calibration (data/calibration.json) and the pitch map's properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.video.headpose import Calibration, HeadAngles, calibration

angles = st.floats(-80, 80)


def test_shipped_calibration_is_flagged_unverified_and_monotone() -> None:
    cal = calibration()
    assert cal.source == "U" and cal.verified is False
    xs, ys = cal.pitch_measured_deg, cal.pitch_true_deg
    assert len(xs) == len(ys) >= 5
    assert all(b > a for a, b in itertools.pairwise(xs))
    assert all(b >= a for a, b in itertools.pairwise(ys))
    assert 0.3 <= cal.ear_nose_ratio <= 4.0
    # the face mesh under-reads head-back poses: the map must stretch negative pitch
    assert cal.pitch(-15.0) < -15.0


def test_pitch_map_passes_through_knots_and_extends_with_end_slopes() -> None:
    cal = Calibration((-10.0, 0.0, 10.0), (-20.0, 0.0, 10.0), 1.0)
    assert cal.pitch(-10.0) == pytest.approx(-20.0)
    assert cal.pitch(-5.0) == pytest.approx(-10.0)
    assert cal.pitch(5.0) == pytest.approx(5.0)
    assert cal.pitch(-20.0) == pytest.approx(-40.0)  # slope 2 below the first knot
    assert cal.pitch(30.0) == pytest.approx(30.0)  # slope 1 above the last knot


@given(angles, angles)
def test_shipped_pitch_map_is_monotone(a: float, b: float) -> None:
    cal = calibration()
    lo, hi = sorted((a, b))
    assert cal.pitch(lo) <= cal.pitch(hi) + 1e-9


@given(angles)
def test_identity_and_correct_touch_only_pitch(p: float) -> None:
    assert Calibration.identity().pitch(p) == p
    face = HeadAngles(yaw=12.0, roll=-3.0, pitch=p, method="face", confidence=0.9)
    out = calibration().correct(face)
    assert out.yaw == 12.0 and out.roll == -3.0 and out.pitch == calibration().pitch(p)
    pose_only = HeadAngles(yaw=70.0, roll=None, pitch=None, method="pose", confidence=0.8)
    assert calibration().correct(pose_only) == pose_only
