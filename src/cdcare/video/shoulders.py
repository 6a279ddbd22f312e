"""Head shift relative to the shoulder line, and shoulder elevation, from pose keypoints.

All values are unitless fractions, signs per the docs/video.md video contract:

* ``shoulder_elevation`` = (right shoulder y − left shoulder y) / shoulder width, image pixels:
  + = the patient's left shoulder higher. Left/right are the pose model's labels of the
  person's own sides (the frame is un-mirrored before measurement).
* ``lateral_shift`` = horizontal displacement (image x, the body frame's left-right axis) of
  the head's pivot from the shoulder midpoint, in inter-ocular distances (the distance between
  the iris centres, the unit of ``cdcare synth``'s truth and of the TWSTRS thresholds; the face
  fit's outer-eye-corner scale divided by :data:`IOD_PER_EYE_CORNERS`): + = toward the
  patient's left. The pivot is a
  point of the canonical face model behind and below the face
  (:data:`PIVOT_MODEL`, near the upper cervical spine; an estimate, unverified), carried through
  the fitted head rotation, so turning or tilting the head about the neck does not read as a
  shift.
* ``sagittal_shift`` = how far the ear midpoint lies in front of the shoulder midpoint in the pose
  model's 3-D world coordinates, in inter-ocular distances (the pose model's outer eye points
  give the scale, converted the same way): + = forward (toward the camera).
  Depth from a single frontal camera is coarse: compare against a neutral reference.

Shoulders count as visible when both have pose visibility ≥ ``MIN_VISIBILITY`` and lie inside the
frame; otherwise the three values are None.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cdcare.video.landmarks import (
    LEFT_EAR,
    LEFT_SHOULDER,
    RIGHT_EAR,
    RIGHT_SHOULDER,
    PoseLandmarks,
)

FloatArray = npt.NDArray[np.float64]

MIN_VISIBILITY = 0.5
PIVOT_MODEL: tuple[float, float, float] = (0.0, 0.8, 1.2)
"""Head pivot in face-model units (x right, y down, z away from camera) from the face centroid."""
LEFT_EYE_OUTER, RIGHT_EYE_OUTER = 3, 6  # pose landmark indices
IOD_PER_EYE_CORNERS = 0.712
"""Inter-ocular distance (between the eye centres = the iris centres, the unit of ``cdcare
synth``'s truth) over the outer-eye-corner distance: 63.0 / 88.5 mm on every synthetic head
(typical adult eyes: about 63 mm pupils, 88–92 mm outer canthi). It was 0.6955, the distance
between the midpoints of the eye corners (61.6 mm there), a unit 2 % smaller than the truth's."""


@dataclass(frozen=True)
class BodyMeasure:
    """One frame's shoulder-based values (see module docstring); None when not measurable."""

    shoulders_visible: bool
    shoulder_elevation: float | None = None
    lateral_shift: float | None = None
    sagittal_shift: float | None = None


def shoulders_visible(pose: PoseLandmarks, width: int, height: int) -> bool:
    """Both shoulders confidently detected inside the frame."""
    pts = pose.points[[LEFT_SHOULDER, RIGHT_SHOULDER]]
    inside = bool(
        np.all(pts[:, 0] >= 0)
        and np.all(pts[:, 0] < width)
        and np.all(pts[:, 1] >= 0)
        and np.all(pts[:, 1] < height)
    )
    vis = pose.visibility[[LEFT_SHOULDER, RIGHT_SHOULDER]]
    return inside and bool(np.all(vis >= MIN_VISIBILITY))


def measure_body(
    pose: PoseLandmarks,
    *,
    width: int,
    height: int,
    face_center_px: tuple[float, float] | None,
    face_scale_px: float | None,
    head_rotation: FloatArray | None,
) -> BodyMeasure:
    """Shoulder elevation, lateral and sagittal shift for one frame (module docstring).

    ``head_rotation`` is the face-model→camera rotation of the fitted face (None without one).
    """
    if not shoulders_visible(pose, width, height):
        return BodyMeasure(shoulders_visible=False)
    left, right = pose.points[LEFT_SHOULDER], pose.points[RIGHT_SHOULDER]
    across = left - right  # toward the patient's left
    width_px = float(np.hypot(*across))
    if width_px < 1.0:
        return BodyMeasure(shoulders_visible=False)
    elevation = float(right[1] - left[1]) / width_px
    lateral: float | None = None
    if face_center_px is not None and face_scale_px and head_rotation is not None:
        rot = head_rotation
        pivot = np.asarray(face_center_px) + face_scale_px * (rot @ np.asarray(PIVOT_MODEL))[:2]
        mid = (left + right) / 2
        # along the body's horizontal (the camera's x axis, the body frame of the angles): the
        # pose model's shoulder line tilts with a shifted head (18° for a shift of 1.0 on the
        # synthetic heads), and projecting the pivot-to-shoulders vector, mostly vertical, on
        # that tilted line cut the reading to a third of the shift
        lateral = float(pivot[0] - mid[0]) / face_scale_px
        lateral /= IOD_PER_EYE_CORNERS
    sagittal: float | None = None
    w = pose.world
    if np.all(np.isfinite(w)):
        eyes = float(np.linalg.norm(w[LEFT_EYE_OUTER] - w[RIGHT_EYE_OUTER]))
        if eyes > 1e-4:
            ears_z = (w[LEFT_EAR, 2] + w[RIGHT_EAR, 2]) / 2
            shoulders_z = (w[LEFT_SHOULDER, 2] + w[RIGHT_SHOULDER, 2]) / 2
            sagittal = float(shoulders_z - ears_z) / eyes / IOD_PER_EYE_CORNERS
    return BodyMeasure(True, elevation, lateral, sagittal)


__all__ = ["BodyMeasure", "measure_body", "shoulders_visible"]
