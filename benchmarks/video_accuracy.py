"""Accuracy of the video pipeline on synthetic clips of every identity (prints figures only).

Every clip is rendered by ``cdcare synth`` (:mod:`cdcare.video.synth`, identities of
:mod:`cdcare.video.synth_identity`) in memory and its raw landmarks measured once; the
calibration is then applied afterwards, so the same clips serve every calibration:

* ``LOIO``: leave one identity out: for each identity, the calibration maps
  (:mod:`cdcare.video.calibration_fit`) are fitted on the OTHER procedural identities' clips of
  this grid and the identity is reported with them (the astronaut, whose face depth is
  MediaPipe's own, is never used to fit);
* ``raw``: no calibration (``Calibration.identity()``), for comparison.

Per identity and pooled over the procedural identities: per-frame rotation MAE by band of the
true |rotation| (≤45°, 45–70°, 70–90°) with coverage, tilt and flexion MAE for |rotation| ≤ 60°
(all clips, and the combined rotation+tilt poses alone), TWSTRS exact agreement per angle item,
the across-identity spread (SD of the per-identity mean signed error) and of the LOIO constants;
tremor frequency error on non-integer frequencies and the false-positive rate on still clips.

Angles follow the clinical convention of :mod:`cdcare.video.angles` (body-plane projections);
the synthetic truth is defined the same way.

    .venv/bin/python benchmarks/video_accuracy.py                    # all identities (~6 min)
    .venv/bin/python benchmarks/video_accuracy.py --identity dara    # one identity, with the
                                                 # shipped maps (fitted on all procedural heads)
    .venv/bin/python benchmarks/video_accuracy.py --write-spread     # store the spread
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from cdcare.clinical.video_twstrs import suggest
from cdcare.jobs.local import run_local

ANGLE_ITEMS = ("rotation", "laterocollis", "anterocollis_retrocollis")
BANDS = (("rot<=45", 0.0, 45.0), ("45-70", 45.0, 70.0), ("70-90", 70.0, 90.0))
COMBINED = (
    (60.0, -20.0, 0.0), (-60.0, 20.0, 0.0), (35.0, 25.0, 0.0), (-40.0, -15.0, 0.0),
    (50.0, 15.0, -10.0), (-25.0, -20.0, 15.0), (20.0, 10.0, 20.0),
)  # fmt: skip
DATA = Path(__file__).resolve().parents[1] / "src/cdcare/video/data/calibration.json"


def grid(full: bool, identities: list[str] | None = None) -> list[dict[str, Any]]:
    """Clip specs (SynthSpec keywords plus 'kind'): per identity single-axis, combined and
    still clips; tremor clips on the first two identities (or the one asked for)."""
    from cdcare.video.synth_identity import IDENTITIES

    names = identities or list(IDENTITIES)
    mags = range(0, 86, 5) if full else (15, 30, 45, 55, 65, 75, 85)
    yaws = sorted({0.0} | {float(s * m) for m in mags for s in (-1, 1)})
    rolls = (-40, -30, -20, -10, 10, 20, 30, 40) if full else (-30, -15, 15, 30)
    pitches = (-30, -20, -10, 10, 20, 30) if full else (-30, -15, 15, 30)
    cases: list[dict[str, Any]] = []
    for name in names:
        cases += [{"kind": "yaw", "yaw_deg": y, "identity": name} for y in yaws]
        cases += [{"kind": "roll", "roll_deg": float(r), "identity": name} for r in rolls]
        cases += [{"kind": "pitch", "pitch_deg": float(p), "identity": name} for p in pitches]
        cases += [
            {"kind": "combined", "yaw_deg": y, "roll_deg": r, "pitch_deg": p, "identity": name}
            for y, r, p in COMBINED
        ]
        for c in cases:
            c.setdefault("seconds", 0.5)
        cases.append({"kind": "still", "seconds": 3.0, "identity": name})
    axes = ("yaw", "roll", "pitch")
    for j, name in enumerate(names[:2]):
        for i, f in enumerate((2.7, 4.6, 7.3) if not full else (1.3, 2.7, 4.6, 5.5, 7.3, 9.1)):
            cases.append(
                {
                    "kind": "tremor",
                    "tremor_hz": f,
                    "tremor_deg": 2.0,
                    "tremor_axis": axes[(i + j) % 3],
                    "seconds": 4.0,
                    "identity": name,
                }
            )
    for j, name in enumerate(names[:2]):
        for i, shape in enumerate(("jerky", "modulated")):
            cases.append(
                {
                    "kind": "tremor",
                    "tremor_hz": (3.4, 5.7)[(i + j) % 2],
                    "tremor_deg": 2.0,
                    "tremor_shape": shape,
                    "tremor_axis": axes[(i + j + 1) % 3],
                    "seconds": 4.0,
                    "identity": name,
                }
            )
    for c in cases:
        c.update(noise=0.1)
    return cases


def _loio(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Calibration per identity, fitted on the other procedural identities' static clips."""
    from cdcare.video.calibration_fit import fit
    from cdcare.video.synth_identity import IDENTITIES

    static = [r for r in results if r["case"]["kind"] in ("yaw", "roll", "pitch", "combined")]
    procedural = {n for n, i in IDENTITIES.items() if i.procedural}
    out = {}
    for name in {r["case"]["identity"] for r in results}:
        train = [r["summary"] for r in static if r["case"]["identity"] in procedural - {name}]
        out[name] = fit(train)
    return out


