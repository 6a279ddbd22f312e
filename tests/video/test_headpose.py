"""Head-pose maths: Euler round trip, model fit, sign conventions, pose-yaw model, fusion."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdcare.video import headpose
from cdcare.video.headpose import (
    HeadAngles,
    PoseYawModel,
    euler_from_rotation,
    face_angles,
    face_model,
    fuse,
    rotation_from_angles,
    rotation_from_euler,
)

yaws = st.floats(-85, 85)
pitches = st.floats(-40, 40)
rolls = st.floats(-50, 50)


def _project(yaw: float, pitch: float, roll: float, scale: float = 100.0) -> np.ndarray:
    """The canonical model turned by the clinical angles (rotation, flexion, tilt), in
    pixel-like coordinates (x right, y down)."""
    rot = rotation_from_angles(yaw, roll, pitch)
    return scale * face_model() @ rot.T + np.array([320.0, 240.0, 0.0])


@given(yaws, pitches, rolls)
def test_euler_round_trip(yaw: float, pitch: float, roll: float) -> None:
    got = euler_from_rotation(rotation_from_euler(yaw, pitch, roll))
    assert np.allclose(got, (yaw, pitch, roll), atol=1e-6)


@settings(max_examples=40)
@given(yaws, pitches, rolls, st.floats(30, 300))
def test_fit_recovers_angles_and_scale(yaw: float, pitch: float, roll: float, scale: float) -> None:
    rng = np.random.default_rng(0)
    pts = _project(yaw, pitch, roll, scale) + rng.normal(0, 0.002 * scale, (468, 3))
    a = face_angles(pts)
    assert abs(a.yaw - yaw) < 0.5 and abs(a.pitch - pitch) < 0.5 and abs(a.roll - roll) < 0.5
    assert a.scale_px is not None and abs(a.scale_px - scale) / scale < 0.01
    assert a.method == "face" and a.confidence > 0.9


def test_sign_conventions_in_the_image() -> None:
    model = face_model()
    nose, forehead = 1, 10
    frontal = _project(0, 0, 0)
    # + yaw: chin (and nose) toward the patient's left = the image's right (x grows)
    assert _project(30, 0, 0)[nose, 0] > frontal[nose, 0] + 10
    # + pitch: chin down, the nose tip moves down in the image (y grows)
    assert _project(0, 20, 0)[nose, 1] > frontal[nose, 1] + 5
    # + roll: head toward the left shoulder, the top of the head moves to the image right
    assert _project(0, 0, 20)[forehead, 0] > frontal[forehead, 0] + 10
    # the canonical model is frontal: left/right symmetric about x = 0
    assert abs(model[:, 0].mean()) < 1e-3


def test_fit_reads_tilt_of_a_turned_head_as_seen_from_the_front() -> None:
    # a head turned 60° and tilted 20° toward the left shoulder: the Euler roll would read
    # about 20°·cos 60° = 10°; the frontal-plane projection reads 20°
    a = face_angles(_project(60.0, 0.0, 20.0))
    assert a.roll == pytest.approx(20.0, abs=0.5) and a.yaw == pytest.approx(60.0, abs=0.5)
    assert a.quat is not None and abs(sum(q * q for q in a.quat) - 1) < 1e-9
    euler_roll = euler_from_rotation(rotation_from_angles(60.0, 20.0, 0.0))[2]
    assert euler_roll < 15.0


def test_euler_helpers_are_a_different_convention() -> None:
    # single-axis poses agree, combined ones do not
    for y, p, r in ((30, 0, 0), (0, 20, 0), (0, 0, -25)):
        assert np.allclose(rotation_from_euler(y, p, r), rotation_from_angles(y, r, p))
    assert not np.allclose(rotation_from_euler(60, 0, 20), rotation_from_angles(60, 20, 0))


def test_bad_fit_has_low_confidence() -> None:
    rng = np.random.default_rng(1)
    pts = rng.normal(0, 50, (468, 3))
    assert face_angles(pts).confidence < 0.2


def test_pose_yaw_model() -> None:
    m = PoseYawModel()
    assert m.yaw(0.0, 60.0) == 0.0
    assert m.yaw(10.0, 60.0) > 0 > m.yaw(-10.0, 60.0)
    assert m.yaw(30.0, 1.0) > 80  # ears overlap: near profile
    # the orthographic head model: ears at ±r, nose d ahead → tan(yaw) = k·2·offset/span
    k = 0.9
    for yaw in (-80.0, -30.0, 10.0, 60.0):
        span = 60 * math.cos(math.radians(yaw))
        off = math.tan(math.radians(yaw)) * span / (2 * k)
        assert PoseYawModel(k=k).yaw(off, span) == pytest.approx(yaw)


def test_fusion_by_size_of_turn() -> None:
    lo, hi = headpose.FACE_ONLY_DEG, headpose.POSE_ONLY_DEG
    face = HeadAngles(yaw=10.0, roll=2.0, pitch=3.0, method="face", confidence=0.9)
    assert fuse(face, 12.0, 1.0) == face
    big = HeadAngles(yaw=hi + 1, roll=2.0, pitch=3.0, method="face", confidence=0.9)
    out = fuse(big, 70.0, 1.0)
    assert out is not None and out.method == "pose" and out.yaw == 70.0 and out.roll == 2.0
    half = HeadAngles(yaw=-(lo + hi) / 2, roll=0, pitch=0, method="face", confidence=1)
    mid = fuse(half, -70.0, 0.5)
    assert mid is not None and mid.method == "fused"
    assert mid.yaw == pytest.approx((half.yaw - 70.0) / 2) and mid.confidence == 0.75
    only_pose = fuse(None, -60.0, 0.8)
    assert only_pose is not None and only_pose.method == "pose" and only_pose.pitch is None
    assert fuse(None, None, 0.0) is None
    assert fuse(big, None, 0.0) == big
    assert lo < hi
