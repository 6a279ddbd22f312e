"""Head pose (rotation, tilt, flexion in degrees) from face-mesh and pose landmarks.

Angle convention (:mod:`cdcare.video.angles`; docs/video.md, docs/video-angles.md). The full
3-D head rotation is estimated (a rotation matrix; kept per frame as a quaternion ``quat`` =
(w, x, y, z) in the body frame +X patient's left, +Y up, +Z forward), and the three clinical
angles are its projections onto body planes, what a rater judges from above, the front and the
side:

* ``yaw`` = rotation: the nose direction seen from above, about the body's vertical;
  + = chin toward the patient's left (the image's right);
* ``roll`` = tilt: the head's vertical axis against the body's vertical seen from the front;
  + = head tilted toward the patient's left shoulder (crown toward the image's right);
* ``pitch`` = flexion: the head's vertical against the body's vertical seen from the side;
  + = chin down, − = head back.

These are NOT the angles of an Euler decomposition: a yaw-first decomposition's roll reads
about ``tilt · cos(rotation)`` on a turned head (a head turned 60° and tilted 20° would read
10°); the projection reads 20°. The body frame is the camera's (non-mirrored frames; mirrored
selfie videos are flipped horizontally before measurement), or the trunk's when the pipeline
measures the trunk's own turn from the shoulders (:mod:`cdcare.video.pipeline`).

Face method: the image positions (x, y pixels) of the 468 face-mesh points are fitted to a
canonical frontal 3-D face model (``data/face_model.json``) with a scaled-orthographic camera
(:func:`fit_weak_perspective`: closed form, no iterative solver so no sign flips, no focal
length to guess; a face 0.5–2 m from the camera is close to orthographic). MediaPipe's own depth
output is not used: it flattens at large turns (on synthetic clips it read 34° for a 45° turn,
against 42° for the 2-D fit). The rotation ``R`` maps model to camera axes (x right, y down,
z away from the camera); :func:`cdcare.video.angles.body_from_camera` turns it into the body
frame. The fitted scale is the outer-eye-corner distance in pixels, whatever the head's
rotation.

Pose method (large rotations: the face mesh saturates near 50–55° and loses the face beyond
about 65°): from the pose model's nose and ears, the ratio ``2·(nose_x − mid_ears_x)/ear_span``
measured along the head's roll axis. The calibration maps it to the rotation with an odd
monotone piecewise-linear map (:class:`PoseYawModel` ``knots``) fitted on the synthetic
identities; without knots the geometric model ``tan(yaw) = k·ratio`` (``k = r/d``, ears at ±r,
nose d ahead of them) is used. The ratio grows with the turn up to about 75° and then
saturates (the pose model guesses the hidden ear), so beyond the last knot the per-frame
confidence is halved. Pose keypoints were tried for tilt and flexion where the face is lost
(|rotation| ≥ 70°): the ear–eye line read a neutral head as −13° to −29° depending on the side,
with up to 30° cross-talk from tilt; not good enough, so tilt and flexion stay unmeasured (None,
``method`` 'pose' says why) without a face.

Calibration (``data/calibration.json``, :class:`Calibration`): fitted by
``benchmarks/video_calibrate.py`` (:mod:`cdcare.video.calibration_fit`) on a calibration grid
of the procedural synthetic identities (:mod:`cdcare.video.synth_identity`, geometry no
landmark model produced), evaluated leave-one-identity-out by ``benchmarks/video_accuracy.py``:
an odd map of the face-fit rotation (MediaPipe's landmarks read turns 25–60 % high on those
heads), the pose-ratio map, a monotone map of face-mesh flexion (the mesh regresses head-back
poses toward neutral), and two cross-talk maps keyed on the raw face rotation: the tilt the
turn alone adds (about −0.6° at a raw 8° to −2.6° at 49°, times the turn's sign) and the pitch
it alone adds (down to −5.4° at 54°), both subtracted before the flexion map. Tilt has no gain
map. All unverified on people (``verified: false``).

Fusion: judged by the face's own |yaw|: the face method alone up to ``FACE_ONLY_DEG``, the pose
method alone from ``POSE_ONLY_DEG`` (or when no face is found), a linear blend of the two yaws in
between (the head rotation is turned about the body vertical to the fused yaw, so its tilt and
flexion projections are unchanged); roll and pitch always come from the face when it is found.

Modules: this one holds the face fit and the fusion; :mod:`cdcare.video.head_angles` the
per-frame record, :mod:`cdcare.video.pose_yaw` the pose method, :mod:`cdcare.video.calibration`
the calibration (all re-exported here).
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from cdcare.video import angles
from cdcare.video.calibration import Calibration, calibration
from cdcare.video.head_angles import HeadAngles, turned, with_pitch
from cdcare.video.pose_yaw import (
    DEFAULT_EAR_NOSE_RATIO,
    PoseYawModel,
    image_ear_axis_deg,
    odd_map,
    pose_yaw_terms,
)

FloatArray = npt.NDArray[np.float64]

FACE_ONLY_DEG = 55.0
"""|calibrated face yaw| (degrees) up to which the face mesh alone is trusted."""
POSE_ONLY_DEG = 70.0
"""|calibrated face yaw| (degrees) from which the pose keypoints alone give the yaw (the mesh
saturates near 55–60° however far the head turns, and loses the face beyond about 65–70°).
Both limits were chosen on the calibration grid, leave-one-identity-out (45–70° band MAE: 7.0°
with 40/55, 4.8° with 55/70; 70–90°: 7.9° → 8.5°), never on the evaluation grid."""
FACE_RESIDUAL_SCALE = 0.08
"""Residual RMS of the model fit (outer-eye-corner units) at which face confidence reaches 0."""
MESH_POINTS = 468


@cache
def face_model() -> FloatArray:
    """The canonical face model, (468, 3), outer-eye-corner distance = 1, centred."""
    ref = resources.files("cdcare.video") / "data" / "face_model.json"
    doc = json.loads(ref.read_text(encoding="utf-8"))
    pts = np.asarray(doc["points"], dtype=float)
    return pts


def rotation_from_euler(yaw: float, pitch: float, roll: float) -> FloatArray:
    """Model→camera rotation ``Ry(−yaw)·Rx(pitch)·Rz(roll)`` of yaw-first EULER angles (degrees).

    Not the clinical convention (see :func:`rotation_from_angles`); kept for comparisons.
    """
    y, p, r = (math.radians(v) for v in (-yaw, pitch, roll))
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    out: FloatArray = ry @ rx @ rz
    return out


def rotation_from_angles(rotation: float, tilt: float, flexion: float) -> FloatArray:
    """Model→camera rotation whose clinical angles (degrees, module docstring) are given."""
    return angles.camera_from_body(angles.rotation_from_body_angles(rotation, tilt, flexion))


def euler_from_rotation(rot: FloatArray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) yaw-first Euler angles (degrees) of a model→camera rotation matrix.

    Not the clinical convention: the pipeline reports body-plane projections
    (:func:`cdcare.video.angles.body_angles`)."""
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, -float(rot[1, 2])))))
    yaw = -math.degrees(math.atan2(float(rot[0, 2]), float(rot[2, 2])))
    roll = math.degrees(math.atan2(float(rot[1, 0]), float(rot[1, 1])))
    return yaw, pitch, roll