def _evaluate(r: dict[str, Any], cal: Any) -> dict[str, Any] | None:
    from cdcare.errors import CdcareError
    from cdcare.video.pipeline import summarize

    try:
        return summarize(r["records"], r["info"], calibration=cal).to_json()
    except CdcareError:
        return None


def _mae(v: list[float]) -> str:
    return f"{statistics.fmean(abs(x) for x in v):5.2f}" if v else "   – "


def identity_rows(results: list[dict[str, Any]], cals: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per identity: error lists by measure, TWSTRS agreement, signed errors."""
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"err": defaultdict(list), "cov": defaultdict(lambda: [0, 0]),
                 "tw": {k: [0, 0, 0] for k in ANGLE_ITEMS}}
    )  # fmt: skip
    for r in results:
        kind, name = r["case"]["kind"], r["case"]["identity"]
        if kind not in ("yaw", "roll", "pitch", "combined"):
            continue
        row = rows[name]
        out = _evaluate(r, cals[name])
        s = out["series"] if out else None
        for i, (ty, tr, tp) in enumerate(r["truth"]):
            band = next(b for b, lo, hi in BANDS if lo <= abs(ty) <= hi or b == "70-90")
            for key, truth, series in (("rot", ty, "yaw_deg"), ("tilt", tr, "roll_deg"),
                                       ("flex", tp, "pitch_deg")):  # fmt: skip
                v = s[series][i] if s else None
                label = f"rot {band}" if key == "rot" else (
                    f"{key} rot<=60" if abs(ty) <= 60 else f"{key} rot>60")  # fmt: skip
                row["cov"][label][1] += 1
                if v is None:
                    continue
                row["cov"][label][0] += 1
                row["err"][label].append(v - truth)
                if kind == "combined" and key == "tilt":
                    row["err"]["tilt combined"].append(v - truth)
        truth_items = suggest({"rotation_deg": r["case"].get("yaw_deg", 0.0),
                               "tilt_deg": r["case"].get("roll_deg", 0.0),
                               "flexion_deg": r["case"].get("pitch_deg", 0.0)})  # fmt: skip
        got = suggest(out["posture"]) if out else {}
        for k in ANGLE_ITEMS:
            row["tw"][k][1] += 1
            row["tw"][k][0] += int(got.get(k) == truth_items[k])
            row["tw"][k][2] += int(got.get(k) is None)
    return rows


COLUMNS = ("rot rot<=45", "rot 45-70", "rot 70-90", "tilt rot<=60", "flex rot<=60",
           "tilt combined", "tilt rot>60", "flex rot>60")  # fmt: skip


def print_table(rows: dict[str, dict[str, Any]], label: str) -> None:
    """The per-identity table and the pooled procedural row."""
    from cdcare.video.synth_identity import IDENTITIES

    print(f"\n[{label}] MAE (deg) per identity; coverage in % of frames in brackets")
    print("identity   " + " ".join(f"{c:>15}" for c in COLUMNS) + "   TWSTRS rot/lat/ant")
    pooled: dict[str, Any] = {"err": defaultdict(list), "cov": defaultdict(lambda: [0, 0]),
                              "tw": {k: [0, 0, 0] for k in ANGLE_ITEMS}}  # fmt: skip
    for name in sorted(rows, key=lambda n: (IDENTITIES[n].procedural, n)):
        row = rows[name]
        _print_row(name, row)
        if IDENTITIES[name].procedural:
            for k, v in row["err"].items():
                pooled["err"][k] += v
            for k, (a, b) in row["cov"].items():
                pooled["cov"][k][0] += a
                pooled["cov"][k][1] += b
            for k, counts in row["tw"].items():
                for j, v in enumerate(counts):
                    pooled["tw"][k][j] += v
    _print_row("POOLED*", pooled)
    print("  * pooled over the procedural identities (the astronaut row is shown apart)")
    print("  TWSTRS: exact agreement of the suggested item with the truth's, all clips (and "
          "among clips where the item was measured: no face = no tilt/flexion)")  # fmt: skip


def _print_row(name: str, row: dict[str, Any]) -> None:
    cells = []
    for c in COLUMNS:
        got, tot = row["cov"].get(c, [0, 0]) if c != "tilt combined" else (1, 1)
        cov = f"({100 * got / tot:3.0f})" if tot and c != "tilt combined" else "     "
        cells.append(f"{_mae(row['err'].get(c, []))}{cov:>10}")
    tw = "/".join(f"{100 * a / max(b, 1):.0f}%" for a, b, _ in row["tw"].values())
    tw += (
        " (measured: "
        + "/".join(f"{100 * a / max(b - u, 1):.0f}%" for a, b, u in row["tw"].values())
        + ")"
    )
    print(f"{name:<10} " + " ".join(f"{c:>15}" for c in cells) + f"   {tw}")


def spread_report(rows: dict[str, dict[str, Any]]) -> dict[str, float]:
    """SD across procedural identities of the per-identity mean signed error (degrees)."""
    from cdcare.video.synth_identity import IDENTITIES

    out = {}
    print("\nAcross-identity spread (LOIO): per-identity mean signed error, deg")
    for key, col in (("rotation", "rot rot<=45"), ("tilt", "tilt rot<=60"),
                     ("flexion", "flex rot<=60")):  # fmt: skip
        means = {n: statistics.fmean(r["err"][col]) for n, r in rows.items()
                 if IDENTITIES[n].procedural and r["err"].get(col)}  # fmt: skip
        sd = statistics.pstdev(means.values()) if len(means) > 1 else 0.0
        out[key] = round(sd, 2)
        print(f"  {key:<9} SD {sd:4.2f}   " + ", ".join(f"{n} {m:+.2f}" for n, m in means.items()))
    return out


def constants_report(cals: dict[str, Any]) -> None:
    """How much the LOIO constants move between folds."""
    from cdcare.video.headpose import odd_map

    print("\nLOIO constants across folds (value of the fitted map at a given measured value):")
    for label, attr, probes in (("face rotation", "face_yaw_knots", (20.0, 40.0, 55.0)),
                                ("pose ratio", "pose_ratio_knots", (0.5, 1.5, 2.5))):  # fmt: skip
        for x in probes:
            vals = [odd_map(getattr(c, attr), x) for c in cals.values()]
            print(f"  {label} at {x:g}: {min(vals):.1f}–{max(vals):.1f}° "
                  f"(SD {statistics.pstdev(vals):.2f}) over {len(vals)} folds")  # fmt: skip
    pitch = [c.pitch(-20.0) for c in cals.values() if len(c.pitch_measured_deg) >= 2]
    if pitch:
        print(f"  flexion map at −20: {min(pitch):.1f}–{max(pitch):.1f}° "
              f"(SD {statistics.pstdev(pitch):.2f})")  # fmt: skip


def tremor_report(results: list[dict[str, Any]], cals: dict[str, Any]) -> None:
    """Frequency error on tremor clips, false positives on still clips."""
    print("\nTremor (2° zero-to-peak, non-integer frequencies, 4 s at 30 fps):")
    errs = []
    for r in results:
        if r["case"]["kind"] != "tremor":
            continue
        out = _evaluate(r, cals[r["case"]["identity"]])
        t = out["tremor"] if out else {"present": False}
        c = r["case"]
        if t.get("present"):
            errs.append(abs(t["frequency_hz"] - c["tremor_hz"]))
        print(f"  {c['identity']:<9} {c.get('tremor_shape', 'sine'):<9} {c['tremor_hz']:.1f} Hz "
              f"{c['tremor_axis']:<5} → "
              + (f"{t['frequency_hz']:.2f} Hz axis {t['axis']}" if t.get("present")
                 else "not detected"))  # fmt: skip
    if errs:
        print(f"  frequency error: mean {statistics.fmean(errs):.3f} Hz, max {max(errs):.3f} Hz"
              " (target ≤ 0.2)")  # fmt: skip
    still = [r for r in results if r["case"]["kind"] == "still"]
    fp = 0
    for r in still:
        out = _evaluate(r, cals[r["case"]["identity"]])
        fp += int(bool(out and out["tremor"].get("present")))
    print(f"  false positives on still clips (3 s): {fp}/{len(still)}")


def main() -> None:
    ap = argparse.ArgumentParser(description="Video accuracy benchmark on synthetic clips.")
    ap.add_argument("--full", action="store_true", help="the full grid (slower)")
    ap.add_argument("--identity", action="append", help="only this identity (repeatable)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--tremor-only", action="store_true", help="only the tremor and still clips")
    ap.add_argument("--save", type=Path, help="save the measured clips (pickle) for --load")
    ap.add_argument("--load", type=Path, help="re-report saved clips (no rendering)")
    ap.add_argument("--write-spread", action="store_true", help="store the spread in "
                    "calibration.json (widens the posture intervals)")  # fmt: skip
    args = ap.parse_args()
    from cdcare.video.calibration_fit import measure_synthetic
    from cdcare.video.headpose import Calibration

    start = time.perf_counter()
    if args.load:
        # --load reads back a file this script wrote itself (--save); never untrusted input
        results = pickle.loads(args.load.read_bytes())  # noqa: S301
    else:
        cases = grid(args.full, args.identity)
        if args.tremor_only:
            cases = [c for c in cases if c["kind"] in ("tremor", "still")]
        results = [r for _, r in run_local(measure_synthetic, cases, jobs=args.jobs)]
    if args.save:
        args.save.write_bytes(pickle.dumps(results))
    if args.identity:  # LOIO needs the other identities' clips: fit on the calibration grid
        cals = {n: _shipped() for n in args.identity}
        label = "shipped calibration (fitted on the calibration grid)"
    else:
        cals = _loio(results)
        label = "LOIO"
    frames = sum(len(r["truth"]) for r in results)
    print(f"{len(results)} clips, {frames} frames, {time.perf_counter() - start:.0f} s")
    if args.tremor_only:
        tremor_report(results, defaultdict(_shipped))
        return
    rows = identity_rows(results, cals)
    print_table(rows, label)
    spread = spread_report(rows) if not args.identity else {}
    if not args.identity:
        constants_report(cals)
    print_table(identity_rows(results, defaultdict(Calibration.identity)), "raw (uncalibrated)")
    tremor_report(results, cals)
    if args.write_spread and not args.identity:
        doc = json.loads(DATA.read_text(encoding="utf-8"))
        meaning = (
            "SD over procedural identities of the per-identity mean signed error, "
            "leave-one-identity-out (benchmarks/video_accuracy.py); widens posture intervals"
        )
        doc["spread_deg"] = {**spread, "meaning": meaning}
        text = json.dumps(doc, indent=1, ensure_ascii=False)
        text = re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2]", text)
        DATA.write_text(text + "\n", encoding="utf-8")
        print(f"written spread to {DATA}")


def _shipped() -> Any:
    from cdcare.video.headpose import calibration

    return calibration()


if __name__ == "__main__":
    main()
