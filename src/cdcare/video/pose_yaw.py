"""Rotation from the pose model's nose and ears (large turns, where the face mesh saturates or
loses the face): the ratio ``2·(nose_x − mid_ears_x)/ear_span`` along the head's image ear
axis, mapped to the rotation (degrees, + = chin toward the patient's left) by the calibrated
odd monotone map (:func:`odd_map`) or, without knots, the geometric ``tan(yaw) = k·ratio``.
See :mod:`cdcare.video.headpose` for how it is fused with the face method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cdcare.video.head_angles import HeadAngles
from cdcare.video.landmarks import LEFT_EAR, NOSE, RIGHT_EAR, PoseLandmarks

DEFAULT_EAR_NOSE_RATIO = 0.7
"""Geometric k of the pose-yaw model (dimensionless): an orthographic head with the ears at
±7 cm and the nose tip 10 cm ahead of them. Not fitted; the pipeline uses the calibrated k of
:func:`calibration` (the pose model's far-ear guess at large turns makes the effective k larger)."""


def odd_map(knots: tuple[tuple[float, float], ...], value: float, cap: float = 90.0) -> float:
    """Odd monotone piecewise-linear map: ``sign(v)·f(|v|)`` through ``knots`` (|measured|,
    |true|, increasing, starting at (0, 0)), the last segment's slope beyond, capped at ``cap``."""
    if len(knots) < 2:
        return value
    xs = [k[0] for k in knots]
    ys = [k[1] for k in knots]
    a = abs(value)
    i = min(len(xs) - 2, max(0, int(np.searchsorted(xs, a)) - 1))
    slope = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])
    return math.copysign(min(cap, ys[i] + slope * (a - xs[i])), value)


def image_ear_axis_deg(face: HeadAngles | None) -> float:
    """Image angle (degrees, clockwise = + since image y points down) of the head's left-right
    axis as the fitted face shows it, 0 without a face. On a head both turned and tilted this
    differs from the tilt (a body-plane projection), and it is the axis along which the ears
    and the nose are compared."""
    rot = face.camera_rotation() if face is not None else None
    if rot is None:
        return 0.0
    return math.degrees(math.atan2(float(rot[1, 0]), float(rot[0, 0])))


def pose_yaw_terms(pose: PoseLandmarks, roll_deg: float) -> tuple[float, float, float]:
    """(nose offset, ear span, confidence) along the head's left-right axis, pixels.

    The axis is the image x axis turned by ``roll_deg`` (:func:`image_ear_axis_deg`); the offset
    is + toward
    the patient's left. Confidence is the lowest visibility of nose and ears.
    """
    a = math.radians(roll_deg)
    axis = np.array([math.cos(a), math.sin(a)])
    nose, left, right = pose.points[NOSE], pose.points[LEFT_EAR], pose.points[RIGHT_EAR]
    mid = (left + right) / 2
    offset = float((nose - mid) @ axis)
    span = float((left - right) @ axis)
    conf = float(min(pose.visibility[[NOSE, LEFT_EAR, RIGHT_EAR]]))
    return offset, span, conf


@dataclass(frozen=True)
class PoseYawModel:
    """``tan(yaw) = k·(2·offset/span) + c``: k = ear half-span / nose depth (dimensionless),
    c = the person's bias (nose off the ear midline at a frontal pose). With ``knots``
    (|2·offset/span|, |yaw| degrees) the yaw is instead the calibrated odd monotone map of the
    ratio (:func:`odd_map`); beyond the last knot the ratio no longer grows reliably with the
    turn (the far ear is guessed), so the yaw stays at the last knot's (no extrapolation) and
    :meth:`confidence` halves there."""

    k: float = DEFAULT_EAR_NOSE_RATIO
    c: float = 0.0
    knots: tuple[tuple[float, float], ...] = ()

    def yaw(self, offset: float, span: float) -> float:
        """Yaw in degrees from nose offset and ear span (pixels; see module docstring)."""
        if len(self.knots) >= 2:
            if span <= 1e-6:  # ears crossed or on top of each other: profile
                return math.copysign(self.knots[-1][1], offset) if offset else 0.0
            ratio, last = 2.0 * offset / span, self.knots[-1][0]
            return odd_map(self.knots, max(-last, min(last, ratio)))
        return math.degrees(math.atan2(self.k * 2.0 * offset + self.c * span, span))

    def confidence(self, offset: float, span: float, visibility: float) -> float:
        """Per-frame confidence 0–1: keypoint visibility, halved beyond the calibrated range."""
        if len(self.knots) >= 2 and (span <= 1e-6 or abs(2.0 * offset / span) > self.knots[-1][0]):
            return 0.5 * visibility
        return visibility


__all__ = [
    "DEFAULT_EAR_NOSE_RATIO",
    "PoseYawModel",
    "image_ear_axis_deg",
    "odd_map",
    "pose_yaw_terms",
]