def fit_weak_perspective(model: FloatArray, points: FloatArray) -> tuple[FloatArray, float, float]:
    """Least-squares ``points_xy ≈ s·(first two rows of R)·model + t`` (scaled orthographic).

    An affine 3-D→2-D map is fitted in closed form (linear least squares), then replaced by
    the nearest scaled rotation (SVD polar factor); the third row of R is the cross product of
    the first two. Only image x, y are used: MediaPipe's depth estimate is flattened at large
    turns, and no camera focal length is needed. Returns (R, s, residual RMS / s).
    """
    mc = model - model.mean(axis=0)
    pc = points[:, :2] - points[:, :2].mean(axis=0)
    affine, *_ = np.linalg.lstsq(mc, pc, rcond=None)  # mc @ affine ≈ pc, affine is 3×2
    u, sig, vt = np.linalg.svd(affine.T, full_matrices=False)
    rows = u @ vt
    rot: FloatArray = np.vstack([rows, np.cross(rows[0], rows[1])])
    scale = float(sig.mean())
    resid = pc - scale * (mc @ rows.T)
    rms = float(np.sqrt((resid**2).sum(axis=1).mean())) / scale
    return rot, scale, rms


def face_angles(points: FloatArray) -> HeadAngles:
    """Head angles from face-mesh points ((≥468, 2 or 3) pixels; see module docstring)."""
    pts = points[:MESH_POINTS]
    rot, scale, rms = fit_weak_perspective(face_model(), pts)
    head = angles.body_from_camera(rot)
    yaw, roll, pitch = angles.body_angles(head)
    conf = max(0.0, min(1.0, 1.0 - rms / FACE_RESIDUAL_SCALE))
    center = pts[:, :2].mean(axis=0)
    return HeadAngles(
        yaw=yaw,
        roll=roll,
        pitch=pitch,
        method="face",
        confidence=conf,
        scale_px=scale,
        center_px=(float(center[0]), float(center[1])),
        quat=angles.quaternion(head),
    )


def fuse(
    face: HeadAngles | None, pose_yaw_deg: float | None, pose_conf: float
) -> HeadAngles | None:
    """Combine face and pose yaw by the face yaw's size (see module docstring)."""
    if face is None:
        if pose_yaw_deg is None:
            return None
        return HeadAngles(
            yaw=pose_yaw_deg, roll=None, pitch=None, method="pose", confidence=pose_conf
        )
    if pose_yaw_deg is None:
        return face
    size = abs(face.yaw)
    w = min(1.0, max(0.0, (POSE_ONLY_DEG - size) / (POSE_ONLY_DEG - FACE_ONLY_DEG)))
    if w >= 1.0:
        return face
    yaw = w * face.yaw + (1.0 - w) * pose_yaw_deg
    conf = w * face.confidence + (1.0 - w) * pose_conf
    return HeadAngles(
        yaw=yaw,
        roll=face.roll,
        pitch=face.pitch,
        method="fused" if w > 0 else "pose",
        confidence=conf,
        scale_px=face.scale_px,
        center_px=face.center_px,
        quat=turned(face, yaw),
    )


__all__ = [
    "DEFAULT_EAR_NOSE_RATIO",
    "FACE_ONLY_DEG",
    "POSE_ONLY_DEG",
    "Calibration",
    "HeadAngles",
    "PoseYawModel",
    "calibration",
    "euler_from_rotation",
    "face_angles",
    "face_model",
    "fit_weak_perspective",
    "fuse",
    "image_ear_axis_deg",
    "odd_map",
    "pose_yaw_terms",
    "rotation_from_angles",
    "rotation_from_euler",
    "with_pitch",
]
