"""Fit the video calibration constants on a calibration grid of synthetic clips.

Fits the two constants of ``src/cdcare/video/data/calibration.json`` (see
:class:`cdcare.video.headpose.Calibration`) on clips that are NOT the evaluation grid of
``benchmarks/video_accuracy.py``: other true angles (pitch every 7°, yaw 48–83° every 5°), a
random jitter of the other angles on every clip (±5° yaw and roll on the pitch clips: the
mesh's pitch also rises by 1–3° with yaw or roll, a cross-talk the 1-D map does not model;
±15° pitch and ±10° roll on the yaw clips), other seeds (100+), more noise (0.25 against 0.1)
and lighting flicker (0.4 against 0). The landmarks are measured uncalibrated
(``Calibration.identity()``).

* face pitch map: for each true pitch, the median over clips of the clip-median face-mesh pitch
  becomes a knot (measured, true); knots must increase (checked);
* pose-yaw ``k``: the value on a 0.01 grid that minimises the mean absolute yaw error
  ``|atan(k·2·offset/span) − true yaw|`` over frames with |true yaw| ≥ 45° (where the pose
  keypoints carry the yaw) and pose confidence ≥ the pipeline's minimum.

    .venv/bin/python benchmarks/video_calibrate.py            # fit and print
    .venv/bin/python benchmarks/video_calibrate.py --write    # also update calibration.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from cdcare.jobs.local import run_local

DATA = Path(__file__).resolve().parents[1] / "src/cdcare/video/data/calibration.json"
SIZE = {"width": 640, "height": 480, "fps": 30.0}


def calibration_grid() -> list[dict[str, Any]]:
    """Clip specs (SynthSpec keywords) of the calibration grid (see module docstring)."""
    rng = random.Random(2024)
    cases: list[dict[str, Any]] = []
    seed = 100
    for p in range(-42, 43, 7):
        for _ in range(3):
            seed += 1
            cases.append(
                {
                    "pitch_deg": float(p),
                    "yaw_deg": round(rng.uniform(-5, 5), 1),
                    "roll_deg": round(rng.uniform(-5, 5), 1),
                    "seed": seed,
                }
            )
    for y in range(48, 84, 5):
        for sign in (-1, 1):
            seed += 1
            cases.append(
                {
                    "yaw_deg": float(sign * y),
                    "pitch_deg": round(rng.uniform(-15, 15), 1),
                    "roll_deg": round(rng.uniform(-10, 10), 1),
                    "seed": seed,
                }
            )
    for c in cases:
        c.update(seconds=0.7, noise=0.25, lighting=0.4)
    return cases


def measure(case: dict[str, Any]) -> dict[str, Any]:
    """Worker: render one clip; uncalibrated face pitch/yaw and pose terms per frame."""
    from cdcare.video.io import MemoryVideo
    from cdcare.video.pipeline import measure_frames
    from cdcare.video.synth import SynthSpec, render_frames

    spec = SynthSpec(**SIZE, **case)
    frames, truth = [], []
    for _, frame, t in render_frames(spec):
        frames.append(frame)
        truth.append((t.yaw_deg, t.pitch_deg))
    records = measure_frames(MemoryVideo(frames, fps=spec.fps))
    return {
        "case": case,
        "truth": truth,
        "face": [(r.face.yaw, r.face.pitch) if r.face else None for r in records],
        "pose": [r.pose_terms for r in records],
    }


def fit_pitch(results: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """Knots (median measured pitch, true pitch) per true pitch of the pitch clips."""
    by_true: dict[float, list[float]] = defaultdict(list)
    for r in results:
        if abs(r["case"]["yaw_deg"]) > 10:
            continue
        vals = [f[1] for f in r["face"] if f is not None]
        if vals:
            by_true[r["case"]["pitch_deg"]].append(statistics.median(vals))
    knots = [(round(statistics.median(v), 2), t) for t, v in sorted(by_true.items())]
    xs = [k[0] for k in knots]
    if any(b <= a for a, b in itertools.pairwise(xs)):
        raise SystemExit(f"measured pitch is not monotone in the true pitch: {knots}")
    return knots


def fit_k(results: list[dict[str, Any]], min_conf: float) -> tuple[float, float, int]:
    """(k, mean absolute yaw error in degrees at that k, frames used)."""
    pairs: list[tuple[float, float, float]] = []
    for r in results:
        for (ty, _), p in zip(r["truth"], r["pose"], strict=True):
            if abs(ty) >= 45 and p is not None and p[2] >= min_conf and p[1] > 0:
                pairs.append((p[0], p[1], ty))

    def err(k: float) -> float:
        return statistics.fmean(
            abs(math.degrees(math.atan2(k * 2 * o, s)) - ty) for o, s, ty in pairs
        )

    best = min((k / 100 for k in range(30, 401)), key=err)
    return best, err(best), len(pairs)


def main() -> None:
    ap = argparse.ArgumentParser(description="Fit the video calibration on a calibration grid.")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="update calibration.json")
    args = ap.parse_args()
    from cdcare.video.pipeline import MIN_POSE_CONF

    cases = calibration_grid()
    results = [r for _, r in run_local(measure, cases, jobs=args.jobs)]
    knots = fit_pitch(results)
    k, kerr, n = fit_k(results, MIN_POSE_CONF)
    print(f"{len(results)} calibration clips")
    print(
        "face pitch knots (measured → true, deg): "
        + ", ".join(f"{a:+.1f}→{b:+.0f}" for a, b in knots)
    )
    print(f"pose-yaw k = {k:.2f} (mean |yaw error| {kerr:.2f}° over {n} frames, |yaw| ≥ 45°)")
    if args.write:
        doc = json.loads(DATA.read_text(encoding="utf-8"))
        doc["face_pitch"]["knots"] = [list(kn) for kn in knots]
        doc["pose_yaw"]["k"] = k
        doc["pose_yaw"]["fit_error_deg"] = round(kerr, 2)
        text = json.dumps(doc, indent=1, ensure_ascii=False)
        text = re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2]", text)  # one knot a line
        DATA.write_text(text + "\n", encoding="utf-8")
        print(f"written {DATA}")


if __name__ == "__main__":
    main()
