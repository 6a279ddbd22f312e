"""The per-frame head-angle record (:class:`HeadAngles`) and the edits that keep its angles and
its full rotation consistent. Angles in degrees, signs and the body frame as in
:mod:`cdcare.video.headpose` (rotation + = chin to the patient's left, tilt + = toward the left
shoulder, flexion + = chin down; quaternion (w, x, y, z) in the body frame).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from cdcare.video import angles

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class HeadAngles:
    """Head angles in degrees (signs: module docstring) with how they were measured.

    ``method`` is 'face', 'pose' or 'fused'; ``confidence`` 0–1; ``scale_px`` the outer-eye-corner
    distance in pixels (None without a face); ``center_px`` the face centre (x, y) in pixels;
    ``quat`` the full head rotation (w, x, y, z) in the body frame (None when only the pose
    keypoints measured the rotation).
    """

    yaw: float
    roll: float | None
    pitch: float | None
    method: str
    confidence: float
    scale_px: float | None = None
    center_px: tuple[float, float] | None = None
    quat: tuple[float, float, float, float] | None = None

    def camera_rotation(self) -> FloatArray | None:
        """The face-model→camera rotation (x right, y down, z away), or None."""
        if self.quat is None:
            return None
        return angles.camera_from_body(angles.from_quaternion(self.quat))


def turned(face: HeadAngles, yaw: float) -> tuple[float, float, float, float] | None:
    """The face's head rotation turned about the body vertical so that its rotation is yaw."""
    if face.quat is None:
        return None
    head = angles.about_vertical(yaw - face.yaw) @ angles.from_quaternion(face.quat)
    return angles.quaternion(head)


def with_pitch(face: HeadAngles, pitch: float) -> HeadAngles:
    """The face angles with flexion replaced by ``pitch`` and the head rotation to match."""
    quat = face.quat
    if quat is not None and face.roll is not None and abs(pitch) < 90:
        head = angles.rotation_from_body_angles(face.yaw, face.roll, pitch)
        quat = angles.quaternion(head)
    return replace(face, pitch=pitch, quat=quat)


__all__ = ["HeadAngles", "turned", "with_pitch"]
