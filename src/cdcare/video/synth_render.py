"""Posing, lighting and drawing one synthetic frame (used by :mod:`cdcare.video.synth`).

Sign conventions are those of :mod:`cdcare.video.synth` (the head is posed by
:func:`cdcare.video.angles.rotation_from_body_angles`, so its true angles are body-plane
projections, the convention the pipeline reports); the model frame is that of
:mod:`cdcare.video.synth_model` (mm, +X patient's left, +Y up, +Z forward).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from cdcare.video.angles import rotation_from_body_angles
from cdcare.video.synth import LIGHTING_HZ, FrameTruth, SynthSpec
from cdcare.video.synth_identity import identity
from cdcare.video.synth_mesh import rotation, vertex_normals
from cdcare.video.synth_model import PIVOT_MM, STERNUM_MM, SceneModel, scene_model
from cdcare.video.synth_raster import Camera, rasterise

F64 = NDArray[np.float64]
LIGHT = np.array([0.0, 0.35, 1.0]) / math.hypot(0.35, 1.0)  # from the camera, a little above


def _diffuse(cos: F64) -> F64:
    """Brightness of a surface whose normal makes angle acos(cos) with the light."""
    return np.asarray(0.45 + 0.55 * np.clip(cos, 0.0, 1.0), dtype=np.float64)


class Renderer:
    """Draws frames of one clip; the torso layer and background are made once per clip."""

    def __init__(self, spec: SynthSpec) -> None:
        self.spec = spec
        if spec.torso == "symmetric":
            from cdcare.video.synth_torso import symmetric_scene

            self.model: SceneModel = symmetric_scene(spec.identity, spec.shoulder_elevation)
        else:
            self.model = scene_model(spec.identity)
        self.camera = Camera.for_frame(spec.width, spec.height, identity(spec.identity).focal)
        self.rng = np.random.default_rng(spec.seed)
        self._bank: list[NDArray[np.float32]] = []
        m = self.model
        self.head_tris = m.tris[~m.torso]
        self.head_uv = m.uv[~m.torso]
        self.head_lit = m.lit[~m.torso]
        # Neck first, then the head: the neck's top end lies inside the head.
        self.priority = (~m.neck[~m.torso]).astype(np.int64)
        self.ref = _diffuse(m.normals0 @ LIGHT)  # photo's own (neutral) lighting per vertex
        self.background = self._background()
        self.torso_pts = self._torso_points()
        xy, depth = self.camera.project(self.torso_pts)
        t_tris = m.tris[m.torso]
        t_shade = np.ones(t_tris.shape)
        if m.torso_shaded:
            t_shade = _diffuse(vertex_normals(self.torso_pts, t_tris) @ LIGHT)[t_tris]
        torso = rasterise(xy, depth, t_tris, m.uv[m.torso], t_shade, m.atlas, self._size)
        self.torso_mask = np.zeros((spec.height, spec.width), bool)
        h, w = torso.mask.shape
        self.torso_mask[torso.y0 : torso.y0 + h, torso.x0 : torso.x0 + w] = torso.mask
        self.base = self.background.copy()  # backdrop with the (static) torso drawn on it
        torso.paste(self.base)

    def _noise(self) -> NDArray[np.float32]:
        """Unit Gaussian noise (h × w × 3): one of a few seeded fields, shifted at random."""
        if not self._bank:
            shape = (self.spec.height, self.spec.width, 3)
            self._bank = [self.rng.standard_normal(shape, np.float32) for _ in range(4)]
        field = self._bank[int(self.rng.integers(len(self._bank)))]
        dy, dx = (int(v) for v in self.rng.integers(0, field.shape[:2]))
        return np.roll(field, (dy, dx), axis=(0, 1))

    @property
    def _size(self) -> tuple[int, int]:
        return self.spec.width, self.spec.height

    def _background(self) -> NDArray[np.float32]:
        """A mottled studio backdrop (light grey-beige), fixed per seed."""
        w, h = self._size
        low = self.rng.normal(0.0, 9.0, (6, 8, 1)).astype(np.float32)
        blot = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC).reshape(h, w, 1)
        ramp = np.linspace(12.0, -12.0, h, dtype=np.float32)[:, None, None]
        return np.asarray(np.array([196, 198, 205], np.float32) + blot + ramp, np.float32)

    def _torso_points(self) -> F64:
        """Model vertices moved with the torso (shoulder elevation turns the photo torso about
        the sternum; the symmetric torso is built with its shoulder raised)."""
        if self.model.torso_shaded:
            return np.asarray(self.model.verts, dtype=np.float64)
        phi = math.degrees(math.asin(self.spec.shoulder_elevation))
        rz = rotation(0.0, 0.0, -phi)  # +phi lifts the +X (patient's left) shoulder
        st = np.asarray(STERNUM_MM)
        return np.asarray((self.model.verts - st) @ rz.T + st, dtype=np.float64)

    def posed(self, truth: FrameTruth) -> F64:
        """All model vertices in the camera's world frame for one frame's truth (mm)."""
        m = self.model
        torso = self.torso_pts
        pivot = np.asarray(PIVOT_MM)
        shift = m.iod_mm * np.array([truth.lateral_shift, 0.0, truth.sagittal_shift])
        out = torso.copy()
        for b in np.unique(m.blend[m.blend > 0]):
            sel = m.blend == b
            r = rotation_from_body_angles(
                b * truth.yaw_deg, b * truth.roll_deg, b * truth.pitch_deg
            )
            head = (m.verts[sel] - pivot) @ r.T + pivot + b * shift
            out[sel] = (1.0 - b) * torso[sel] + b * head
        return out

    def frame(self, truth: FrameTruth) -> NDArray[np.uint8]:
        """One BGR uint8 frame (height × width × 3) showing the pose in ``truth``."""
        m, spec = self.model, self.spec
        pts = self.posed(truth)
        normals = vertex_normals(pts, self.head_tris)
        lum = _diffuse(normals @ LIGHT)
        lum3 = lum[self.head_tris]
        rel = np.where(self.head_lit[:, None], lum3, lum3 / self.ref[self.head_tris])
        shade = np.clip(rel, 0.3, 1.3)
        xy, depth = self.camera.project(pts)
        out = self.base.copy()
        rasterise(
            xy, depth, self.head_tris, self.head_uv, shade, m.atlas, self._size, self.priority
        ).paste(out)
        out = np.asarray(cv2.GaussianBlur(out, (3, 3), 0.6), dtype=np.float32)
        out *= 1.0 + 0.3 * spec.lighting * math.sin(2 * math.pi * LIGHTING_HZ * truth.t_s)
        if spec.noise > 0:
            out += np.float32(6.0 * spec.noise) * self._noise()
        frame = np.clip(out, 0, 255).astype(np.uint8)
        if spec.noise > 0:
            quality = round(95 - 65 * spec.noise)
            ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
            if ok:
                frame = np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR), dtype=np.uint8)
        if spec.mirrored:
            frame = np.ascontiguousarray(frame[:, ::-1])
        return frame
