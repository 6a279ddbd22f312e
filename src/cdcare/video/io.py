"""Video decoding: stream frames with their real timestamps, never the whole video in memory.

Two backends share the :class:`VideoSource` protocol:

* :class:`OpenCVVideo` reads a file with OpenCV (FFmpeg backend). Each frame's timestamp is the
  decoder's presentation time (``CAP_PROP_POS_MSEC``), so variable-frame-rate phone videos keep
  their true timing; the nominal container fps is used only as a fallback. OpenCV applies the
  container's rotation metadata (``CAP_PROP_ORIENTATION_AUTO``), so portrait phone videos come out
  upright; width and height are those of the decoded (rotated) frames.
* :class:`MemoryVideo` serves frames held in a list (tests, synthetic clips).

Frames are BGR ``uint8`` arrays of shape (height, width, 3); timestamps are seconds from the
start of the video.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from cdcare.errors import N_, VideoError

Frame = npt.NDArray[np.uint8]


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence file descriptor 2 for a short block (FFmpeg and MediaPipe start-up chatter,
    written by native code that Python logging cannot reach). Use only around calls whose
    failures are reported by return values or exceptions."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # no real stderr (e.g. captured): nothing to do
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


@dataclass(frozen=True)
class VideoInfo:
    """What is known about a video before decoding it all.

    ``fps`` is frames per second (nominal, from the container), ``frames`` the container's frame
    count (0 if unknown), ``width``/``height`` pixels of the decoded frames, ``rotation_deg`` the
    rotation metadata that was applied (degrees clockwise, 0 if none).
    """

    fps: float
    frames: int
    width: int
    height: int
    rotation_deg: int = 0


class VideoSource(Protocol):
    """Anything that yields ``(t_s, bgr_frame)`` pairs in time order."""

    @property
    def info(self) -> VideoInfo: ...

    def frames(self) -> Iterator[tuple[float, Frame]]: ...


class MemoryVideo:
    """Frames held in memory with explicit timestamps (seconds) or a constant ``fps``."""

    def __init__(
        self,
        frames: Sequence[Frame],
        *,
        fps: float = 30.0,
        timestamps: Sequence[float] | None = None,
    ) -> None:
        if not frames:
            raise VideoError(N_("The video has no frames"))
        if timestamps is not None and len(timestamps) != len(frames):
            raise ValueError("timestamps and frames differ in length")
        self._frames = list(frames)
        self._t = (
            [float(t) for t in timestamps]
            if timestamps is not None
            else [i / fps for i in range(len(frames))]
        )
        h, w = self._frames[0].shape[:2]
        self._info = VideoInfo(fps=float(fps), frames=len(frames), width=w, height=h)

    @property
    def info(self) -> VideoInfo:
        """Size and nominal rate of the clip."""
        return self._info

    def frames(self) -> Iterator[tuple[float, Frame]]:
        """Yield ``(t_s, frame)`` in order."""
        yield from zip(self._t, self._frames, strict=True)


class OpenCVVideo:
    """A video file decoded lazily with OpenCV; raises :class:`VideoError` if undecodable."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise VideoError(N_("Video file not found: {path}"), path=str(self.path))
        if self.path.stat().st_size == 0:
            raise VideoError(N_("The video file is empty: {path}"), path=str(self.path))
        cap = self._open()
        try:
            ok, first = cap.read()
            if not ok or first is None:
                raise VideoError(
                    N_("Cannot decode {path} as a video (not a video, or damaged)"),
                    path=str(self.path),
                )
            fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
            count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
            rotation = int(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0)
        finally:
            cap.release()
        h, w = first.shape[:2]
        self._info = VideoInfo(
            fps=fps if 0 < fps < 1000 else 30.0,
            frames=max(count, 0),
            width=int(w),
            height=int(h),
            rotation_deg=rotation,
        )

    def _open(self) -> cv2.VideoCapture:
        with quiet_native_stderr():
            cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        if not cap.isOpened():
            cap.release()
            raise VideoError(
                N_("Cannot decode {path} as a video (not a video, or damaged)"),
                path=str(self.path),
            )
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        return cap

    @property
    def info(self) -> VideoInfo:
        """Size, nominal rate, frame count and applied rotation of the file."""
        return self._info

    def frames(self) -> Iterator[tuple[float, Frame]]:
        """Yield ``(t_s, frame)``; ``t_s`` from the decoder, monotonic, seconds from start."""
        cap = self._open()
        try:
            index = 0
            last = -1.0
            while True:
                ok, frame = cap.read()
                if not ok or frame is None:
                    break
                ms = float(cap.get(cv2.CAP_PROP_POS_MSEC))
                t = ms / 1000.0 if ms > 0 or index == 0 else index / self._info.fps
                if t <= last:  # missing or repeated timestamps: fall back to nominal spacing
                    t = last + 1.0 / self._info.fps
                last = t
                index += 1
                yield t, np.ascontiguousarray(frame, dtype=np.uint8)
        finally:
            cap.release()


def open_video(path: str | Path) -> OpenCVVideo:
    """Open a video file for streaming; :class:`VideoError` if it cannot be decoded."""
    return OpenCVVideo(path)


def write_video(path: str | Path, frames: Sequence[Frame], fps: float) -> Path:
    """Write BGR frames to an mp4 file (mp4v codec); for tests and synthetic clips."""
    out = Path(path)
    if not frames:
        raise ValueError("no frames to write")
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return out


__all__ = [
    "Frame",
    "MemoryVideo",
    "OpenCVVideo",
    "VideoInfo",
    "VideoSource",
    "open_video",
    "quiet_native_stderr",
    "write_video",
]
