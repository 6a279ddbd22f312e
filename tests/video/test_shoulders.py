"""Lateral shift from pose shoulders and the face fit: along the body's horizontal."""

from __future__ import annotations

import numpy as np
import pytest

from cdcare.video.landmarks import LEFT_SHOULDER, RIGHT_SHOULDER, PoseLandmarks
from cdcare.video.shoulders import IOD_PER_EYE_CORNERS, PIVOT_MODEL, measure_body


def _pose(tilt_deg: float) -> PoseLandmarks:
    """Shoulders 200 px apart around (320, 400), their line tilted by ``tilt_deg``."""
    pts = np.zeros((33, 2))
    a = np.radians(tilt_deg)
    half = 100 * np.array([np.cos(a), -np.sin(a)])
    pts[LEFT_SHOULDER] = np.array([320.0, 400.0]) + half  # patient's left = image right
    pts[RIGHT_SHOULDER] = np.array([320.0, 400.0]) - half
    return PoseLandmarks(points=pts, visibility=np.ones(33), world=np.full((33, 3), np.nan))


@pytest.mark.parametrize("tilt_deg", [0.0, 10.0, -18.0])
@pytest.mark.parametrize("shift", [-1.0, 0.5, 1.5])
def test_lateral_shift_does_not_shrink_when_the_shoulder_line_tilts(
    tilt_deg: float, shift: float
) -> None:
    """The pose model's shoulder line tilts by up to 18° when the synthetic head shifts; the
    shift is read along the image horizontal, so a pivot ``shift`` inter-ocular distances
    right of the shoulder midpoint reads ``shift`` (along the tilted line it read a third)."""
    scale = 60.0  # outer-eye-corner distance, px
    iod = scale * IOD_PER_EYE_CORNERS
    pivot_offset = scale * np.asarray(PIVOT_MODEL)[:2]  # frontal head: rotation = identity
    centre = (320.0 + shift * iod - pivot_offset[0], 220.0)
    body = measure_body(
        _pose(tilt_deg),
        width=640,
        height=480,
        face_center_px=centre,
        face_scale_px=scale,
        head_rotation=np.eye(3),
    )
    assert body.lateral_shift == pytest.approx(shift, abs=1e-6)
    assert body.shoulder_elevation == pytest.approx(np.sin(np.radians(tilt_deg)), abs=1e-6)
