"""From per-frame records to the video contract: fused angles, posture medians and their
intervals, the per-frame series, quality checks, tremor and the TWSTRS suggestion.

:func:`summarize` is the entry point; it returns :class:`cdcare.video.contract.VideoResult`.
Units and signs: :mod:`cdcare.video.headpose` (degrees) and :mod:`cdcare.video.shoulders`
(fractions).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from cdcare.clinical.video_twstrs import suggest
from cdcare.errors import N_, NoFaceError
from cdcare.video import headpose
from cdcare.video.angles import ANGLE_CONVENTION
from cdcare.video.contract import (
    CalibrationInfo,
    PoseYaw,
    Posture,
    PostureIntervals,
    Quality,
    QualityWarning,
    Reference,
    Series,
    Tremor,
    TwstrsSuggestion,
    VideoMeta,
    VideoResult,
    WithinNoise,
)
from cdcare.video.headpose import Calibration, HeadAngles, PoseYawModel
from cdcare.video.intervals import INTERVAL_LEVEL, posture_intervals
from cdcare.video.io import VideoInfo
from cdcare.video.quality import LIMITS, ClipStats, assess
from cdcare.video.shoulders import BodyMeasure
from cdcare.video.tremor import analyze_tremor

MIN_POSE_CONF = 0.5
POSTURE_KEYS = (
    "rotation_deg",
    "tilt_deg",
    "flexion_deg",
    "lateral_shift",
    "sagittal_shift",
    "shoulder_elevation",
)


@dataclass
class FrameRecord:
    """What was measured on one frame (None = not measured on this frame)."""

    t: float
    face: HeadAngles | None
    pose_terms: tuple[float, float, float] | None = None
    body: BodyMeasure | None = None
    n_faces: int | None = None
    brightness: float | None = None
    sharpness: float | None = None
    fused: HeadAngles | None = field(default=None)


def _fuse_all(records: Sequence[FrameRecord], cal: Calibration) -> PoseYawModel:
    """Fill ``fused`` angles for every frame: face pitch calibrated, face and pose yaw combined
    (see headpose); returns the pose-yaw model used."""
    model = cal.pose_model()
    for r in records:
        pyaw: float | None = None
        pconf = 0.0
        if r.pose_terms is not None and r.pose_terms[2] >= MIN_POSE_CONF:
            pyaw = model.yaw(r.pose_terms[0], r.pose_terms[1])
            pconf = model.confidence(*r.pose_terms)
        face = cal.correct(r.face) if r.face is not None else None
        r.fused = headpose.fuse(face, pyaw, pconf)
    return model


MISSING_REASONS = {
    "no_head": "neither the face mesh nor the pose keypoints found the head",
    "no_face_mesh": "the face mesh lost the face (turned too far): rotation from the pose "
    "keypoints only; tilt and flexion need the face",
}
"""Codes of ``series.missing_reason`` (per frame; None when every angle was measured)."""


def _missing_reason(r: FrameRecord) -> str | None:
    """Why a frame lacks an angle (a :data:`MISSING_REASONS` code), or None."""
    if r.fused is None:
        return "no_head"
    if r.fused.roll is None or r.fused.pitch is None:
        return "no_face_mesh"
    return None


def _median(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(statistics.median(vals)) if vals else None


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(x, nd)


def posture_medians(records: Sequence[FrameRecord]) -> dict[str, float | None]:
    """Median posture over the clip, contract keys (degrees / fractions, contract signs)."""
    fused = [r.fused for r in records if r.fused is not None]
    bodies = [r.body for r in records if r.body is not None and r.body.shoulders_visible]
    return {
        "rotation_deg": _median([a.yaw for a in fused]),
        "tilt_deg": _median([a.roll for a in fused]),
        "flexion_deg": _median([a.pitch for a in fused]),
        "lateral_shift": _median([b.lateral_shift for b in bodies]),
        "sagittal_shift": _median([b.sagittal_shift for b in bodies]),
        "shoulder_elevation": _median([b.shoulder_elevation for b in bodies]),
    }


def _sub(a: float | None, b: float | None) -> float | None:
    """``a − b``; None when either is unknown (no relative value without its reference)."""
    return None if a is None or b is None else a - b


def summarize(
    records: Sequence[FrameRecord],
    info: VideoInfo,
    *,
    lang: str = "en",
    reference: dict[str, float | None] | None = None,
    reference_name: str | None = None,
    calibration: Calibration | None = None,
    reference_segment: tuple[float, float] | None = None,
) -> VideoResult:
    """Build the contract object from per-frame records; :class:`NoFaceError` if no face.

    ``calibration`` defaults to the shipped one (:func:`cdcare.video.headpose.calibration`).
    The steps: fuse face and pose angles per frame; refuse a clip without a usable face;
    medians and their intervals (minus the reference, if any); the per-frame series; tremor
    from the series; quality checks; the TWSTRS suggestion from the posture.
    ``reference_segment`` (start, end seconds): the reference was measured on those frames of
    this clip (:func:`cdcare.video.pipeline.segment_reference`), so the posture medians and
    intervals are of the frames outside it; the series keeps every frame.
    """
    cal = calibration or headpose.calibration()
    pose_model = _fuse_all(records, cal)
    _require_face(records)
    t = [r.t for r in records]
    fps = _mean_fps(t, info.fps)
    rest = records
    if reference_segment is not None:
        rest = [r for r in records if not reference_segment[0] <= r.t <= reference_segment[1]]
    absolute = posture_medians(rest)
    posture, intervals, within_noise = _posture_vs_reference(
        rest, absolute, reference, fps=fps, cal=cal
    )
    series = _series(records, reference or {}, pose_model, cal)
    tremor = analyze_tremor(
        t, {"yaw": series.yaw_deg, "roll": series.roll_deg, "pitch": series.pitch_deg}
    )
    relative = reference is not None
    return VideoResult(
        video=VideoMeta(
            fps=round(fps, 3),
            frames=len(records),
            duration_s=round(len(records) / fps, 3),
            width=info.width,
            height=info.height,
            rotation_meta_deg=info.rotation_deg,
        ),
        angles="relative_to_reference" if relative else "absolute",
        reference=_reference(reference, reference_name, reference_segment),
        quality=_quality(records, info, fps, absolute, lang),
        posture=Posture(**{k: _r(v, 3) for k, v in posture.items()}),
        posture_interval=PostureIntervals(
            **{
                k: None if iv is None else (round(iv[0], 3), round(iv[1], 3))
                for k, iv in intervals.items()
            }
        ),
        posture_interval_level=INTERVAL_LEVEL,
        change_within_noise=None if within_noise is None else WithinNoise(**within_noise),
        series=series,
        tremor=Tremor.model_validate(tremor.to_json()),
        twstrs=TwstrsSuggestion.model_validate(suggest(posture, relative_to_reference=relative)),
    )


def _require_face(records: Sequence[FrameRecord]) -> None:
    """:class:`NoFaceError` unless enough frames have a fused head angle (quality LIMITS)."""
    n = len(records)
    usable = sum(1 for r in records if r.fused is not None)
    if n == 0 or usable == 0 or usable / n < LIMITS.min_usable_face_ratio:
        raise NoFaceError(
            N_("No usable face was found in the video ({found} of {frames} frames)."),
            found=usable,
            frames=n,
        )


def _mean_fps(t: Sequence[float], nominal: float) -> float:
    """Mean decoded frame rate (frames/s) from the time stamps; ``nominal`` if not measurable."""
    n = len(t)
    return (n - 1) / (t[-1] - t[0]) if n > 1 and t[-1] > t[0] else nominal


Intervals = dict[str, list[float] | None]


def _posture_vs_reference(
    records: Sequence[FrameRecord],
    absolute: dict[str, float | None],
    reference: dict[str, float | None] | None,
    *,
    fps: float,
    cal: Calibration,
) -> tuple[dict[str, float | None], Intervals, dict[str, bool | None] | None]:
    """Posture medians, their intervals and 'change within noise' flags.

    Without a reference: the absolute medians, intervals widened by the calibration spread,
    no flags. With one: medians and intervals minus the reference (None where the reference
    lacks the value), and per measure whether 0 lies in the interval.
    """
    intervals = posture_intervals(records, absolute, fps=fps, cal=cal, widen=reference is None)
    if reference is None:
        return absolute, intervals, None
    posture = {k: _sub(v, reference.get(k)) for k, v in absolute.items()}
    shifted: Intervals = {}
    for k, iv in intervals.items():
        zero = reference.get(k)
        shifted[k] = None if iv is None or zero is None else [iv[0] - zero, iv[1] - zero]
    within = {k: None if iv is None else iv[0] <= 0.0 <= iv[1] for k, iv in shifted.items()}
    return posture, shifted, within


def _reference(
    reference: dict[str, float | None] | None,
    name: str | None,
    segment: tuple[float, float] | None,
) -> Reference | None:
    """The contract's ``reference`` object: the subtracted neutral posture, its clip and (when
    it was a segment of this clip) the segment in seconds."""
    if reference is None:
        return None
    return Reference(video=name, segment_s=segment, **{k: _r(v) for k, v in reference.items()})


def _series(
    records: Sequence[FrameRecord],
    ref: dict[str, float | None],
    pose_model: PoseYawModel,
    cal: Calibration,
) -> Series:
    """Per-frame angles (degrees, minus the reference's, 2 decimals) and how they were got."""
    yaw0, roll0, pitch0 = (ref.get(k) or 0.0 for k in POSTURE_KEYS[:3])

    def angle(which: str, zero: float) -> list[float | None]:
        values = [None if r.fused is None else getattr(r.fused, which) for r in records]
        return [None if v is None else round(v - zero, 2) for v in values]

    return Series(
        t_s=[round(r.t, 4) for r in records],
        yaw_deg=angle("yaw", yaw0),
        roll_deg=angle("roll", roll0),
        pitch_deg=angle("pitch", pitch0),
        method=[r.fused.method if r.fused else None for r in records],
        quat_wxyz=[
            [round(q, 5) for q in r.fused.quat] if r.fused and r.fused.quat else None
            for r in records
        ],
        angle_convention=ANGLE_CONVENTION,
        missing_reason=[_missing_reason(r) for r in records],
        confidence=[_r(r.fused.confidence if r.fused else None) for r in records],
        pose_yaw_model=PoseYaw(k=pose_model.k, c=pose_model.c),
        calibration=CalibrationInfo(source=cal.source, verified=cal.verified),
    )


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _clip_stats(
    records: Sequence[FrameRecord], info: VideoInfo, fps: float, absolute: dict[str, float | None]
) -> ClipStats:
    """Whole-clip figures for the quality checks (medians over the frames where measured)."""
    n = len(records)
    faces_checked = [r.n_faces for r in records if r.n_faces is not None]
    bodies = [r.body for r in records if r.body is not None]
    return ClipStats(
        fps=fps,
        duration_s=n / fps,
        width=info.width,
        height=info.height,
        decoded_frames=n,
        container_frames=info.frames,
        face_found_ratio=_ratio(sum(1 for r in records if r.face is not None), n),
        multiple_faces_ratio=_ratio(sum(1 for c in faces_checked if c >= 2), len(faces_checked)),
        brightness=_median([r.brightness for r in records]) or 0.0,
        sharpness=_median([r.sharpness for r in records]),
        eye_distance_px=_median([r.face.scale_px for r in records if r.face is not None]),
        yaw=absolute["rotation_deg"],
        roll=absolute["tilt_deg"],
        pitch=absolute["flexion_deg"],
        shoulder_visible_ratio=_ratio(sum(1 for b in bodies if b.shoulders_visible), len(bodies)),
    )


def _quality(
    records: Sequence[FrameRecord],
    info: VideoInfo,
    fps: float,
    absolute: dict[str, float | None],
    lang: str,
) -> Quality:
    """The contract's ``quality`` object: face ratio, several faces, warnings in ``lang``."""
    stats = _clip_stats(records, info, fps, absolute)
    return Quality(
        face_found_ratio=round(stats.face_found_ratio, 3),
        multiple_faces=stats.multiple_faces_ratio >= LIMITS.multiple_faces_ratio,
        warnings=[QualityWarning.model_validate(w.to_json(lang)) for w in assess(stats)],
    )


fuse_all = _fuse_all

__all__ = [
    "FrameRecord",
    "fuse_all",
    "posture_intervals",
    "posture_medians",
    "summarize",
]
