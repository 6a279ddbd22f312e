"""A small textured-triangle rasteriser for :mod:`cdcare.video.synth` (numpy + OpenCV).

Pinhole camera on the model's +Z axis looking toward −Z (see :mod:`cdcare.video.synth_model`
for the frame: +X = patient's left, +Y up). Triangles facing away from the camera are culled;
the rest are drawn far-to-near (painter's order by mean depth) into a triangle-index buffer with
``cv2.fillConvexPoly`` at 1/16-pixel precision; each covered pixel then gets
perspective-correct barycentric texture coordinates and shading, and the atlas is sampled
bilinearly with ``cv2.remap``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Camera:
    """Pinhole camera at (0, ``eye_y_mm``, ``distance_mm``) in the model frame, looking at −Z.

    ``focal_px`` is the focal length in pixels; the principal point is (``width``/2,
    ``centre_y``·height) in pixels (a shifted lens: the optical axis is not the image centre).
    Image x grows to the right (toward +X, the patient's left), image y grows downward.
    """

    width: int
    height: int
    focal_px: float
    distance_mm: float
    eye_y_mm: float
    centre_y: float = 0.5

    @classmethod
    def for_frame(cls, width: int, height: int, focal_heights: float = 1.75) -> Camera:
        """Head-and-shoulders framing: camera at eye height, eyes on the optical axis.

        The focal length is ``focal_heights`` × the frame height in pixels (1.75: 1.2 m away;
        about 1.0 is a phone's main or selfie camera, ~26 mm equivalent); the distance is set
        so that the head keeps the same size in the frame (1.2 m × focal_heights / 1.75).
        The neutral head is seen straight on (no perspective offset of its angles); the
        principal point sits at 42 % of the height so that the shoulders fit in the frame.
        """
        distance = 1200.0 * focal_heights / 1.75
        return cls(width, height, focal_heights * height, distance, 0.0, 0.42)

    def project(self, pts: F64) -> tuple[F64, F64]:
        """Image coordinates (N×2, pixels, pixel centres at integers) and depth (N, mm)."""
        depth = self.distance_mm - pts[:, 2]
        x = (self.width - 1) / 2 + self.focal_px * pts[:, 0] / depth
        y = self.centre_y * (self.height - 1) - self.focal_px * (pts[:, 1] - self.eye_y_mm) / depth
        return np.column_stack([x, y]), np.asarray(depth, dtype=np.float64)


@dataclass(frozen=True)
class Layer:
    """Rasterised triangles in a window of the frame: ``img`` (BGR float32 0..255) and
    ``mask`` (covered pixels) are ``h × w`` arrays whose top-left pixel is (``x0``, ``y0``)."""

    x0: int
    y0: int
    img: NDArray[np.float32]
    mask: NDArray[np.bool_]

    def paste(self, out: NDArray[np.float32]) -> None:
        """Copy the covered pixels into ``out`` (a full frame, modified in place)."""
        h, w = self.mask.shape
        window = out[self.y0 : self.y0 + h, self.x0 : self.x0 + w]
        window[self.mask] = self.img[self.mask]


def rasterise(
    xy: F64,
    depth: F64,
    tris: NDArray[np.int64],
    uv: NDArray[np.float32],
    shade: F64,
    atlas: NDArray[np.uint8],
    size: tuple[int, int],
    priority: NDArray[np.int64] | None = None,
) -> Layer:
    """Draw textured triangles into the window of the frame that they cover.

    ``xy``/``depth`` per vertex (pixels, mm); ``tris`` T×3 vertex indices, counter-clockwise
    seen from outside; ``uv`` T×3×2 atlas pixel coordinates per corner; ``shade`` T×3 brightness
    factor per corner; ``size`` = (width, height) of the frame; ``priority`` (T,) optional
    drawing layers: lower layers are drawn first whatever their depth (e.g. neck under head).
    """
    width, height = size
    p = xy[tris]
    e1, e2 = p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]
    area = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]  # < 0: counter-clockwise seen (y down)
    keep = np.flatnonzero(area < -1e-3)
    corners = p[keep].reshape(-1, 2)
    if not len(keep):
        return Layer(0, 0, np.zeros((0, 0, 3), np.float32), np.zeros((0, 0), bool))
    x0, y0 = (max(0, int(v) - 1) for v in np.floor(corners.min(axis=0)))
    x1 = min(width, int(np.ceil(corners[:, 0].max())) + 2)
    y1 = min(height, int(np.ceil(corners[:, 1].max())) + 2)
    if x1 <= x0 or y1 <= y0:
        return Layer(0, 0, np.zeros((0, 0, 3), np.float32), np.zeros((0, 0), bool))
    far_first = -depth[tris[keep]].mean(axis=1)
    layer = np.zeros(len(keep), np.int64) if priority is None else priority[keep]
    order = keep[np.lexsort((far_first, layer))]
    ids = np.zeros((y1 - y0, x1 - x0), np.int32)
    fixed = np.round((p - [x0, y0]) * 16.0).astype(np.int32)
    for k in order.tolist():
        cv2.fillConvexPoly(ids, fixed[k], k + 1, cv2.LINE_8, 4)
    ys, xs = np.nonzero(ids)
    k = ids[ys, xs] - 1
    a = p[k, 0]
    dx, dy = xs + x0 - a[:, 0], ys + y0 - a[:, 1]
    inv = 1.0 / area[k]
    l1 = (dx * e2[k, 1] - dy * e2[k, 0]) * inv
    l2 = (dy * e1[k, 0] - dx * e1[k, 1]) * inv
    lam = np.column_stack([1.0 - l1 - l2, l1, l2])
    lam = np.clip(lam, 0.0, 1.0) / depth[tris[k]]  # perspective-correct weights
    lam /= lam.sum(axis=1, keepdims=True)
    map_x = np.full(ids.shape, -1.0, np.float32)
    map_y = np.full(ids.shape, -1.0, np.float32)
    map_x[ys, xs] = np.einsum("ij,ij->i", lam, uv[k, :, 0])
    map_y[ys, xs] = np.einsum("ij,ij->i", lam, uv[k, :, 1])
    img = cv2.remap(atlas, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    out = np.asarray(img, dtype=np.float32)
    out[ys, xs] *= np.einsum("ij,ij->i", lam, shade[k]).astype(np.float32)[:, None]
    return Layer(x0, y0, out, ids > 0)
