"""The video measurement pipeline: frames → landmarks → angles, shifts, tremor, quality, TWSTRS.

``analyze_path(path)`` returns the docs/video.md video contract as a
:class:`cdcare.video.contract.VideoResult` (its JSON is ``model_dump(mode="json")``):
``video``, ``quality``, ``posture``, ``series``, ``tremor``, ``twstrs``, plus ``angles``
('absolute' or 'relative_to_reference') and ``reference`` (the neutral posture subtracted, if
any). Units and signs: :mod:`cdcare.video.headpose` (degrees) and :mod:`cdcare.video.shoulders`
(fractions).

Work per frame is bounded so that long videos stream in constant memory: the face mesh runs on
every frame; the pose model (≈5× slower) on every ``pose_stride``-th frame, and on every frame
where the face is lost or turned beyond ``POSE_EVERY_FRAME_DEG`` (where pose carries the yaw);
the face counter and image-quality probes on every ``probe_stride``-th frame. Only small
per-frame numbers are kept, never frames or landmark arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from cdcare.errors import N_, InputError, NoFaceError
from cdcare.video import headpose
from cdcare.video.contract import VideoResult
from cdcare.video.headpose import HeadAngles
from cdcare.video.io import Frame, VideoSource, open_video, quiet_native_stderr
from cdcare.video.landmarks import LandmarkModels
from cdcare.video.shoulders import measure_body
from cdcare.video.summary import (
    FrameRecord,
    fuse_all,
    posture_intervals,
    posture_medians,
    summarize,
)

POSE_EVERY_FRAME_DEG = 25.0
"""|face yaw| (degrees) beyond which pose runs on every frame."""

Progress = Callable[[int, int], None]


def _sharpness(gray: Frame, face: HeadAngles) -> float | None:
    """Variance of the Laplacian in a box around the face (grey levels²)."""
    if face.center_px is None or not face.scale_px:
        return None
    cx, cy = face.center_px
    half = 1.2 * face.scale_px
    h, w = gray.shape[:2]
    x0, x1 = max(0, int(cx - half)), min(w, int(cx + half))
    y0, y1 = max(0, int(cy - half)), min(h, int(cy + half))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return float(cv2.Laplacian(gray[y0:y1, x0:x1], cv2.CV_64F).var())


def measure_frames(
    source: VideoSource,
    *,
    mirrored: bool = False,
    pose_stride: int = 5,
    probe_stride: int = 10,
    progress: Progress | None = None,
) -> list[FrameRecord]:
    """Run the landmark models over the clip, one :class:`FrameRecord` per decoded frame.

    ``mirrored`` frames (selfie recordings) are flipped horizontally first, so that the
    patient's left is the image's right as in a camera facing the patient.
    """
    info = source.info
    records: list[FrameRecord] = []
    with quiet_native_stderr():
        models = LandmarkModels()
    with models:
        for i, (t, bgr) in enumerate(source.frames()):
            probe = 1 if i == 0 else probe_stride
            if i <= pose_stride:  # MediaPipe logs start-up warnings on its first inferences
                with quiet_native_stderr():
                    rec = _measure_one(models, i, t, bgr, mirrored, pose_stride, probe)
            else:
                rec = _measure_one(models, i, t, bgr, mirrored, pose_stride, probe)
            records.append(rec)
            if progress is not None:
                progress(i + 1, info.frames)
    return records


def _measure_one(
    models: LandmarkModels,
    i: int,
    t: float,
    bgr: Frame,
    mirrored: bool,
    pose_stride: int,
    probe_stride: int,
) -> FrameRecord:
    """Landmarks and per-frame measures of frame number ``i`` at ``t`` seconds."""
    frame = np.asarray(cv2.flip(bgr, 1), dtype=np.uint8) if mirrored else bgr
    h, w = frame.shape[:2]
    rgb = models.rgb(frame)
    n_faces = None
    if i % probe_stride == 0 or models.chooser.several:  # first: several faces → the largest
        n_faces = models.count_faces(rgb)
    mesh = models.face(rgb)
    face = headpose.face_angles(mesh.points) if mesh is not None else None
    rec = FrameRecord(t=t, face=face)
    if face is None or abs(face.yaw) > POSE_EVERY_FRAME_DEG or i % pose_stride == 0:
        pose = models.pose(rgb)
        if pose is not None:
            rec.pose_terms = headpose.pose_yaw_terms(pose, headpose.image_ear_axis_deg(face))
            rec.body = measure_body(
                pose,
                width=w,
                height=h,
                face_center_px=face.center_px if face else None,
                face_scale_px=face.scale_px if face else None,
                head_rotation=face.camera_rotation() if face else None,
            )
    if i % probe_stride == 0:
        rec.n_faces = n_faces
        gray = np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        rec.brightness = float(gray.mean())
        if face is not None:
            rec.sharpness = _sharpness(gray, face)
    return rec


def parse_segment(text: str) -> tuple[float, float]:
    """``"START-END"`` (seconds, e.g. ``"0-4.5"``) as (start, end); InputError otherwise."""
    start, sep, end = text.strip().partition("-")
    try:
        segment = (float(start), float(end))
    except ValueError:
        segment = (-1.0, -1.0)
    if not sep or not 0.0 <= segment[0] < segment[1] or not np.all(np.isfinite(segment)):
        raise InputError(
            N_("The neutral segment must be START-END in seconds, e.g. 0-5 (got {value})."),
            value=text,
        )
    return segment


def clip_duration(t_s: Sequence[float]) -> float:
    """Seconds covered by frames at times ``t_s``: the last time plus one mean frame interval."""
    if not t_s:
        return 0.0
    step = (t_s[-1] - t_s[0]) / (len(t_s) - 1) if len(t_s) > 1 else 0.0
    return float(t_s[-1] + step)


def segment_reference(
    records: Sequence[FrameRecord], segment: tuple[float, float]
) -> dict[str, float | None]:
    """The neutral posture (posture medians) of the frames within ``segment`` (start, end
    seconds, inclusive) of a measured clip. InputError when it covers every frame (nothing left
    to measure) or does not lie within the clip (its end beyond the last frame plus one frame
    interval); NoFaceError when no frame in it has a head angle."""
    start, end = segment
    inside = [r for r in records if start <= r.t <= end]
    if records and len(inside) == len(records):
        raise InputError(
            N_("The neutral segment covers the whole clip: nothing is left to measure.")
        )
    duration = clip_duration([r.t for r in records])
    if end > duration + 1e-6:
        raise InputError(
            N_("The neutral segment {start}–{end} s is not within the clip (0–{duration} s)."),
            start=f"{start:g}",
            end=f"{end:g}",
            duration=f"{duration:.1f}",
        )
    fuse_all(records, headpose.calibration())
    if not any(r.fused is not None and r.fused.roll is not None for r in inside):
        raise NoFaceError(
            N_("No usable face was found in the neutral segment {start}–{end} s."),
            start=start,
            end=end,
        )
    return posture_medians(inside)


def analyze(
    source: VideoSource,
    *,
    mirrored: bool = False,
    reference: dict[str, float | None] | None = None,
    reference_name: str | None = None,
    neutral_segment: tuple[float, float] | None = None,
    lang: str = "en",
    progress: Progress | None = None,
) -> VideoResult:
    """Measure a clip and return the video-contract object (see module docstring).

    ``neutral_segment`` (start, end seconds; instead of ``reference``): the patient holds the
    neutral posture in that part of this clip; it becomes the reference, and the rest of the
    clip is reported relative to it (the result's ``reference.segment_s`` says which part).
    """
    records = measure_frames(source, mirrored=mirrored, progress=progress)
    if neutral_segment is not None:
        reference = segment_reference(records, neutral_segment)
    return summarize(
        records,
        source.info,
        lang=lang,
        reference=reference,
        reference_name=reference_name,
        reference_segment=neutral_segment,
    )


def neutral_posture(source: VideoSource, *, mirrored: bool = False) -> dict[str, float | None]:
    """The person's own neutral posture (contract posture medians) from a reference clip."""
    records = measure_frames(source, mirrored=mirrored)
    if not any(r.face is not None for r in records):
        raise NoFaceError(N_("No usable face was found in the reference video."))
    fuse_all(records, headpose.calibration())
    return posture_medians(records)


def analyze_path(
    path: str | Path,
    *,
    mirrored: bool = False,
    reference: str | Path | None = None,
    neutral_segment: tuple[float, float] | None = None,
    lang: str = "en",
    progress: Progress | None = None,
) -> VideoResult:
    """Measure a video file, optionally against a neutral reference video (same mirroring) or
    a neutral segment of the file itself (``neutral_segment``, seconds; see :func:`analyze`)."""
    source = open_video(path)
    neutral = None
    if reference is not None:
        neutral = neutral_posture(open_video(reference), mirrored=mirrored)
    return analyze(
        source,
        mirrored=mirrored,
        reference=neutral,
        reference_name=str(reference if reference is not None else path)
        if reference is not None or neutral_segment is not None
        else None,
        neutral_segment=neutral_segment,
        lang=lang,
        progress=progress,
    )


__all__ = [
    "FrameRecord",
    "analyze",
    "analyze_path",
    "clip_duration",
    "measure_frames",
    "neutral_posture",
    "parse_segment",
    "posture_intervals",
    "posture_medians",
    "segment_reference",
    "summarize",
]
