"""A symmetric parametric torso for ``cdcare synth --torso symmetric`` (opt-in).

The default torso (:mod:`cdcare.video.synth_model`) is the astronaut photo's space suit, cut
off at the patient's left shoulder by the photo's edge, and shoulder elevation there turns the
whole suit in the image plane: it cannot show whether shoulder elevation is measured right.
This torso is geometry no landmark model produced: a signed-distance body (a rounded elliptic
trunk, clavicle/shoulder girdle, trapezius slopes, deltoid caps and hanging upper arms, smoothly
united) meshed by marching cubes (scikit-image) on a grid symmetric about the midline, dressed
in a plain short-sleeved shirt (one solid colour with mild fabric noise; Lambert shading at
render time) with skin at the neckline, below the sleeves and on the neck, which joins the
head model's neck tube. Both shoulders lie fully inside the frame.

Model frame of :mod:`cdcare.video.synth_model` (mm; +X = the PATIENT'S LEFT, +Y up, +Z toward
the camera; origin between the eyes). The shoulder joint centres (:data:`SHOULDER_JOINT_MM`,
mirrored in X) are the shoulder landmark truth. Shoulder elevation ``e`` (+ = patient's left
shoulder higher) is in the unit of the measurement (:mod:`cdcare.video.shoulders`) and of the
TWSTRS thresholds (``video_margins.json``, ``clinical/video_twstrs.py``): the fraction of
shoulder width, ``(right joint y − left joint y) / joint distance`` along the (tilted) shoulder
line. It is made by lifting ONE shoulder, the left for e > 0, the right for e < 0, straight up
by ``h = |e| · W / √(1 − e²)`` mm (W = the level joint distance, 360 mm), carrying its girdle,
deltoid and arm; the other shoulder, the neck and the head stay. Both joints keep the same
depth, so the image ratio equals ``e`` exactly under the perspective camera.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from numpy.typing import NDArray

from cdcare.video.synth_model import SKIN_UV, SceneModel, scene_model

if TYPE_CHECKING:
    from cdcare.video.synth import SynthSpec

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

SHOULDER_JOINT_MM: Final = (180.0, -235.0, -85.0)
"""Patient's left shoulder joint centre (humeral head) when level; the right one has −X."""
SHOULDER_WIDTH_MM: Final = 2 * SHOULDER_JOINT_MM[0]
STEP_MM: Final = 7.0  # marching-cubes grid step
SMOOTH_MM: Final = 22.0  # blend radius of the smooth union
BOX_MM: Final = ((-315.0, 315.0), (-700.0, -105.0), (-230.0, 70.0))  # x, y, z extent
SHIRT_BGR: Final = (150.0, 104.0, 62.0)  # plain mid-blue shirt
NECK_AXIS_Z_MM: Final = -72.0  # the head model's neck tube axis (synth_model.NECK_CENTRE_Z_MM)
SLEEVE_END_MM: Final = 150.0  # sleeve length below the shoulder joint
TILE_PX: Final = 512


def raise_mm(elevation: float) -> float:
    """Lift of the raised shoulder (mm) for a shoulder elevation ``elevation`` (module doc)."""
    e = abs(elevation)
    return e * SHOULDER_WIDTH_MM / math.sqrt(1.0 - e * e)


def shoulder_joints(elevation: float) -> tuple[F64, F64]:
    """(patient's left, patient's right) shoulder joint centres (mm) for an elevation."""
    left = np.asarray(SHOULDER_JOINT_MM, dtype=np.float64)
    right = left * np.array([-1.0, 1.0, 1.0])
    lift = np.array([0.0, raise_mm(elevation), 0.0])
    if elevation > 0:
        left = left + lift
    elif elevation < 0:
        right = right + lift
    return left, right


def _capsule(p: F64, a: F64, b: F64, r: float) -> F64:
    """Signed distance (mm) of points ``p`` (…×3) to the capsule a–b of radius r."""
    ab = b - a
    t = np.clip(((p - a) @ ab) / float(ab @ ab), 0.0, 1.0)
    return np.asarray(np.linalg.norm(p - a - t[..., None] * ab, axis=-1) - r, np.float64)


