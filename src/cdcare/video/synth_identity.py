"""Synthetic test identities for ``cdcare synth --identity NAME``: parametric head geometry.

``astronaut`` is the original head: its face depth is MediaPipe's own estimate from the
scikit-image portrait (so a MediaPipe-based measurement tested on it is partly tested on
geometry it produced). Every other identity keeps only the photo's frontal 2-D feature
positions and its texture (where the eyes, nose and mouth are drawn) and replaces all depth
with a procedural face surface defined here from anthropometric proportions, not by any
landmark model: a face ellipsoid receding toward the ears, eye sockets, brow ridge, nose
(bridge to tip, width, length), lips, chin; the lower face is widened or narrowed (jaw), the
whole head scaled about the neck pivot (head size); ears, a hair cap and the skin tone vary too,
and so does the camera (focal length 1.0–1.75 × the frame height, phone main and selfie cameras
to a short tele, at the distance that keeps the head the same size in the frame).

Depths are millimetres in the model frame of :mod:`cdcare.video.synth_model` (+Z forward, the
iris centres at z = 0). The proportions are plausible adult values chosen for variety (nasal tip
protrusion 14–24 mm, face depth from the nasion to the tragus 60–90 mm), not measurements of
anyone. Limitation: all identities share one face photograph as texture (tinted per identity);
they differ in 3-D shape, size, tone and camera, not in the drawn features.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from cdcare.errors import N_, InputError

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

# MediaPipe face-mesh indices of the anchors the procedural surface is placed by (their 2-D
# positions only): nasion, nose tip, subnasale, upper-lip inner, chin (menton).
NASION, NOSE_TIP, SUBNASALE, LIP, CHIN = 168, 1, 2, 13, 152


@dataclass(frozen=True)
class Identity:
    """One synthetic person. ``procedural`` False = the astronaut's MediaPipe-derived depth.

    ``depth`` scales how far the face recedes toward the ears (1 ≈ 95 mm); ``nose_mm`` nasal tip
    protrusion ahead of the face surface; ``nose_width_mm`` half-width (Gaussian σ) at the base;
    ``jaw`` horizontal scale of the face below the nose; ``brow_mm``/``chin_mm`` forward bulge;
    ``size`` head scale about the neck pivot; ``skin``/``hair`` BGR gains on the texture;
    ``focal`` camera focal length in frame heights; ``ears`` whether ears are modelled.
    """

    name: str
    procedural: bool = True
    depth: float = 1.0
    nose_mm: float = 18.0
    nose_width_mm: float = 13.0
    jaw: float = 1.0
    brow_mm: float = 4.0
    chin_mm: float = 3.0
    size: float = 1.0
    skin: tuple[float, float, float] = (1.0, 1.0, 1.0)
    hair: tuple[float, float, float] = (1.0, 1.0, 1.0)
    focal: float = 1.75
    ears: bool = True


IDENTITIES: Final[dict[str, Identity]] = {
    i.name: i
    for i in (
        Identity("astronaut", procedural=False, ears=False),
        Identity("ana", focal=1.2),
        Identity(
            "bora", depth=0.85, nose_mm=14.0, nose_width_mm=15.0, jaw=1.08, brow_mm=2.0,
            chin_mm=1.0, size=0.95, skin=(0.85, 0.9, 0.95), hair=(0.45, 0.45, 0.45), focal=1.0,
        ),
        Identity(
            "chidi", depth=1.1, nose_mm=16.0, nose_width_mm=17.0, jaw=1.05, brow_mm=5.0,
            chin_mm=4.0, size=1.05, skin=(0.55, 0.6, 0.68), hair=(0.3, 0.3, 0.3), focal=1.4,
        ),
        Identity(
            "dara", depth=1.2, nose_mm=24.0, nose_width_mm=12.0, jaw=0.92, brow_mm=7.0,
            chin_mm=6.0, size=1.08, skin=(1.02, 1.0, 1.06), hair=(0.8, 1.1, 1.2), focal=1.75,
        ),
        Identity(
            "eun", depth=0.92, nose_mm=15.0, nose_width_mm=14.0, jaw=0.95, brow_mm=3.0,
            chin_mm=2.0, size=0.92, skin=(0.92, 0.96, 1.0), hair=(0.5, 0.55, 0.6), focal=1.1,
        ),
        Identity(
            "farid", depth=1.05, nose_mm=21.0, nose_width_mm=15.0, jaw=1.1, brow_mm=6.0,
            chin_mm=5.0, size=1.04, skin=(0.72, 0.8, 0.86), hair=(1.3, 1.3, 1.3), focal=1.3,
        ),
    )
}  # fmt: skip
DEFAULT_IDENTITY: Final = "ana"


def identity(name: str) -> Identity:
    """The identity called ``name``; InputError listing the known ones otherwise."""
    try:
        return IDENTITIES[name]
    except KeyError:
        raise InputError(
            N_("Unknown synthetic identity {name} (known: {known})"),
            name=name,
            known=", ".join(IDENTITIES),
        ) from None


def _gauss(x: F64, y: F64, cx: float, cy: float, sx: float, sy: float) -> F64:
    return np.asarray(np.exp(-(((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2) / 2), np.float64)


def face_depth(xy: F64, anchors_y: dict[int, float], ident: Identity) -> F64:
    """Procedural depth z (mm, + forward) of face points at model (x, y) mm (module docstring).

    ``anchors_y`` gives the y (mm) of the anchor landmarks (NASION … CHIN).
    """
    x, y = xy[:, 0], xy[:, 1]
    y_n, y_t, y_s = anchors_y[NASION], anchors_y[NOSE_TIP], anchors_y[SUBNASALE]
    y_m, y_c = anchors_y[LIP], anchors_y[CHIN]
    z0, cz, yc = 17.0, 95.0 * ident.depth, -25.0
    a = np.where(y > -20.0, 70.0, 70.0 - 8.0 * np.clip((-20.0 - y) / 90.0, 0.0, 1.0))
    b = np.where(y > yc, 150.0, 120.0)
    r2 = (x / a) ** 2 + ((y - yc) / b) ** 2
    z = z0 - cz * (1.0 - np.sqrt(np.clip(1.0 - r2, 0.0, None))) - 15.0 * np.clip(x / a, -1, 1) ** 2
    z -= 5.0 * (_gauss(np.abs(x), y, 32.0, 0.0, 13.0, 9.0))  # eye sockets
    z += ident.brow_mm * _gauss(np.abs(x), y, 30.0, 20.0, 16.0, 6.0)
    t = np.clip((y_n - y) / (y_n - y_t), 0.0, 1.0)
    above = ident.nose_mm * (0.15 + 0.85 * t**1.2)
    below = ident.nose_mm * np.exp(-(((y_t - y) / 3.5) ** 2))
    prof = np.where(y >= y_t, np.where(y <= y_n + 4.0, above, 0.0), below)
    sigma = np.where(y >= y_t, 6.0 + (ident.nose_width_mm - 6.0) * t, ident.nose_width_mm)
    z += prof * np.exp(-((x / sigma) ** 2) / 2)
    z += 3.0 * _gauss(x, y, 0.0, y_m, 20.0, 8.0)  # lips
    z += 2.0 * _gauss(x, y, 0.0, (y_s + y_m) / 2, 14.0, 5.0)  # upper lip over the teeth
    z += ident.chin_mm * _gauss(x, y, 0.0, y_c + 14.0, 18.0, 10.0)
    return np.asarray(z, np.float64)


def warp_jaw(xy: F64, anchors_y: dict[int, float], ident: Identity) -> F64:
    """Scale x below the nose tip by ``jaw`` (smoothly from 1 at the tip to ``jaw`` at the lip)."""
    y_t, y_m = anchors_y[NOSE_TIP], anchors_y[LIP]
    s = np.clip((y_t - xy[:, 1]) / (y_t - y_m), 0.0, 1.0)
    out = xy.copy()
    out[:, 0] *= 1.0 + (ident.jaw - 1.0) * s
    return out


def ear_mesh(side: float, centre: F64, rings: int = 8, around: int = 12) -> tuple[F64, I64]:
    """A closed ear-shaped flattened ellipsoid on one side (+1 patient's left, −1 right).

    Returns (vertices mm, triangle vertex indices); semi-axes 9 (out), 31 (up), 17 (back) mm,
    tilted 15° back at the top.
    """
    th = np.linspace(0.0, np.pi, rings + 2)[1:-1]
    ph = np.linspace(0.0, 2 * np.pi, around, endpoint=False)
    tt, pp = np.meshgrid(th, ph, indexing="ij")
    unit = np.column_stack(
        [(np.sin(tt) * np.cos(pp)).ravel(), np.cos(tt).ravel(), (np.sin(tt) * np.sin(pp)).ravel()]
    )
    unit = np.vstack([unit, [0.0, 1.0, 0.0], [0.0, -1.0, 0.0]])
    pts = unit * np.array([9.0, 31.0, 17.0])
    a = np.radians(15.0)
    rot = np.array([[1, 0, 0], [0, np.cos(a), np.sin(a)], [0, -np.sin(a), np.cos(a)]])
    verts = pts @ rot.T * np.array([side, 1.0, 1.0]) + centre
    tris = []
    for k in range(rings - 1):
        for i in range(around):
            p, q = k * around + i, k * around + (i + 1) % around
            tris += [(p, q, q + around), (p, q + around, p + around)]
    top, bottom = len(unit) - 2, len(unit) - 1
    tris += [(top, (i + 1) % around, i) for i in range(around)]
    last = (rings - 1) * around
    tris += [(bottom, last + i, last + (i + 1) % around) for i in range(around)]
    return np.asarray(verts, np.float64), np.asarray(tris, np.int64)


__all__ = [
    "DEFAULT_IDENTITY",
    "IDENTITIES",
    "Identity",
    "ear_mesh",
    "face_depth",
    "identity",
    "warp_jaw",
]
