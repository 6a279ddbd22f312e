"""The textured 3D person that :mod:`cdcare.video.synth` renders.

Built once per process from a real photograph that ships inside a pip package:
``skimage/data/astronaut.png`` from scikit-image (NASA portrait of astronaut Eileen Collins,
"no known copyright restrictions, released into the public domain" per scikit-image's
``skimage.data.astronaut`` docstring). MediaPipe face mesh (static image, refined landmarks)
gives 478 landmarks with relative depth; the canonical tessellation, with the eye and mouth holes
filled, becomes the textured face. The face is closed into a head by a skull lofted from the face
oval to a point at the back of an ellipsoid (hair texture from the photo's hair), a neck tube
(the photo's black turtleneck) and a torso: the photo's space suit as a curved textured surface
whose collar ring lies behind the neck.

Model frame (millimetres, right-handed): origin at the midpoint of the two iris centres of the
neutral head; +X toward the PATIENT'S LEFT, +Y up, +Z forward (out of the face, toward the
camera at neutral). The photo's own small head roll and yaw are removed so that the model's
neutral pose is 0° yaw / roll; neutral pitch is the photo's (she faces the camera). The scale
assumes an inter-pupillary distance of 63 mm (a typical adult value, not a clinical threshold).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
from numpy.typing import NDArray

from cdcare.video.synth_identity import (
    CHIN,
    DEFAULT_IDENTITY,
    LIP,
    NASION,
    NOSE_TIP,
    SUBNASALE,
    Identity,
    ear_mesh,
    face_depth,
    identity,
    warp_jaw,
)
from cdcare.video.synth_mesh import (
    face_triangles,
    neutralising_rotation,
    orient,
    orient_manifold,
    photo_landmarks,
    source_photo,
    vertex_normals,
)

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

PHOTO_SOURCE: Final = (
    "scikit-image skimage/data/astronaut.png: NASA photograph of Eileen Collins, public domain"
)
IPD_MM: Final = 63.0  # typical adult inter-pupillary distance, sets the model's scale
HEAD_CENTRE_MM: Final = (0.0, 10.0, -85.0)  # skull ellipsoid centre
HEAD_SEMI_AXES_MM: Final = (98.0, 118.0, 108.0)  # half width, half height, half length
PROCEDURAL_SEMI_AXES_MM: Final = (82.0, 112.0, 100.0)  # skull of the procedural identities
EAR_CENTRE_MM: Final = (83.0, -15.0, -80.0)  # +X ear of the procedural identities
PIVOT_MM: Final = (0.0, -70.0, -85.0)  # head rotation centre (upper cervical spine)
NECK_CENTRE_Z_MM: Final = -72.0
NECK_RADII_MM: Final = (50.0, 52.0)  # half width (X), half depth (Z)
NECK_Y_MM: Final = (-190.0, -40.0)  # bottom (inside the collar) and top (inside the head)
HAIR_BOTTOM_Y_MM: Final = -40.0  # skull below this, in front of the head centre, is skin
STERNUM_MM: Final = (0.0, -200.0, -60.0)  # torso rotation centre for shoulder elevation

# Regions of the 512×512 photo (pixels, u right, v down), chosen by looking at it.
_TORSO_OUTLINE_PX: Final = (
    (116, 178), (128, 158), (150, 147), (185, 142), (225, 141), (265, 145), (282, 160),
    (292, 182), (299, 200), (303, 218), (306, 234), (316, 239), (331, 251), (343, 268),
    (350, 290), (355, 320), (362, 360), (366, 400), (366, 470), (28, 470), (28, 400),
    (30, 350), (36, 318), (44, 288), (52, 265), (76, 236), (100, 216), (113, 206),
)  # fmt: skip
_RING_CENTRE_PX: Final = (209.0, 219.0)
_RING_SEMI_AXES_PX: Final = (97.0, 71.0)
_HELMET_CENTRE_PX: Final = (395, 478)
_HELMET_RADIUS_PX: Final = 138
_HAIR_CROP_PX: Final = (slice(30, 68), slice(168, 282))
_HAIR_ELLIPSE_PX: Final = (
    (228.0, 78.0),
    (67.0, 57.0),
)  # inside the hair silhouette  # rows, columns
_SKIN_CROP_PX: Final = (slice(118, 130), slice(232, 246))
_DARK_CROP_PX: Final = (slice(200, 240), slice(170, 240))

TILE = 256  # side of the hair tile in the texture atlas (pixels; 1 px per mm of skull)


@dataclass(frozen=True)
class SceneModel:
    """Triangle meshes in the model frame, with texture coordinates into one atlas.

    ``verts`` (N×3, mm); ``blend`` (N,): 1 = moves with the head, 0 = moves with the torso,
    between = neck; ``tris`` (T×3 vertex indices, counter-clockwise seen from outside);
    ``uv`` (T×3×2 atlas pixels, per corner); ``lit`` (T,): True where the texture is unlit
    (procedural skull/neck) so shading is absolute, False where the photo's own lighting is
    kept at neutral; ``normals0`` (N×3) unit normals at neutral; ``torso`` and ``neck`` (T,)
    bool mark the torso and neck triangles; ``atlas`` BGR uint8 texture; ``iod_mm``
    inter-ocular (iris-centre) distance in mm.
    """

    verts: F64
    blend: F64
    tris: I64
    uv: NDArray[np.float32]
    lit: NDArray[np.bool_]
    normals0: F64
    torso: NDArray[np.bool_]
    neck: NDArray[np.bool_]
    atlas: NDArray[np.uint8]
    iod_mm: float
    torso_shaded: bool = False  # True: shade the torso (Lambert) instead of the photo's light


def _textures(
    photo: NDArray[np.uint8], face_uv: F64, oval: list[int], ident: Identity
) -> NDArray[np.uint8]:
    """Atlas = [photo | torso photo (face removed, helmet inpainted) | hair tile | flat tiles].

    The face (inside its oval) and the skin tile are tinted by the identity's ``skin`` gains,
    the hair tile and the photo's hair by its ``hair`` gains.
    """
    import cv2

    torso = photo.copy()
    dark = np.median(photo[_DARK_CROP_PX].reshape(-1, 3), axis=0)
    hull = cv2.convexHull(face_uv[oval, :2].astype(np.int32))
    cv2.fillConvexPoly(torso, hull, dark.tolist())
    cv2.rectangle(torso, (185, 150), (262, 200), dark.tolist(), -1)
    hsv = cv2.cvtColor(photo, cv2.COLOR_BGR2HSV)
    orange = (hsv[..., 0] < 22) & (hsv[..., 1] > 90)
    helmet = np.zeros(photo.shape[:2], np.uint8)
    cv2.circle(helmet, _HELMET_CENTRE_PX, _HELMET_RADIUS_PX, (255,), -1)
    helmet[330:, 255:][~orange[330:, 255:]] = 255
    helmet = np.asarray(cv2.dilate(helmet, np.ones((5, 5), np.uint8)), dtype=np.uint8)
    torso = np.asarray(cv2.inpaint(torso, helmet, 5, cv2.INPAINT_TELEA), dtype=np.uint8)
    hair = cv2.resize(photo[_HAIR_CROP_PX], (TILE, TILE), interpolation=cv2.INTER_LINEAR)
    # Match the tile's mean colour to the photo's hair around the face (less visible seam).
    (hu, hv), (ha, hb) = _HAIR_ELLIPSE_PX
    vv, uu = np.mgrid[: photo.shape[0], : photo.shape[1]]
    ring = ((uu - hu) / ha) ** 2 + ((vv - hv) / hb) ** 2 < 1.0
    face_px = np.zeros(photo.shape[:2], np.uint8)
    cv2.fillConvexPoly(face_px, hull, (255,))
    around = photo[ring & (cv2.dilate(face_px, np.ones((15, 15), np.uint8)) == 0)]
    gain = around.reshape(-1, 3).mean(axis=0) / hair.reshape(-1, 3).mean(axis=0)
    hair = np.clip(hair * gain, 0, 255).astype(np.uint8)
    atlas = np.zeros((512, 1024 + TILE + 64, 3), np.uint8)
    skin = np.median(photo[_SKIN_CROP_PX].reshape(-1, 3), axis=0)
    atlas[:, :512] = photo
    # Backdrop seen between the jaw and the hair at the face's edge would show on the cheeks.
    face_mask = np.zeros(photo.shape[:2], np.uint8)
    cv2.fillConvexPoly(face_mask, hull, (255,))
    band = (cv2.dilate(face_mask, np.ones((9, 9), np.uint8)) > 0) & (
        cv2.erode(face_mask, np.ones((31, 31), np.uint8)) == 0
    )
    pale = (hsv[..., 1] < 40) & (hsv[..., 2] > 170)
    atlas[:512, :512][band & pale] = skin
    atlas[:, 512:1024] = torso
    atlas[:TILE, 1024 : 1024 + TILE] = hair
    atlas[:64, 1024 + TILE :] = skin
    atlas[64:128, 1024 + TILE :] = dark
    if ident.skin != (1.0, 1.0, 1.0) or ident.hair != (1.0, 1.0, 1.0):
        face_zone = cv2.dilate(face_mask, np.ones((9, 9), np.uint8)) > 0
        hair_zone = ring & ~face_zone
        work = atlas.astype(np.float32)
        skin_g, hair_g = np.asarray(ident.skin), np.asarray(ident.hair)
        work[:512, :512][face_zone] *= skin_g
        work[:512, :512][hair_zone] *= hair_g
        work[:TILE, 1024 : 1024 + TILE] *= hair_g
        work[:64, 1024 + TILE :] *= skin_g
        atlas = np.clip(work, 0, 255).astype(np.uint8)
    return atlas


SKIN_UV: Final = (1024.0 + TILE + 32.0, 32.0)
DARK_UV: Final = (1024.0 + TILE + 32.0, 96.0)


def _skull(
    oval_pts: F64, n_rings: int = 14, semi_axes: tuple[float, float, float] = HEAD_SEMI_AXES_MM
) -> tuple[F64, I64]:
    """Loft from the face oval (closed loop, model mm) to the back pole of the skull ellipsoid.

    Vertex 0..len(oval)-1 of the result are the oval points themselves (shared with the face).
    """
    c = np.asarray(HEAD_CENTRE_MM)
    ax = np.asarray(semi_axes)
    rel = (oval_pts - c) / ax
    r0 = np.linalg.norm(rel, axis=1)
    e0 = rel / r0[:, None]
    back = np.array([0.0, 0.0, -1.0])
    n = len(oval_pts)
    rings = [oval_pts]
    for k in range(1, n_rings):
        t = k / n_rings
        omega = np.arccos(np.clip(e0 @ back, -1.0, 1.0))
        e = (np.sin((1 - t) * omega)[:, None] * e0 + np.sin(t * omega)[:, None] * back) / np.sin(
            omega
        )[:, None]
        s = min(t / 0.35, 1.0)
        r = r0 + (1.0 - r0) * (3 * s * s - 2 * s**3)
        rings.append(c + ax * (e * r[:, None]))
    verts = np.concatenate([*rings, (c + ax * back)[None]])
    tris: list[tuple[int, int, int]] = []
    for k in range(n_rings - 1):
        for i in range(n):
            a, b = k * n + i, k * n + (i + 1) % n
            tris += [(a, b, b + n), (a, b + n, a + n)]
    pole = len(verts) - 1
    last = (n_rings - 1) * n
    tris += [(last + i, last + (i + 1) % n, pole) for i in range(n)]
    t_arr = np.asarray(tris, dtype=np.int64)
    cent = verts[t_arr].mean(axis=1)
    return verts, orient(verts, t_arr, cent - c)


def _neck(rings: int = 10, around: int = 24) -> tuple[F64, F64, I64]:
    """Elliptic tube: vertices, their head blend (0 at the bottom … 1 above the pivot), tris."""
    ys = np.linspace(NECK_Y_MM[0], NECK_Y_MM[1], rings)
    ang = np.linspace(0, 2 * np.pi, around, endpoint=False)
    xx = NECK_RADII_MM[0] * np.sin(ang)
    zz = NECK_CENTRE_Z_MM + NECK_RADII_MM[1] * np.cos(ang)
    verts = np.asarray([(x, y, z) for y in ys for x, z in zip(xx, zz, strict=True)])
    s = np.clip((verts[:, 1] - NECK_Y_MM[0]) / (PIVOT_MM[1] - NECK_Y_MM[0]), 0.0, 1.0)
    blend = 3 * s * s - 2 * s**3
    tris = []
    for k in range(rings - 1):
        for i in range(around):
            a, b = k * around + i, k * around + (i + 1) % around
            tris += [(a, b, b + around), (a, b + around, a + around)]
    t_arr = np.asarray(tris, dtype=np.int64)
    cent = verts[t_arr].mean(axis=1)
    outward = cent - np.column_stack([np.zeros(len(cent)), cent[:, 1], np.full(len(cent), -72.0)])
    return verts, blend, orient(verts, t_arr, outward)


def _ellipse_radius(u: F64 | float, v: F64 | float) -> F64:
    """Elliptic radius of photo pixel (u, v) about the collar ring (1 = its outer edge)."""
    return np.asarray(
        np.hypot(
            (u - _RING_CENTRE_PX[0]) / _RING_SEMI_AXES_PX[0],
            (v - _RING_CENTRE_PX[1]) / _RING_SEMI_AXES_PX[1],
        ),
        dtype=np.float64,
    )


def _torso(photo: NDArray[np.uint8], to_model: F64, step: int = 3) -> tuple[F64, I64, F64]:
    """Curved surface over the photo's space suit: vertices (mm), tris, uv (photo px)."""
    import cv2

    outline = np.asarray(_TORSO_OUTLINE_PX, dtype=np.float32)
    hsv = cv2.cvtColor(photo, cv2.COLOR_BGR2HSV)
    vv_px, uu_px = np.mgrid[: photo.shape[0], : photo.shape[1]]
    backdrop = (  # pale grey wall above the shoulders, outside the collar's lining
        (hsv[..., 1] < 24) & (hsv[..., 2] > 190) & (vv_px < 260)
        & (_ellipse_radius(uu_px.astype(float), vv_px.astype(float)) > 0.85)
    )  # fmt: skip
    backdrop = cv2.dilate(backdrop.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    us = np.arange(14, 376, step, dtype=np.float64)
    vs = np.arange(136, 476, step, dtype=np.float64)
    uu, vv = np.meshgrid(us, vs)
    uv = np.column_stack([uu.ravel(), vv.ravel()])
    xy = (uv - to_model[:2]) * to_model[2] * np.array([1.0, -1.0])
    ring = _ellipse_radius(uv[:, 0], uv[:, 1])
    dy = np.clip((uv[:, 1] - _RING_CENTRE_PX[1]) / _RING_SEMI_AXES_PX[1], -1, 1)
    chest = -40.0 - xy[:, 0] ** 2 / 700.0
    collar = -95.0 + 65.0 * dy - np.where(ring < 0.8, 20.0, 0.0)
    z = np.where(ring < 1.05, np.minimum(collar, chest + 8.0), chest)
    verts = np.column_stack([xy, z])
    nu = len(us)
    tris = []
    for j in range(len(vs) - 1):
        for i in range(nu - 1):
            cu, cv = us[i] + step / 2, vs[j] + step / 2
            if (
                cv2.pointPolygonTest(outline, (float(cu), float(cv)), False) < 0
                or backdrop[int(cv), int(cu)]
            ):
                continue
            a = j * nu + i
            tris += [(a, a + nu, a + 1), (a + 1, a + nu, a + nu + 1)]
    t_arr = np.asarray(tris, dtype=np.int64)
    return verts, orient(verts, t_arr, np.tile([0.0, 0.0, 1.0], (len(t_arr), 1))), uv


@cache
def scene_model(name: str = DEFAULT_IDENTITY) -> SceneModel:
    """Build (once per process and identity) the person to render; see the module docstring
    and :mod:`cdcare.video.synth_identity`."""
    ident = identity(name)
    photo = source_photo()
    lm = photo_landmarks(photo)
    eyes = (468, 473)  # right iris centre (image left), left iris centre (image right)
    origin = lm[list(eyes)].mean(axis=0)
    scale = IPD_MM / float(np.linalg.norm(lm[eyes[1], :2] - lm[eyes[0], :2]))
    flip = np.array([1.0, -1.0, -1.0])
    face = (lm - origin) * scale * flip
    neutral = neutralising_rotation(face)
    face = face @ neutral
    if ident.procedural:  # keep the 2-D feature positions, replace all depth
        anchors = {k: float(face[k, 1]) for k in (NASION, NOSE_TIP, SUBNASALE, LIP, CHIN)}
        xy = warp_jaw(face[:, :2], anchors, ident)
        face = np.column_stack([xy, face_depth(xy, anchors, ident)])
    ftris, loops = face_triangles()
    oval = loops[0]
    extra_v: list[F64] = []
    extra_t: list[tuple[int, int, int]] = []
    for hole in loops[1:]:  # fan-fill the eyes and the mouth from their centroid
        centre = len(face) + len(extra_v)
        extra_v.append(face[hole].mean(axis=0))
        extra_t += [(hole[i], hole[(i + 1) % len(hole)], centre) for i in range(len(hole))]
    uv_face = np.concatenate([lm[:, :2], [lm[h, :2].mean(axis=0) for h in loops[1:]]])
    mid = uv_face[oval].mean(axis=0)  # pull the oval's texture inside the photo's face edge
    uv_face[oval] = mid + 0.92 * (uv_face[oval] - mid)
    face = np.concatenate([face, np.asarray(extra_v)])
    ftris = np.concatenate([ftris, np.asarray(extra_t, dtype=np.int64)])

    skull_v, skull_t = _skull(
        face[oval], semi_axes=PROCEDURAL_SEMI_AXES_MM if ident.procedural else HEAD_SEMI_AXES_MM
    )
    skull_idx = np.concatenate([np.asarray(oval), len(face) + np.arange(len(skull_v) - len(oval))])
    verts = np.concatenate([face, skull_v[len(oval) :]])
    skull_t = skull_idx[skull_t]
    head_t = orient_manifold(
        verts, np.concatenate([ftris, skull_t]), np.array([0.0, 0.0, 1.0]), seeds=len(ftris)
    )
    ftris, skull_t = head_t[: len(ftris)], head_t[len(ftris) :]
    corners = verts[skull_t]
    cent = corners.mean(axis=1)
    hair = (cent[:, 1] > HAIR_BOTTOM_Y_MM) | (cent[:, 2] < HEAD_CENTRE_MM[2] - 20.0)
    hair_uv = np.stack([1024.0 + 200.0 + corners[..., 2], 128.0 - 0.9 * corners[..., 1]], -1)
    photo_uv = ((corners @ neutral.T) * flip / scale + origin)[..., :2]
    (hu, hv), (ha, hb) = _HAIR_ELLIPSE_PX
    inside = ((photo_uv[..., 0] - hu) / ha) ** 2 + ((photo_uv[..., 1] - hv) / hb) ** 2 < 1.0
    front = inside.all(axis=1) & (cent[:, 2] > HEAD_CENTRE_MM[2])
    skull_uv = np.where(hair[:, None, None], hair_uv, np.asarray(SKIN_UV))
    skull_uv = np.where(front[:, None, None], photo_uv, skull_uv)
    if ident.ears:
        for side in (1.0, -1.0):
            centre = np.asarray(EAR_CENTRE_MM) * np.array([side, 1.0, 1.0])
            ear_v, ear_t = ear_mesh(side, centre)
            ear_t = ear_t + len(verts)
            verts = np.concatenate([verts, ear_v])
            ear_t = orient(verts, ear_t, verts[ear_t].mean(axis=1) - centre)
            skull_t = np.concatenate([skull_t, ear_t])
            skull_uv = np.concatenate(
                [skull_uv, np.broadcast_to(np.asarray(SKIN_UV), (len(ear_t), 3, 2))]
            )
    if ident.size != 1.0:
        pivot = np.asarray(PIVOT_MM)
        verts = pivot + ident.size * (verts - pivot)
    n_head = len(verts)

    neck_v, neck_blend, neck_t = _neck()
    neck_t = neck_t + n_head
    verts = np.concatenate([verts, neck_v])
    torso_v, torso_t, torso_uv = _torso(photo, np.array([origin[0], origin[1], scale]))
    torso_t = torso_t + len(verts)
    verts = np.concatenate([verts, torso_v])
    blend = np.concatenate([np.ones(n_head), neck_blend, np.zeros(len(torso_v))])
    tris = np.concatenate([ftris, skull_t, neck_t, torso_t])
    uv = np.concatenate(
        [
            uv_face[ftris],
            skull_uv,
            np.broadcast_to(np.asarray(DARK_UV), (len(neck_t), 3, 2)),
            (torso_uv + np.array([512.0, 0.0]))[torso_t - (len(verts) - len(torso_v))],
        ]
    ).astype(np.float32)
    lit = np.zeros(len(tris), bool)
    lit[len(ftris) : len(ftris) + len(skull_t) + len(neck_t)] = True
    torso_mask = np.zeros(len(tris), bool)
    torso_mask[len(tris) - len(torso_t) :] = True
    neck_mask = np.zeros(len(tris), bool)
    neck_mask[len(ftris) + len(skull_t) : len(ftris) + len(skull_t) + len(neck_t)] = True
    return SceneModel(
        verts=verts,
        blend=blend,
        tris=tris,
        uv=uv,
        lit=lit,
        normals0=vertex_normals(verts, tris),
        torso=torso_mask,
        neck=neck_mask,
        atlas=_textures(photo, lm, oval, ident),
        iod_mm=IPD_MM * ident.size,
    )
