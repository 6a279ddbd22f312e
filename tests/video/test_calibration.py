"""The shipped video calibration (data/calibration.json) and the pitch map's properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.video.calibration import crosstalk
from cdcare.video.calibration_fit import ClipSummary, fit
from cdcare.video.headpose import Calibration, HeadAngles, PoseYawModel, calibration, odd_map

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
def test_correct_maps_rotation_and_flexion_and_removes_the_turns_crosstalk(p: float) -> None:
    # since issue 10 the face rotation is calibrated too (MediaPipe over-reads turns on heads
    # it did not model); tilt only loses the tilt the turn itself adds (cross-talk map)
    assert Calibration.identity().pitch(p) == p
    face = HeadAngles(yaw=12.0, roll=-3.0, pitch=p, method="face", confidence=0.9)
    cal = calibration()
    out = cal.correct(face)
    assert out.yaw == pytest.approx(odd_map(cal.face_yaw_knots, 12.0)) and out.yaw < 12.0
    assert out.roll == pytest.approx(-3.0 - crosstalk(cal.tilt_crosstalk_knots, 12.0))
    assert out.pitch == pytest.approx(cal.pitch(p - crosstalk(cal.flexion_crosstalk_knots, 12.0)))
    mirrored = cal.correct(HeadAngles(yaw=-12.0, roll=3.0, pitch=p, method="face", confidence=1))
    assert mirrored.roll == pytest.approx(-out.roll)  # the tilt cross-talk is odd in the turn
    assert Calibration.identity().correct(face).yaw == 12.0
    pose_only = HeadAngles(yaw=70.0, roll=None, pitch=None, method="pose", confidence=0.8)
    assert Calibration.identity().correct(pose_only) == pose_only


def test_odd_map() -> None:
    knots = ((0.0, 0.0), (10.0, 5.0), (20.0, 15.0))
    assert odd_map(knots, 10.0) == 5.0 and odd_map(knots, -10.0) == -5.0
    assert odd_map(knots, 15.0) == pytest.approx(10.0)
    assert odd_map(knots, 30.0) == pytest.approx(25.0)  # last slope beyond the end
    assert odd_map(knots, 500.0) == 90.0  # capped
    assert odd_map((), 33.0) == 33.0


def test_pose_model_with_knots_and_its_confidence() -> None:
    m = PoseYawModel(knots=((0.0, 0.0), (1.0, 45.0), (2.0, 80.0)))
    assert m.yaw(30.0, 60.0) == pytest.approx(45.0)  # ratio 2·30/60 = 1
    assert m.yaw(-60.0, 60.0) == pytest.approx(-80.0)
    assert m.yaw(-90.0, 60.0) == pytest.approx(-80.0)  # no extrapolation beyond the last knot
    assert m.yaw(5.0, 0.0) == 80.0  # ears on top of each other: profile
    assert m.confidence(30.0, 60.0, 0.9) == 0.9
    assert m.confidence(90.0, 60.0, 0.9) == 0.45  # beyond the calibrated ratio


def test_fit_recovers_a_known_distortion() -> None:
    # measured = 1.3 × true for turns (face), ratio = true / 40 (pose), flexion = 0.8 × true
    clips = []
    for ident in ("a", "b"):
        for t in (-60, -40, -20, 20, 40, 60, 80):
            face = 1.3 * t if abs(t) <= 60 else None
            clips.append(ClipSummary(ident, float(t), 0.0, 0.0, face, 0.0, t / 40))
        for p in (-30, -15, 0, 15, 30):
            clips.append(ClipSummary(ident, 0.0, 0.0, float(p), 0.0, 0.8 * p, 0.0))
    cal = fit(clips)
    assert odd_map(cal.face_yaw_knots, 39.0) == pytest.approx(30.0)
    assert cal.pose_model().yaw(0.75, 1.0) == pytest.approx(60.0)  # ratio 1.5
    assert cal.pitch(-12.0) == pytest.approx(-15.0)
    assert "a, b" in cal.source


def test_crosstalk_interpolates_and_holds_its_ends() -> None:
    knots = ((0.0, 0.0), (20.0, -2.0), (40.0, -3.0))
    assert crosstalk(knots, 10.0) == pytest.approx(-1.0)
    assert crosstalk(knots, 30.0) == pytest.approx(-2.5)
    assert crosstalk(knots, 70.0) == pytest.approx(-3.0)  # held beyond the last knot
    assert crosstalk((), 30.0) == 0.0


def test_fit_recovers_the_turns_crosstalk_and_correct_removes_it() -> None:
    # a turn t (no tilt, no flexion) reads face rotation 1.2·t, tilt −sign(t)·|t|/20 and a pitch
    # 2 + (−|t|/10) (neutral pitch 2: the flexion clips read 0.8·p + 2)
    clips = []
    for ident in ("a", "b", "c"):
        for t in (-60, -40, -20, 20, 40, 60):
            sign = 1.0 if t > 0 else -1.0
            roll, pitch = -sign * abs(t) / 20, 2.0 - abs(t) / 10
            clips.append(ClipSummary(ident, float(t), 0.0, 0.0, 1.2 * t, pitch, t / 40, roll))
        for p in (-30, -15, 0, 15, 30):
            clips.append(ClipSummary(ident, 0.0, 0.0, float(p), 0.0, 0.8 * p + 2.0, 0.0, 0.0))
    cal = fit(clips)
    assert crosstalk(cal.tilt_crosstalk_knots, 48.0) == pytest.approx(-2.0)  # true 40°
    assert crosstalk(cal.flexion_crosstalk_knots, 48.0) == pytest.approx(-4.0)
    turned = HeadAngles(yaw=-48.0, roll=2.0, pitch=-2.0, method="face", confidence=1.0)
    out = cal.correct(turned)
    assert out.yaw == pytest.approx(-40.0)
    assert out.roll == pytest.approx(0.0, abs=1e-9) and out.pitch == pytest.approx(0.0, abs=1e-9)
    # a real tilt on the same turn survives (only the turn's own share is removed)
    tilted = cal.correct(HeadAngles(yaw=-48.0, roll=22.0, pitch=-2.0, method="face", confidence=1))
    assert tilted.roll == pytest.approx(20.0)
    # summaries without a raw tilt (saved before the field existed) fit no tilt map
    old = [ClipSummary(c.identity, c.rotation, c.tilt, c.flexion, c.face_yaw, c.face_pitch,
                       c.pose_ratio) for c in clips]  # fmt: skip
    assert fit(old).tilt_crosstalk_knots == ((0.0, 0.0),)
