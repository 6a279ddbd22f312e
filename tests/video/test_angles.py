"""The clinical angle convention: body-plane projections of the head rotation (pure maths)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.video.angles import (
    about_vertical,
    body_angles,
    body_from_camera,
    camera_from_body,
    from_quaternion,
    quaternion,
    relative_to_trunk,
    rotation_from_body_angles,
)

rotations = st.floats(-179, 179)
tilts = st.floats(-80, 80)
flexions = st.floats(-80, 80)


@given(rotations, tilts, flexions)
def test_round_trip_and_orthonormal(rot: float, tilt: float, flex: float) -> None:
    h = rotation_from_body_angles(rot, tilt, flex)
    assert np.allclose(h @ h.T, np.eye(3), atol=1e-9) and np.linalg.det(h) == pytest.approx(1)
    assert np.allclose(body_angles(h), (rot, tilt, flex), atol=1e-6)


def test_neutral_is_identity() -> None:
    assert np.allclose(rotation_from_body_angles(0, 0, 0), np.eye(3))
    assert body_angles(np.eye(3)) == (0.0, 0.0, 0.0)


def test_projections_by_hand() -> None:
    # turned 60° to the left, tilted 20° toward the left shoulder
    h = rotation_from_body_angles(60.0, 20.0, 0.0)
    nose, crown = h[:, 2], h[:, 1]
    # seen from the front the crown leans 20° toward +X (the patient's left)
    assert math.degrees(math.atan2(crown[0], crown[1])) == pytest.approx(20.0)
    assert crown[2] == pytest.approx(0.0, abs=1e-12)  # no lean forward or back
    # seen from above the nose points 60° to the left
    assert math.degrees(math.atan2(nose[0], nose[2])) == pytest.approx(60.0)
    # the same head posed by yaw-first Euler angles (Ry(60)·Rz(−20)) reads tilt ≈ 20·cos 60
    c, s = math.cos(math.radians(-20)), math.sin(math.radians(-20))
    euler = about_vertical(60.0) @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    assert body_angles(euler)[1] == pytest.approx(
        math.degrees(math.atan(math.tan(math.radians(20)) * 0.5)), abs=1e-9
    )


def test_signs() -> None:
    # + rotation: nose toward +X (patient's left); + flexion: crown forward (chin down)
    assert rotation_from_body_angles(30, 0, 0)[0, 2] > 0
    assert rotation_from_body_angles(0, 0, 20)[2, 1] > 0
    assert rotation_from_body_angles(0, 20, 0)[0, 1] > 0
    # pure rotation about the vertical leaves tilt and flexion at zero
    assert np.allclose(body_angles(about_vertical(75.0)), (75.0, 0.0, 0.0))


def test_camera_frame_and_trunk() -> None:
    h = rotation_from_body_angles(40.0, -15.0, 10.0)
    assert np.allclose(body_from_camera(camera_from_body(h)), h)
    # camera: x right, y down, z away; the nose (model −z) moves to the image right on + turn
    cam = camera_from_body(rotation_from_body_angles(30.0, 0.0, 0.0))
    assert (cam @ np.array([0.0, 0.0, -1.0]))[0] > 0
    # a trunk turned 25° with the head turned 40° (both about the vertical): 15° relative
    rel = relative_to_trunk(about_vertical(40.0), 25.0)
    assert body_angles(rel)[0] == pytest.approx(15.0)


@given(rotations, tilts, flexions)
def test_quaternion_round_trip(rot: float, tilt: float, flex: float) -> None:
    h = rotation_from_body_angles(rot, tilt, flex)
    q = quaternion(h)
    assert q[0] >= 0 and sum(v * v for v in q) == pytest.approx(1.0)
    assert np.allclose(from_quaternion(q), h, atol=1e-9)


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        rotation_from_body_angles(0.0, 90.0, 0.0)
