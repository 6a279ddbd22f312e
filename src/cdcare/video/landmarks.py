"""MediaPipe landmark models: face mesh (refined, 478 points), pose (33 points), face detector.

Only models bundled in the ``mediapipe==0.10.21`` wheel are used, so nothing is downloaded at
run time: face mesh with refined landmarks, pose with ``model_complexity=1`` (the only bundled
pose model; 0 and 2 download at first use) and the full-range face detector
(``model_selection=1``, to count faces).

Coordinates returned are in pixels of the frame given: x to the image right, y down; face-mesh
z is MediaPipe's relative depth scaled like x (pixels, smaller = closer to the camera). Pose
"left"/"right" landmarks are the person's own left/right as MediaPipe labels them on a
non-mirrored image.

Several faces (:mod:`cdcare.video.faces`): once the detector has counted two faces
(:meth:`LandmarkModels.face_boxes`), the face mesh and the pose model run on crops around the
largest face and its shoulders (separate model instances, so their tracking state is not
mixed with the whole-frame one), and their points are mapped back to whole-frame pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from cdcare.video.faces import Box, FaceChooser, body_region, face_region

FloatArray = npt.NDArray[np.float64]

# Pose landmark indices (MediaPipe BlazePose topology).
NOSE, LEFT_EYE, RIGHT_EYE, LEFT_EAR, RIGHT_EAR, LEFT_SHOULDER, RIGHT_SHOULDER = (
    0,
    2,
    5,
    7,
    8,
    11,
    12,
)


@dataclass(frozen=True)
class FaceLandmarks:
    """One face: ``points`` (478, 3) in pixels (x, y, depth z scaled like x)."""

    points: FloatArray


@dataclass(frozen=True)
class PoseLandmarks:
    """Body keypoints: ``points`` (33, 2) image pixels, ``visibility`` (33,) 0–1,
    ``world`` (33, 3) metres (MediaPipe world coordinates, origin between the hips, y down,
    z smaller = closer to the camera)."""

    points: FloatArray
    visibility: FloatArray
    world: FloatArray


def _mp() -> Any:
    import mediapipe as mp  # heavy import, deferred until a model is needed

    return mp


class LandmarkModels:
    """The three MediaPipe solutions in video (tracking) mode; use as a context manager.

    Frames must be fed in time order. Each call takes a BGR frame.
    """

    def __init__(self) -> None:
        mp = _mp()
        self._face = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False,
            max_num_faces=1,
            refine_landmarks=True,
            min_detection_confidence=0.5,
            # 0.2 kept the mesh to 65° of yaw but also kept stale, misaligned meshes after fast
            # moves; beyond 55° the pose keypoints take over anyway
            min_tracking_confidence=0.5,
        )
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,  # the only bundled pose model: never change
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )
        self._detector = mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=0.5
        )
        self.chooser = FaceChooser()
        self._crop_face: Any = None  # models on the chosen face's crop (several faces)
        self._crop_pose: Any = None

    def __enter__(self) -> LandmarkModels:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the MediaPipe graphs."""
        for model in (self._face, self._pose, self._detector, self._crop_face, self._crop_pose):
            if model is not None:
                model.close()

    @staticmethod
    def rgb(frame_bgr: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        """The RGB copy MediaPipe wants (convert once, pass to several models)."""
        return np.asarray(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)

    def _region(self, rgb: npt.NDArray[np.uint8], which: str) -> tuple[Any, int, int, Any]:
        """(model, x0, y0, image) for ``which`` 'face' or 'pose': the whole frame, or with
        several faces the crop around the chosen face (module docstring)."""
        box = self.chooser.box
        if box is None:
            return (self._face if which == "face" else self._pose), 0, 0, rgb
        h, w = rgb.shape[:2]
        if which == "face":
            if self._crop_face is None:
                self._crop_face = _mp().solutions.face_mesh.FaceMesh(
                    static_image_mode=False, max_num_faces=1, refine_landmarks=True,
                    min_detection_confidence=0.5, min_tracking_confidence=0.5,
                )  # fmt: skip
            model, (x0, y0, x1, y1) = self._crop_face, face_region(box, w, h)
        else:
            if self._crop_pose is None:
                self._crop_pose = _mp().solutions.pose.Pose(
                    static_image_mode=False, model_complexity=1, smooth_landmarks=True,
                    enable_segmentation=False, min_detection_confidence=0.5,
                    min_tracking_confidence=0.5,
                )  # fmt: skip
            model, (x0, y0, x1, y1) = self._crop_pose, body_region(box, w, h)
        return model, x0, y0, np.ascontiguousarray(rgb[y0:y1, x0:x1])

    def face(self, rgb: npt.NDArray[np.uint8]) -> FaceLandmarks | None:
        """Face-mesh landmarks of the measured face (whole-frame pixels), or None if no face."""
        model, x0, y0, img = self._region(rgb, "face")
        h, w = img.shape[:2]
        result = model.process(img)
        faces = result.multi_face_landmarks
        if not faces:
            return None
        pts = np.array(
            [(x0 + p.x * w, y0 + p.y * h, p.z * w) for p in faces[0].landmark], dtype=float
        )
        return FaceLandmarks(points=pts)

    def pose(self, rgb: npt.NDArray[np.uint8]) -> PoseLandmarks | None:
        """Pose keypoints (whole-frame pixels) with visibility and world coordinates, or None."""
        model, x0, y0, img = self._region(rgb, "pose")
        h, w = img.shape[:2]
        result = model.process(img)
        if result.pose_landmarks is None:
            return None
        lms = result.pose_landmarks.landmark
        pts = np.array([(x0 + p.x * w, y0 + p.y * h) for p in lms], dtype=float)
        vis = np.array([p.visibility for p in lms], dtype=float)
        if result.pose_world_landmarks is not None:
            world = np.array(
                [(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark], dtype=float
            )
        else:
            world = np.full((33, 3), np.nan)
        return PoseLandmarks(points=pts, visibility=vis, world=world)

    def face_boxes(self, rgb: npt.NDArray[np.uint8]) -> list[Box]:
        """Boxes (x0, y0, x1, y1 pixels) of the faces the full-range detector finds; they also
        update which face is measured (:class:`cdcare.video.faces.FaceChooser`)."""
        h, w = rgb.shape[:2]
        boxes: list[Box] = []
        for d in self._detector.process(rgb).detections or []:
            b = d.location_data.relative_bounding_box
            x0, y0 = b.xmin * w, b.ymin * h
            boxes.append((x0, y0, x0 + b.width * w, y0 + b.height * h))
        self.chooser.update(boxes)
        return boxes

    def count_faces(self, rgb: npt.NDArray[np.uint8]) -> int:
        """Number of faces the full-range face detector finds (see :meth:`face_boxes`)."""
        return len(self.face_boxes(rgb))


__all__ = [
    "LEFT_EAR",
    "LEFT_EYE",
    "LEFT_SHOULDER",
    "NOSE",
    "RIGHT_EAR",
    "RIGHT_EYE",
    "RIGHT_SHOULDER",
    "FaceLandmarks",
    "LandmarkModels",
    "PoseLandmarks",
]