def _smin(d1: F64, d2: F64, k: float = SMOOTH_MM) -> F64:
    """Polynomial smooth minimum (smooth union of two signed distances)."""
    h = np.clip(0.5 + 0.5 * (d2 - d1) / k, 0.0, 1.0)
    return np.asarray(d2 * (1 - h) + d1 * h - k * h * (1 - h), np.float64)


def body_sdf(p: F64, elevation: float = 0.0) -> F64:
    """Signed distance (mm, < 0 inside) of the torso with arms; ``p`` is …×3 in mm."""
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    # trunk: elliptic cylinder (half-width 140, half-depth 100), rounded top near the shoulders
    ell = np.hypot(x / 140.0, (z + 95.0) / 100.0)
    trunk = np.maximum((ell - 1.0) * 100.0, y + 250.0)
    d = trunk
    joints = shoulder_joints(elevation)
    for side, joint in zip((1.0, -1.0), joints, strict=True):
        girdle = _capsule(p, np.array([30.0 * side, -232.0, -80.0]), joint, 46.0)
        trap_end = joint + np.array([-12.0 * side, 30.0, -12.0])
        trap = _capsule(p, np.array([40.0 * side, -150.0, -95.0]), trap_end, 36.0)
        deltoid = np.linalg.norm(p - joint, axis=-1) - 52.0
        elbow = joint + np.array([30.0 * side, -420.0, 0.0])
        arm = _capsule(p, joint, elbow, 43.0)
        d = _smin(_smin(_smin(d, girdle), trap), np.minimum(deltoid, arm))
        d = _smin(d, deltoid, 10.0)
    return d


@cache
def body_mesh(elevation: float = 0.0) -> tuple[F64, I64, NDArray[np.bool_]]:
    """Vertices (mm), triangles (counter-clockwise seen from outside) and the skin triangles
    (neckline, arms below the sleeves) of the body at ``elevation``."""
    from skimage.measure import marching_cubes

    from cdcare.video.synth_mesh import orient

    axes = []
    for lo, hi in BOX_MM:  # symmetric about 0 in x: whole steps out from the midline
        n_lo, n_hi = math.floor(lo / STEP_MM), math.ceil(hi / STEP_MM)
        axes.append(np.arange(n_lo, n_hi + 1) * STEP_MM)
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    field = body_sdf(grid, elevation)
    verts, faces, _n, _v = marching_cubes(  # type: ignore[no-untyped-call]
        field, 0.0, spacing=(STEP_MM,) * 3
    )
    verts = verts + np.array([a[0] for a in axes])
    tris = np.asarray(faces, dtype=np.int64)
    cent = verts[tris].mean(axis=1)
    eps = 0.5
    grad = np.stack(
        [body_sdf(cent + eps * np.eye(3)[k], elevation) - body_sdf(cent - eps * np.eye(3)[k],
         elevation) for k in range(3)], axis=-1,
    )  # fmt: skip
    tris = orient(verts, tris, grad)
    left, right = shoulder_joints(elevation)
    neck = (np.hypot(cent[:, 0] / 62.0, (cent[:, 2] - NECK_AXIS_Z_MM) / 66.0) < 1.0) & (
        cent[:, 1] > -228.0
    )
    below = np.zeros(len(tris), bool)
    for side, joint in ((1.0, left), (-1.0, right)):
        beside = side * cent[:, 0] > 0.75 * SHOULDER_JOINT_MM[0]
        below |= beside & (cent[:, 1] < joint[1] - SLEEVE_END_MM)
    return np.asarray(verts, np.float64), tris, neck | below


