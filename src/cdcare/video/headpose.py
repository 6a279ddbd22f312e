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
heads), the pose-ratio map and a monotone map of face-mesh flexion (the mesh regresses head-back
poses toward neutral). Tilt is not calibrated. All unverified on people (``verified: false``).

Fusion: judged by the face's own |yaw|: the face method alone up to ``FACE_ONLY_DEG``, the pose
method alone from ``POSE_ONLY_DEG`` (or when no face is found), a linear blend of the two yaws in
between (the head rotation is turned about the body vertical to the fused yaw, so its tilt and
flexion projections are unchanged); roll and pitch always come from the face when it is found.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from cdcare.video import angles
from cdcare.video.landmarks import LEFT_EAR, NOSE, RIGHT_EAR, PoseLandmarks

FloatArray = npt.NDArray[np.float64]

FACE_ONLY_DEG = 55.0
"""|calibrated face yaw| (degrees) up to which the face mesh alone is trusted."""
POSE_ONLY_DEG = 70.0
"""|calibrated face yaw| (degrees) from which the pose keypoints alone give the yaw (the mesh
saturates near 55–60° however far the head turns, and loses the face beyond about 65–70°).
Both limits were chosen on the calibration grid, leave-one-identity-out (45–70° band MAE: 7.0°
with 40/55, 4.8° with 55/70; 70–90°: 7.9° → 8.5°), never on the evaluation grid."""
DEFAULT_EAR_NOSE_RATIO = 0.7
"""Geometric k of the pose-yaw model (dimensionless): an orthographic head with the ears at
±7 cm and the nose tip 10 cm ahead of them. Not fitted; the pipeline uses the calibrated k of
:func:`calibration` (the pose model's far-ear guess at large turns makes the effective k larger)."""
FACE_RESIDUAL_SCALE = 0.08
"""Residual RMS of the model fit (outer-eye-corner units) at which face confidence reaches 0."""
MESH_POINTS = 468


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


def _turned(face: HeadAngles, yaw: float) -> tuple[float, float, float, float] | None:
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


@dataclass(frozen=True)
class Calibration:
    """Constants fitted on synthetic calibration clips (see module docstring).

    ``pitch_measured_deg``/``pitch_true_deg``: knots (degrees, increasing) of the monotone
    piecewise-linear map from face-mesh pitch to pitch (contract sign, + = chin down), extended
    beyond the end knots with the end segments' slopes; ``ear_nose_ratio``: k of
    :class:`PoseYawModel` (used when ``pose_ratio_knots`` is empty); ``face_yaw_knots``:
    (|face-fit rotation|, |true rotation|) degrees of an odd monotone map (:func:`odd_map`);
    ``pose_ratio_knots``: (|2·offset/span|, |true rotation| degrees) of the pose method;
    ``spread_deg``: across-identity spread (SD of the per-identity mean error, degrees, keys
    rotation/tilt/flexion) of the leave-one-identity-out benchmark, which widens every posture
    interval; ``source``/``verified``: where they come from.
    """

    pitch_measured_deg: tuple[float, ...]
    pitch_true_deg: tuple[float, ...]
    ear_nose_ratio: float
    source: str = "U"
    verified: bool = False
    face_yaw_knots: tuple[tuple[float, float], ...] = ()
    pose_ratio_knots: tuple[tuple[float, float], ...] = ()
    spread_deg: tuple[tuple[str, float], ...] = ()

    def pitch(self, measured: float) -> float:
        """Calibrated pitch (degrees, + = chin down) for a face-mesh pitch (degrees)."""
        xs, ys = self.pitch_measured_deg, self.pitch_true_deg
        if len(xs) < 2:
            return measured
        i = 0 if measured < xs[0] else min(len(xs) - 2, int(np.searchsorted(xs, measured) - 1))
        slope = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])
        return ys[i] + slope * (measured - xs[i])

    def spread(self, key: str) -> float:
        """Across-identity spread (degrees) for 'rotation', 'tilt' or 'flexion' (0 if unknown)."""
        return dict(self.spread_deg).get(key, 0.0)

    def pose_model(self) -> PoseYawModel:
        """The pose-yaw model of this calibration."""
        return PoseYawModel(k=self.ear_nose_ratio, knots=self.pose_ratio_knots)

    def correct(self, face: HeadAngles) -> HeadAngles:
        """The face angles with rotation and flexion calibrated (tilt unchanged), the head
        rotation rebuilt from them."""
        yaw = odd_map(self.face_yaw_knots, face.yaw)
        if face.pitch is None:
            return replace(face, yaw=yaw, quat=_turned(face, yaw))
        return with_pitch(replace(face, yaw=yaw, quat=_turned(face, yaw)), self.pitch(face.pitch))

    @classmethod
    def identity(cls) -> Calibration:
        """No correction and the geometric k (what the calibration script measures with)."""
        return cls((), (), DEFAULT_EAR_NOSE_RATIO, source="geometry", verified=False)


def _knots(doc: dict[str, object], key: str) -> tuple[tuple[float, float], ...]:
    entry = doc.get(key)
    if not isinstance(entry, dict):
        return ()
    knots = tuple((float(a), float(b)) for a, b in entry["knots"])
    if any(b[0] <= a[0] or b[1] < a[1] for a, b in itertools.pairwise(knots)):
        raise ValueError(f"calibration.json: {key} knots must increase")
    return knots


@cache
def calibration() -> Calibration:
    """The shipped calibration, ``data/calibration.json``."""
    ref = resources.files("cdcare.video") / "data" / "calibration.json"
    doc = json.loads(ref.read_text(encoding="utf-8"))
    knots = doc["face_pitch"]["knots"]
    xs = tuple(float(k[0]) for k in knots)
    ys = tuple(float(k[1]) for k in knots)
    if any(b <= a for a, b in itertools.pairwise(xs)) or any(
        b < a for a, b in itertools.pairwise(ys)
    ):
        raise ValueError("calibration.json: pitch knots must increase")
    spread = doc.get("spread_deg", {})
    return Calibration(
        xs,
        ys,
        float(doc["pose_yaw"]["k"]),
        source=str(doc["source"]),
        verified=doc["verified"],
        face_yaw_knots=_knots(doc, "face_yaw"),
        pose_ratio_knots=_knots(doc, "pose_ratio"),
        spread_deg=tuple((str(k), float(v)) for k, v in spread.items() if k != "meaning"),
    )


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
        quat=_turned(face, yaw),
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
