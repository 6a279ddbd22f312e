"""Fitting the video calibration (:class:`cdcare.video.headpose.Calibration`) from clips.

Used by ``benchmarks/video_calibrate.py`` (the shipped constants) and
``benchmarks/video_accuracy.py`` (leave-one-identity-out: fitted on every identity but the one
reported). A clip is summarised by :func:`clip_summary` from uncalibrated frame records: its
identity, its true (rotation, tilt, flexion) in degrees (static clips) and the clip medians of
the raw face-fit rotation and flexion and of the pose ratio ``2·offset/span``.

Maps fitted (all monotone piecewise linear, knots = per true value the median over clips of the
clip medians; a knot whose measured value does not exceed the previous one by
:data:`MIN_STEP` is dropped, so a saturated measure is not stretched):

* face rotation, odd (the two sides folded together): clips turned ≥ 5° with |tilt|,
  |flexion| ≤ 5° (the turn clips), |rotation| ≤ 60° with a face;
* pose ratio → rotation, odd: the turn clips with a pose ratio;
* face flexion, signed: clips with |rotation| < 5° and |tilt| ≤ 5° (the flexion clips); knots
  are grouped by the exact true value, so jittered clips only join a knot at a grid value.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cdcare.video.headpose import DEFAULT_EAR_NOSE_RATIO, Calibration

MIN_STEP = 0.5
"""Smallest rise (degrees) between two kept knots of an angle map."""
MIN_RATIO_STEP = 0.02
"""Smallest rise between two kept knots of the pose-ratio map (dimensionless)."""
MIN_POSE_CONF = 0.5


@dataclass(frozen=True)
class ClipSummary:
    """One static clip: identity, truth (degrees) and clip-median raw measures (None = none)."""

    identity: str
    rotation: float
    tilt: float
    flexion: float
    face_yaw: float | None
    face_pitch: float | None
    pose_ratio: float | None
    face_roll: float | None = None
    """Clip median of the raw face-fit tilt (degrees; None in summaries saved before it)."""


def clip_summary(
    identity: str, truth: tuple[float, float, float], records: Iterable[object]
) -> ClipSummary:
    """Summarise uncalibrated :class:`cdcare.video.pipeline.FrameRecord` s of one clip."""
    yaws: list[float] = []
    pitches: list[float] = []
    rolls: list[float] = []
    ratios: list[float] = []
    for r in records:
        face = getattr(r, "face", None)
        if face is not None:
            yaws.append(face.yaw)
            if face.pitch is not None:
                pitches.append(face.pitch)
            if face.roll is not None:
                rolls.append(face.roll)
        terms = getattr(r, "pose_terms", None)
        if terms is not None and terms[2] >= MIN_POSE_CONF and abs(terms[1]) > 1e-6:
            ratios.append(2.0 * terms[0] / terms[1])
    med = statistics.median
    return ClipSummary(
        identity,
        *truth,
        med(yaws) if yaws else None,
        med(pitches) if pitches else None,
        med(ratios) if ratios else None,
        med(rolls) if rolls else None,
    )


def _monotone(
    knots: Sequence[tuple[float, float]], step: float = MIN_STEP
) -> tuple[tuple[float, float], ...]:
    out: list[tuple[float, float]] = []
    for m, t in knots:
        if not out or m > out[-1][0] + step:
            out.append((round(m, 3), t))
    return tuple(out)


def _odd_knots(
    pairs: Iterable[tuple[float, float]], step: float = MIN_STEP
) -> tuple[tuple[float, float], ...]:
    """(|measured|, |true|) knots from (measured, true) pairs, sides folded together."""
    by_true: defaultdict[float, list[float]] = defaultdict(list)
    for m, t in pairs:
        if t == 0 or (m > 0) == (t > 0):
            by_true[abs(t)].append(abs(m))
    knots = [(statistics.median(v), t) for t, v in sorted(by_true.items()) if t > 0]
    return _monotone([(0.0, 0.0), *knots], step)


def fit(clips: Sequence[ClipSummary]) -> Calibration:
    """Fit the calibration maps on ``clips`` (see module docstring)."""
    turns = [c for c in clips if abs(c.rotation) >= 5 and abs(c.tilt) <= 5 and abs(c.flexion) <= 5]
    face = [(c.face_yaw, c.rotation) for c in turns if c.face_yaw is not None]
    face = [(m, t) for m, t in face if abs(t) <= 60]
    pose = [(c.pose_ratio, c.rotation) for c in turns if c.pose_ratio is not None]
    by_pitch: defaultdict[float, list[float]] = defaultdict(list)
    for c in clips:
        if c.face_pitch is not None and abs(c.rotation) < 5 and abs(c.tilt) <= 5:
            by_pitch[c.flexion].append(c.face_pitch)
    pitch = _monotone([(statistics.median(v), t) for t, v in sorted(by_pitch.items())])
    pose_knots = _odd_knots(pose, MIN_RATIO_STEP)
    tilt_x, flex_x = _crosstalk_knots(turns, pitch)
    return Calibration(
        tuple(k[0] for k in pitch),
        tuple(k[1] for k in pitch),
        DEFAULT_EAR_NOSE_RATIO,
        source="fitted on synthetic identities " + ", ".join(sorted({c.identity for c in clips})),
        verified=False,
        face_yaw_knots=_odd_knots(face),
        pose_ratio_knots=pose_knots,
        tilt_crosstalk_knots=tilt_x,
        flexion_crosstalk_knots=flex_x,
    )


def _crosstalk_knots(
    turns: Sequence[ClipSummary], pitch: Sequence[tuple[float, float]]
) -> tuple[tuple[tuple[float, float], ...], tuple[tuple[float, float], ...]]:
    """(tilt, flexion) cross-talk knots of the turn: per true |rotation| ≤ 60° with a face,
    (median |raw face rotation|, median residual), residual = raw tilt − true tilt (times the
    turn's sign), and raw pitch − the raw pitch the flexion clips give at the true flexion
    (so the neutral offset stays with the flexion map); knots start at (0, 0) and must rise in
    |raw rotation| by :data:`MIN_STEP` (a saturated face rotation adds no knot)."""
    xs, ts = [k[1] for k in pitch], [k[0] for k in pitch]
    by_true: defaultdict[float, list[tuple[float, float, float]]] = defaultdict(list)
    for c in turns:
        if c.face_yaw is None or c.face_roll is None or c.face_pitch is None:
            continue
        if abs(c.rotation) > 60 or (c.face_yaw > 0) != (c.rotation > 0):
            continue
        sign = 1.0 if c.face_yaw > 0 else -1.0
        base = float(np.interp(c.flexion, xs, ts)) if len(xs) >= 2 else 0.0
        resid = ((c.face_roll - c.tilt) * sign, c.face_pitch - base)
        by_true[abs(c.rotation)].append((abs(c.face_yaw), *resid))
    med = statistics.median
    rows = [(med(v[0] for v in vals), med(v[1] for v in vals), med(v[2] for v in vals))
            for _, vals in sorted(by_true.items())]  # fmt: skip
    tilt: list[tuple[float, float]] = [(0.0, 0.0)]
    flex: list[tuple[float, float]] = [(0.0, 0.0)]
    for x, dt, dp in rows:
        if x > tilt[-1][0] + MIN_STEP:
            tilt.append((round(x, 3), round(dt, 3)))
            flex.append((round(x, 3), round(dp, 3)))
    return tuple(tilt), tuple(flex)


SIZE = {"width": 640, "height": 480, "fps": 30.0}
"""Frame size and rate of the benchmark clips."""


def measure_synthetic(case: dict[str, Any]) -> dict[str, Any]:
    """Worker of the benchmarks: render one ``cdcare synth`` clip (``case`` = SynthSpec
    keywords plus an optional ``kind`` tag) and return its raw records, video info, per-frame
    truth (rotation, tilt, flexion) and :class:`ClipSummary`."""
    from cdcare.video.io import MemoryVideo
    from cdcare.video.pipeline import measure_frames
    from cdcare.video.synth import SynthSpec, render_frames

    kw: dict[str, Any] = {k: v for k, v in case.items() if k != "kind"}
    spec = SynthSpec(**{**SIZE, **kw})
    frames, truth = [], []
    for _, frame, t in render_frames(spec):
        frames.append(frame)
        truth.append((t.yaw_deg, t.roll_deg, t.pitch_deg))
    video = MemoryVideo(frames, fps=spec.fps)
    records = measure_frames(video)
    static = (spec.yaw_deg, spec.roll_deg, spec.pitch_deg)
    return {
        "case": case,
        "records": records,
        "info": video.info,
        "truth": truth,
        "summary": clip_summary(spec.identity, static, records),
    }


__all__ = [
    "MIN_POSE_CONF",
    "MIN_STEP",
    "SIZE",
    "ClipSummary",
    "clip_summary",
    "fit",
    "measure_synthetic",
]
