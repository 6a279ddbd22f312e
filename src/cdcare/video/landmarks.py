"""MediaPipe landmark models: face mesh (refined, 478 points), pose (33 points), face detector.

Only models bundled in the ``mediapipe==0.10.21`` wheel are used, so nothing is downloaded at
run time: face mesh with refined landmarks, pose with ``model_complexity=1`` (the only bundled
pose model; 0 and 2 download at first use) and the full-range face detector
(``model_selection=1``, to count faces).

Coordinates returned are in pixels of the frame given: x to the image right, y down; face-mesh
z is MediaPipe's relative depth scaled like x (pixels, smaller = closer to the camera). Pose
"left"/"right" landmarks are the person's own left/right as MediaPipe labels them on a
non-mirrored image.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

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
        for model in (self._face, self._pose, self._detector):
            model.close()

    @staticmethod
    def rgb(frame_bgr: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        """The RGB copy MediaPipe wants (convert once, pass to several models)."""
        return np.asarray(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)

    def face(self, rgb: npt.NDArray[np.uint8]) -> FaceLandmarks | None:
        """Face-mesh landmarks of the tracked face, or None if no face."""
        h, w = rgb.shape[:2]
        result = self._face.process(rgb)
        faces = result.multi_face_landmarks
        if not faces:
            return None
        pts = np.array([(p.x * w, p.y * h, p.z * w) for p in faces[0].landmark], dtype=float)
        return FaceLandmarks(points=pts)

    def pose(self, rgb: npt.NDArray[np.uint8]) -> PoseLandmarks | None:
        """Pose keypoints (pixels) with visibility and world coordinates, or None."""
        h, w = rgb.shape[:2]
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        lms = result.pose_landmarks.landmark
        pts = np.array([(p.x * w, p.y * h) for p in lms], dtype=float)
        vis = np.array([p.visibility for p in lms], dtype=float)
        if result.pose_world_landmarks is not None:
            world = np.array(
                [(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark], dtype=float
            )
        else:
            world = np.full((33, 3), np.nan)
        return PoseLandmarks(points=pts, visibility=vis, world=world)

    def count_faces(self, rgb: npt.NDArray[np.uint8]) -> int:
        """Number of faces the full-range face detector finds in the frame."""
        result = self._detector.process(rgb)
        return len(result.detections or [])


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
