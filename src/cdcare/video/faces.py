"""Several faces in a clip: which one is measured, and the image regions the models then see.

The face mesh and the pose model each track ONE person, whichever they find first. When the
full-range face detector counts two or more faces (:class:`FaceChooser`), the pipeline measures
the LARGEST face, as the ``multiple_faces`` quality warning says: :func:`choose_face` picks the
detector box with the largest area, and among boxes of similar size (area ≥
:data:`SIMILAR_AREA` × the largest) the one whose centre is nearest to the previous choice, so
the measured person does not jump between two faces of about the same size. From then on the
face mesh runs on a crop around the chosen face (:func:`face_region`) and the pose model on a
crop around that person's head and shoulders (:func:`body_region`); their landmarks are mapped
back to whole-frame pixels. A one-face clip is processed on whole frames as before.

Boxes are ``(x0, y0, x1, y1)`` image pixels (x right, y down).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]

SIMILAR_AREA = 0.8
"""Boxes with at least this share of the largest box's area count as the same size."""
FACE_MARGIN = 0.8
"""The face-mesh crop extends the face box by this share of its size on every side."""
REGION_MOVE = 0.15
"""The crop follows the chosen face when its centre moved more than this share of its width
(a crop that jumps every frame would upset the mesh's tracking)."""


def area(box: Box) -> float:
    """Area of a box (pixels²)."""
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def centre(box: Box) -> tuple[float, float]:
    """Centre (x, y) of a box, pixels."""
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def choose_face(boxes: Sequence[Box], previous: tuple[float, float] | None) -> int:
    """Index of the face to measure (module docstring): the largest box; among boxes of
    similar size the one nearest to ``previous`` (the last chosen centre, pixels) if given."""
    areas = [area(b) for b in boxes]
    largest = max(areas)
    similar = [i for i, a in enumerate(areas) if a >= SIMILAR_AREA * largest]
    if previous is None or len(similar) == 1:
        return max(similar, key=lambda i: areas[i])
    px, py = previous

    def distance(i: int) -> float:
        cx, cy = centre(boxes[i])
        return math.hypot(cx - px, cy - py)

    return min(similar, key=distance)


def _clip(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return max(0, int(x0)), max(0, int(y0)), min(width, math.ceil(x1)), min(height, math.ceil(y1))


def face_region(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """The face-mesh crop (x0, y0, x1, y1 integer pixels, inside the frame) around a face box."""
    w, h = box[2] - box[0], box[3] - box[1]
    m = FACE_MARGIN * max(w, h)
    return _clip((box[0] - m, box[1] - m, box[2] + m, box[3] + m), width, height)


def body_region(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """The pose crop around a face box: 3 face widths to each side, 1.5 face heights above
    and 5 below (head, neck and shoulders), inside the frame."""
    w, h = box[2] - box[0], box[3] - box[1]
    cx = (box[0] + box[2]) / 2
    return _clip((cx - 3 * w, box[1] - 1.5 * h, cx + 3 * w, box[3] + 5 * h), width, height)


@dataclass
class FaceChooser:
    """Per-clip state: whether several faces were seen, and the chosen face's box."""

    several: bool = False
    box: Box | None = None

    def update(self, boxes: Sequence[Box]) -> None:
        """Feed the detector's boxes of one frame (in time order)."""
        if len(boxes) >= 2:
            self.several = True
        if not self.several or not boxes:
            return
        previous = centre(self.box) if self.box is not None else None
        chosen = boxes[choose_face(boxes, previous)]
        if self.box is None:
            self.box = chosen
            return
        (cx, cy), (px, py) = centre(chosen), centre(self.box)
        moved = math.hypot(cx - px, cy - py) > REGION_MOVE * (self.box[2] - self.box[0])
        resized = abs(area(chosen) / max(area(self.box), 1.0) - 1.0) > 2 * REGION_MOVE
        if moved or resized:
            self.box = chosen


__all__ = ["Box", "FaceChooser", "area", "body_region", "choose_face", "face_region"]
