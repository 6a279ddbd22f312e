"""The clinical head-angle convention: body-plane projections of the 3-D head rotation.

Frames (right-handed, degrees for angles). The BODY frame is fixed to the trunk (or to the
camera when the trunk is not measured): +X toward the PATIENT'S LEFT, +Y up (the body's
vertical), +Z forward (out of the chest). A head rotation ``H`` (3×3) has as its columns the
head's own axes in the body frame: ``H[:, 0]`` the head's left, ``H[:, 1]`` the head's
vertical (neck to crown), ``H[:, 2]`` the nose direction. At the neutral posture ``H = I``.

The three angles a rater reads are projections of those axes onto the body planes, the same
quantities a clinician judges by looking from above, from the front and from the side:

* ``rotation`` (TWSTRS rotation / torticollis): the nose direction ``f = H[:, 2]`` seen from
  above (the transverse plane X–Z): ``rotation = atan2(f_x, f_z)``; + = chin toward the
  patient's left; range ±180°.
* ``tilt`` (laterocollis): the head's vertical ``u = H[:, 1]`` seen from the front (the
  frontal plane X–Y): ``tilt = atan2(u_x, u_y)``; + = head tilted toward the left shoulder.
* ``flexion`` (antero/retrocollis): the head's vertical seen from the side (the sagittal plane
  Y–Z): ``flexion = atan2(u_z, u_y)``; + = chin down (crown forward), − = head back.

Unlike a yaw-first Euler decomposition (whose roll is measured in the head's own turned frame
and so reads about ``tilt · cos(rotation)`` on a turned head), each projection depends only on
where one head axis points in the body, so a head turned 60° and tilted 20° toward the shoulder
reads tilt 20°. The three numbers determine ``H`` uniquely for |tilt|, |flexion| < 90°
(:func:`rotation_from_body_angles`), which is how ``cdcare synth`` poses its heads.

The camera frame of :mod:`cdcare.video.headpose` (x image right, y down, z away from the
camera, for a non-mirrored camera facing the patient) relates to the body frame by
``D = diag(1, −1, −1)``: :func:`body_from_camera` gives ``H = D · R_cam · D``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.spatial.transform import Rotation

FloatArray = npt.NDArray[np.float64]
ANGLE_CONVENTION = "body-plane projections (cdcare.video.angles)"
"""Name of this convention, written into the video contract and ``cdcare synth`` truth."""
_D = np.diag([1.0, -1.0, -1.0])


def body_angles(h: FloatArray) -> tuple[float, float, float]:
    """(rotation, tilt, flexion) in degrees of a head rotation in the body frame."""
    f = h[:, 2]
    u = h[:, 1]
    rotation = math.degrees(math.atan2(float(f[0]), float(f[2])))
    tilt = math.degrees(math.atan2(float(u[0]), float(u[1])))
    flexion = math.degrees(math.atan2(float(u[2]), float(u[1])))
    return rotation, tilt, flexion


def rotation_from_body_angles(rotation: float, tilt: float, flexion: float) -> FloatArray:
    """The head rotation (body frame) whose projections are the given angles (degrees).

    The head vertical is ``u ∝ (tan tilt, 1, tan flexion)``; the nose direction is the unit
    vector perpendicular to ``u`` whose top view points at ``rotation``. Needs |tilt|,
    |flexion| < 90° (the head's crown above its neck).
    """
    if abs(tilt) >= 90.0 or abs(flexion) >= 90.0:
        raise ValueError("tilt and flexion must be within ±90°")
    u = np.array([math.tan(math.radians(tilt)), 1.0, math.tan(math.radians(flexion))])
    u /= np.linalg.norm(u)
    sy, cy = math.sin(math.radians(rotation)), math.cos(math.radians(rotation))
    f = np.array([sy, -(sy * u[0] + cy * u[2]) / u[1], cy])
    f /= np.linalg.norm(f)
    x = np.cross(u, f)
    out: FloatArray = np.column_stack([x, u, f])
    return out


def body_from_camera(r_cam: FloatArray) -> FloatArray:
    """Head rotation in the body frame from a face-model→camera rotation (camera = body)."""
    out: FloatArray = _D @ r_cam @ _D
    return out


def camera_from_body(h: FloatArray) -> FloatArray:
    """Inverse of :func:`body_from_camera`."""
    out: FloatArray = _D @ h @ _D
    return out


def about_vertical(deg: float) -> FloatArray:
    """Rotation by ``deg`` about the body's vertical (+ turns the front toward +X, the left)."""
    a = math.radians(deg)
    return np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])


def relative_to_trunk(h: FloatArray, trunk_rotation_deg: float) -> FloatArray:
    """Head rotation relative to a trunk turned ``trunk_rotation_deg`` about the vertical."""
    out: FloatArray = about_vertical(trunk_rotation_deg).T @ h
    return out


def quaternion(h: FloatArray) -> tuple[float, float, float, float]:
    """Unit quaternion (w, x, y, z) of a rotation matrix, w ≥ 0."""
    x, y, z, w = Rotation.from_matrix(h).as_quat()
    if w < 0:
        x, y, z, w = -x, -y, -z, -w
    return float(w), float(x), float(y), float(z)


def from_quaternion(q: tuple[float, float, float, float]) -> FloatArray:
    """Rotation matrix of a unit quaternion (w, x, y, z)."""
    w, x, y, z = q
    out: FloatArray = Rotation.from_quat([x, y, z, w]).as_matrix()
    return out


__all__ = [
    "ANGLE_CONVENTION",
    "about_vertical",
    "body_angles",
    "body_from_camera",
    "camera_from_body",
    "from_quaternion",
    "quaternion",
    "relative_to_trunk",
    "rotation_from_body_angles",
]