@cache
def symmetric_scene(name: str, elevation: float) -> SceneModel:
    """The identity's head and neck (:func:`scene_model`) on this torso: the photo torso's
    triangles are dropped, the neck turns skin-coloured, the shirt tile joins the atlas."""
    from cdcare.video.synth_mesh import vertex_normals

    base = scene_model(name)
    head = ~base.torso
    n_keep = int(base.tris[head].max()) + 1  # the photo torso's vertices were appended last
    body_v, body_t, skin = body_mesh(elevation)
    u0 = float(base.atlas.shape[1])
    head_uv = base.uv[head].copy()
    head_uv[base.neck[head]] = SKIN_UV
    body_uv = tile_uv(body_v, body_t, u0)
    body_uv[skin] = SKIN_UV
    atlas = np.zeros((base.atlas.shape[0], base.atlas.shape[1] + TILE_PX, 3), np.uint8)
    atlas[:, : base.atlas.shape[1]] = base.atlas
    atlas[:TILE_PX, base.atlas.shape[1] :] = shirt_tile()
    n_head_t = int(head.sum())
    return SceneModel(
        verts=np.concatenate([base.verts[:n_keep], body_v]),
        blend=np.concatenate([base.blend[:n_keep], np.zeros(len(body_v))]),
        tris=np.concatenate([base.tris[head], body_t + n_keep]),
        uv=np.concatenate([head_uv, body_uv]).astype(np.float32),
        lit=np.concatenate([base.lit[head], np.ones(len(body_t), bool)]),
        normals0=np.concatenate([base.normals0[:n_keep], vertex_normals(body_v, body_t)]),
        torso=np.arange(n_head_t + len(body_t)) >= n_head_t,
        neck=np.concatenate([base.neck[head], np.zeros(len(body_t), bool)]),
        atlas=atlas,
        iod_mm=base.iod_mm,
        torso_shaded=True,
    )


def torso_truth(spec: SynthSpec) -> dict[str, Any]:
    """Which torso, and for the symmetric one the true shoulder joints (model mm; pixels in
    the video as written, mirrored if ``mirrored``) and the lift of the raised shoulder."""
    if spec.torso == "photo":
        how = "the photo's suit turned in the image plane by asin(shoulder_elevation)"
        return {"kind": "photo", "elevation": how + "; cut off at the patient's left"}
    from cdcare.video.synth_identity import identity
    from cdcare.video.synth_raster import Camera

    cam = Camera.for_frame(spec.width, spec.height, identity(spec.identity).focal)
    joints = np.asarray(shoulder_joints(spec.shoulder_elevation))
    px, _depth = cam.project(joints)
    if spec.mirrored:
        px[:, 0] = spec.width - 1 - px[:, 0]
    e = spec.shoulder_elevation
    return {
        "kind": "symmetric",
        "shoulder_elevation": e,
        "unit": "fraction of shoulder width: (right joint y - left joint y) / joint distance",
        "raised_side": "left" if e > 0 else "right" if e < 0 else None,
        "raise_mm": raise_mm(e),
        "shoulder_joints_mm": {"left": joints[0].tolist(), "right": joints[1].tolist()},
        "shoulder_joints_px": {"left": px[0].tolist(), "right": px[1].tolist()},
    }


def shirt_tile(seed: int = 11) -> NDArray[np.uint8]:
    """TILE_PX² BGR shirt texture: a solid colour, a fine weave and mild mottling."""
    import cv2

    rng = np.random.default_rng(seed)
    fine = rng.normal(0.0, 5.0, (TILE_PX, TILE_PX, 1)).astype(np.float32)
    low = rng.normal(0.0, 4.0, (16, 16, 1)).astype(np.float32)
    mottle = cv2.resize(low, (TILE_PX, TILE_PX), interpolation=cv2.INTER_CUBIC)[..., None]
    yy, xx = np.mgrid[:TILE_PX, :TILE_PX]
    weave = (2.0 * np.sin(xx * 1.9) * np.sin(yy * 1.9)).astype(np.float32)[..., None]
    tile = np.asarray(SHIRT_BGR, np.float32) + fine + mottle + weave
    return np.asarray(np.clip(tile, 0, 255), dtype=np.uint8)


def tile_uv(verts: F64, tris: I64, u0: float) -> NDArray[np.float32]:
    """Front-projected texture coordinates (T×3×2 atlas px) into a tile starting at column u0."""
    corners = verts[tris]
    u = u0 + np.clip(TILE_PX / 2 + 0.8 * corners[..., 0], 1.0, TILE_PX - 2.0)
    v = np.clip(0.8 * (-corners[..., 1] - 100.0), 1.0, TILE_PX - 2.0)
    return np.asarray(np.stack([u, v], axis=-1), dtype=np.float32)


__all__ = [
    "SHOULDER_JOINT_MM",
    "SHOULDER_WIDTH_MM",
    "body_mesh",
    "body_sdf",
    "raise_mm",
    "shirt_tile",
    "shoulder_joints",
    "symmetric_scene",
    "tile_uv",
    "torso_truth",
]
