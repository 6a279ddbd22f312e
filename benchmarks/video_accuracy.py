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
    cases += tremor_grid(names, full)
    for c in cases:
        c.setdefault("noise", 0.1)
    return cases


SINE_HZ = (2.7, 4.3, 6.6)
"""Non-integer tremor frequencies (Hz) of the sine clips; ``--full`` adds 1.3, 5.5 and 9.1."""
SHAPES = (("jerky", (3.4, 5.7)), ("modulated", (3.4, 5.7)), ("harmonic", (2.7, 4.3)))
SWAY_HZ = (0.3, 0.6, 0.9)
"""Slow sway (Hz, 3° zero-to-peak, 6 s): below the tremor band, must not be called tremor."""


def tremor_grid(names: list[str], full: bool) -> list[dict[str, Any]]:
    """Tremor clips (2° zero-to-peak, 4 s) on the first two identities: sines at non-integer
    frequencies, irregular (jerky: wandering phase and harmonics; amplitude-modulated) and
    harmonic-rich waves; slow sway; and still clips on every identity (plus lit-varying and
    noisy ones on the first two) for the false-positive rate."""
    axes = ("yaw", "roll", "pitch")
    base = {"tremor_deg": 2.0, "seconds": 4.0}
    sines = SINE_HZ + ((1.3, 5.5, 9.1) if full else ())
    cases: list[dict[str, Any]] = []
    for j, name in enumerate(names[:2]):
        for i, f in enumerate(sines):
            axis = axes[(i + j) % 3]
            cases.append(
                {"kind": "tremor", "tremor_hz": f, "tremor_axis": axis, **base, "identity": name}
            )
        for i, (shape, freqs) in enumerate(SHAPES):
            cases.append(
                {
                    "kind": "tremor",
                    "tremor_hz": freqs[(i + j) % 2],
                    "tremor_shape": shape,
                    "tremor_axis": axes[(i + j + 1) % 3],
                    **base,
                    "identity": name,
                }
            )
        for i, f in enumerate(SWAY_HZ):
            cases.append(
                {
                    "kind": "sway",
                    "tremor_hz": f,
                    "tremor_deg": 3.0,
                    "seconds": 6.0,
                    "tremor_axis": axes[(i + j + 2) % 3],
                    "identity": name,
                }
            )
        cases.append({"kind": "still", "seconds": 3.0, "lighting": 0.5, "identity": name})
        cases.append({"kind": "still", "seconds": 3.0, "noise": 0.3, "identity": name})
    return cases


def _loio(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Calibration per identity, fitted on the other procedural identities' static clips."""
    from cdcare.video.calibration_fit import fit
    from cdcare.video.synth_identity import IDENTITIES

    static = [r for r in results if r["case"]["kind"] in ("yaw", "roll", "pitch", "combined")]
    procedural = {n for n, i in IDENTITIES.items() if i.procedural}
    summaries = [_summary(r) for r in static]  # recomputed: pickles may predate a field
    out = {}
    for name in {r["case"]["identity"] for r in results}:
        train = [s for s in summaries if s.identity in procedural - {name}]
        out[name] = fit(train)
    return out


def _summary(r: dict[str, Any]) -> Any:
    from cdcare.video.calibration_fit import clip_summary

    c = r["case"]
    truth = (c.get("yaw_deg", 0.0), c.get("roll_deg", 0.0), c.get("pitch_deg", 0.0))
    return clip_summary(c["identity"], truth, r["records"])


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


EDGE_DEG = 2.0
"""Truths closer than this to a band edge (degrees) are counted apart in :func:`twstrs_report`."""


def _edge_distance(item: str, truth: float) -> float:
    """Distance (degrees) of |truth| from the nearest band edge of ``item``: after rounding to
    whole degrees a bound ``b`` starts at ``b − 0.5``."""
    from cdcare.clinical.video_twstrs import BANDS as TW

    bounds = next(b.lower_bounds for b in TW if b.item == item)
    return min(abs(abs(truth) - (b - 0.5)) for b in bounds)


def twstrs_report(results: list[dict[str, Any]], cals: dict[str, Any]) -> None:
    """TWSTRS exact agreement per angle item on the procedural identities, on the whole grid
    and on truths at least :data:`EDGE_DEG` from a band edge (a truth on an edge, e.g. a 45°
    rotation against the 46° bound, flips with any error), and every disagreeing clip with its
    truth, measured value and band edges; 'unmeasured' = no face, so no tilt/flexion."""
    from cdcare.clinical.video_twstrs import BANDS as TW
    from cdcare.video.synth_identity import IDENTITIES

    measure = {"rotation": ("yaw_deg", "rotation_deg"), "laterocollis": ("roll_deg", "tilt_deg"),
               "anterocollis_retrocollis": ("pitch_deg", "flexion_deg")}  # fmt: skip
    counts = {k: [0, 0, 0, 0, 0, 0] for k in ANGLE_ITEMS}  # all, n, off-edge, n, measured, n
    lines: list[str] = []
    for r in results:
        c = r["case"]
        if c["kind"] not in ("yaw", "roll", "pitch", "combined"):
            continue
        if not IDENTITIES[c["identity"]].procedural:
            continue
        out = _evaluate(r, cals[c["identity"]])
        post = out["posture"] if out else {}
        got = suggest(post) if out else {}
        for item in ANGLE_ITEMS:
            key, pkey = measure[item]
            truth = c.get(key, 0.0)
            want = suggest({pkey: truth})[item]
            ok = got.get(item) == want
            far = _edge_distance(item, truth) >= EDGE_DEG
            n = counts[item]
            n[0] += ok
            n[1] += 1
            n[2] += ok and far
            n[3] += far
            n[4] += ok and got.get(item) is not None
            n[5] += got.get(item) is not None
            if not ok:
                v = post.get(pkey)
                bounds = next(b.lower_bounds for b in TW if b.item == item)
                lines.append(f"  {item:<24} {c['identity']:<6} {c['kind']:<8} "
                             f"rot {c.get('yaw_deg', 0):+4.0f} tilt {c.get('roll_deg', 0):+4.0f} "
                             f"flex {c.get('pitch_deg', 0):+4.0f}: truth {truth:+5.1f} → {want}, "
                             f"measured {'unmeasured' if v is None else f'{v:+6.2f}'} → "
                             f"{got.get(item)}; {'' if far else 'ON EDGE, '}bounds "
                             f"{', '.join(f'{b:g}' for b in bounds)}")  # fmt: skip
    print(
        "\nTWSTRS exact agreement, procedural identities (LOIO); truths ≥ "
        f"{EDGE_DEG:g}° from a band edge (after rounding a bound b starts at b − 0.5):"
    )
    for item, (a, n, af, nf, am, nm) in counts.items():
        print(f"  {item:<24} all {a}/{n} = {100 * a / max(n, 1):.0f}%, off-edge {af}/{nf} = "
              f"{100 * af / max(nf, 1):.0f}%, where measured {am}/{nm} = "
              f"{100 * am / max(nm, 1):.0f}%")  # fmt: skip
    print("Disagreeing clips:")
    print("\n".join(sorted(lines)) if lines else "  none")


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
    from cdcare.video.calibration import crosstalk

    for label, attr in (("tilt cross-talk", "tilt_crosstalk_knots"),
                        ("flexion cross-talk", "flexion_crosstalk_knots")):  # fmt: skip
        for x in (25.0, 40.0, 50.0):
            vals = [crosstalk(getattr(c, attr), x) for c in cals.values()]
            print(f"  {label} at a raw rotation of {x:g}: {min(vals):+.2f} to {max(vals):+.2f}° "
                  f"(SD {statistics.pstdev(vals):.2f}) over {len(vals)} folds")  # fmt: skip
    pitch = [c.pitch(-20.0) for c in cals.values() if len(c.pitch_measured_deg) >= 2]
    if pitch:
        print(f"  flexion map at −20: {min(pitch):.1f}–{max(pitch):.1f}° "
              f"(SD {statistics.pstdev(pitch):.2f})")  # fmt: skip


def tremor_report(results: list[dict[str, Any]], cals: dict[str, Any]) -> None:
    """Frequency and amplitude error on tremor clips; false positives on sway and still clips."""
    print("\nTremor clips (2° zero-to-peak, 4 s at 30 fps; frequency of the fundamental):")
    errs, amps, found, total = [], [], 0, 0
    for r in results:
        c = r["case"]
        if c["kind"] != "tremor":
            continue
        out = _evaluate(r, cals[c["identity"]])
        t = out["tremor"] if out else {"present": False}
        total += 1
        if t.get("present"):
            errs.append(abs(t["frequency_hz"] - c["tremor_hz"]))
            amps.append(t["amplitude_deg"])
            found += int(t["axis"] == c["tremor_axis"])
        print(f"  {c['identity']:<9} {c.get('tremor_shape', 'sine'):<9} {c['tremor_hz']:.1f} Hz "
              f"{c['tremor_axis']:<5} → "
              + (f"{t['frequency_hz']:.2f} Hz axis {t['axis']} {t['amplitude_deg']:.2f}°"
                 if t.get("present") else "not detected"))  # fmt: skip
    if errs:
        print(f"  detected on the right axis: {found}/{total}; frequency error: mean "
              f"{statistics.fmean(errs):.3f} Hz, max {max(errs):.3f} Hz (target ≤ 0.2); "
              f"amplitude read {min(amps):.2f}–{max(amps):.2f}° (true 2°)")  # fmt: skip
    for kind, label in (("sway", "slow sway < 1 Hz (3°, 6 s)"), ("still", "still clips (3 s)")):
        clips = [r for r in results if r["case"]["kind"] == kind]
        calls = []
        for r in clips:
            out = _evaluate(r, cals[r["case"]["identity"]])
            if out and out["tremor"].get("present"):
                calls.append(f"{r['case'].get('tremor_hz', 0):g} Hz → "
                             f"{out['tremor']['frequency_hz']:.2f} Hz")  # fmt: skip
        print(f"  tremor called on {label}: {len(calls)}/{len(clips)}"
              + (f" ({'; '.join(calls)})" if calls else ""))  # fmt: skip
    filter_report()


def filter_report() -> None:
    """The tremor high-pass filter's own gain (scipy.signal.sosfreqz, squared: forward and
    backward) and the amplitude the tremor analysis reads on pure 2° sines (8 s, 30 fps)."""
    import numpy as np
    from scipy import signal

    from cdcare.video.tremor import HIGHPASS_HZ, analyze_tremor

    hz = (0.3, 0.6, 0.9, 1.0, 1.2, 1.5, 2.0)
    print(f"\nHigh-pass filter ({HIGHPASS_HZ} Hz, 2nd order, forward-backward) gain:")
    for fps in (15.0, 30.0, 60.0):
        sos = signal.butter(2, HIGHPASS_HZ, btype="highpass", fs=fps, output="sos")
        _, h = signal.sosfreqz(sos, worN=np.array(hz), fs=fps)
        print(f"  {fps:>4.0f} fps: " + ", ".join(f"{f:g} Hz {g:.3f}" for f, g in
                                              zip(hz, np.abs(h) ** 2, strict=True)))  # fmt: skip
    t = np.arange(0, 8, 1 / 30)
    cells = []
    for f in hz:
        r = analyze_tremor(list(t), {"yaw": list(2.0 * np.sin(2 * np.pi * f * t))})
        cells.append(f"{f:g} Hz " + (f"{r.amplitude_deg / 2:.2f}" if r.present else "none"))
    print("  amplitude read / true on pure sines (none = not tremor): " + ", ".join(cells))


SHIFTS = (-1.5, -1.0, -0.5, 0.5, 1.0, 1.5)
"""Lateral and sagittal shifts (inter-ocular distances, the unit of synth, measure and data)."""
ELEVATIONS = (0.0, -0.22, -0.12, -0.05, 0.05, 0.12, 0.22)
"""Shoulder elevations (fraction of shoulder width, the unit of synth, measure and thresholds;
+ = patient's left higher), one inside each TWSTRS band (0.03, 0.08, 0.17), rendered on the
symmetric torso (``torso="symmetric"``: one shoulder really lifted, 0 = a truly level torso)."""


def shift_grid(names: list[str]) -> list[dict[str, Any]]:
    """1-s clips per identity: a neutral one (the reference), lateral and sagittal shifts, and
    shoulder elevations."""
    cases: list[dict[str, Any]] = []
    for name in names:
        base = {"seconds": 1.0, "identity": name, "noise": 0.1}
        cases.append({"kind": "shift0", **base})
        for key in ("lateral_shift", "sagittal_shift"):
            cases += [{"kind": key, key: v, **base} for v in SHIFTS]
        cases += [{"kind": "shoulder_elevation", "shoulder_elevation": v, "torso": "symmetric",
                   **base} for v in ELEVATIONS]  # fmt: skip
    return cases


def _slope(pairs: list[tuple[float, float]]) -> float:
    """Least-squares slope of measured on true through the origin."""
    den = sum(t * t for t, _ in pairs)
    return sum(t * m for t, m in pairs) / den if den else float("nan")


_SHOULDER = "shoulder_elevation"


def shift_report(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per measure: error absolute and relative to the identity's neutral clip, the gain
    (slope), and TWSTRS item agreement (present/absent, shoulder score) with the truth's.
    Returns the pooled figures by measure (for the margins file's prefill note)."""
    from cdcare.clinical.video_twstrs import BANDS

    item = {b.measure: b for b in BANDS}
    neutral: dict[str, dict[str, Any]] = {}
    for r in results:
        c = r["case"]
        if c["kind"] == "shift0":
            out = _evaluate(r, _shipped())
            neutral.setdefault(c["identity"], {}).update(
                {k: v for k, v in (out["posture"] if out else {}).items() if k != _SHOULDER}
            )
        elif c["kind"] == _SHOULDER and c[_SHOULDER] == 0.0:  # the level symmetric torso
            out = _evaluate(r, _shipped())
            neutral.setdefault(c["identity"], {})[_SHOULDER] = (
                out["posture"].get(_SHOULDER) if out else None
            )
    pooled: dict[str, dict[str, Any]] = {}
    print("\nShifts and shoulders (1 s clips, 640×480; relative = minus the identity's neutral)")
    for key, needs_ref in (("lateral_shift", False), ("sagittal_shift", True),
                           ("shoulder_elevation", False)):  # fmt: skip
        rows: dict[str, list[tuple[float, float | None, float | None]]] = defaultdict(list)
        for r in results:
            c = r["case"]
            if c["kind"] != key:
                continue
            out = _evaluate(r, _shipped())
            got = out["posture"].get(key) if out else None
            zero = neutral.get(c["identity"], {}).get(key)
            rel = None if got is None or zero is None else got - zero
            rows[c["identity"]].append((c[key], got, rel))
        agree = total = 0
        abs_err: list[float] = []
        rel_err: list[float] = []
        pairs: list[tuple[float, float]] = []
        for name, vals in sorted(rows.items()):
            cells = []
            for truth, got, rel in vals:
                cells.append(f"{truth:+.2f}→{'–' if got is None else f'{got:+.2f}'}"
                             f"({'–' if rel is None else f'{rel:+.2f}'})")  # fmt: skip
                used = rel if needs_ref else got
                total += 1
                agree += int(used is not None and item[key].score(used) == item[key].score(truth))
                if got is not None:
                    abs_err.append(got - truth)
                if rel is not None:
                    rel_err.append(rel - truth)
                    pairs.append((truth, rel))
            print(f"  {key:<19} {name:<6} " + " ".join(cells))
        z = [neutral[n].get(key) for n in rows if neutral.get(n, {}).get(key) is not None]
        fig = {"mae_abs": statistics.fmean(map(abs, abs_err)) if abs_err else None,
               "mae_rel": statistics.fmean(map(abs, rel_err)) if rel_err else None,
               "gain_rel": _slope(pairs), "agree": agree, "total": total,
               "neutral": (min(z), max(z)) if z else None}  # fmt: skip
        pooled[key] = fig
        print(f"  {key}: MAE absolute {_fmt(fig['mae_abs'])}, relative {_fmt(fig['mae_rel'])}, "
              f"gain (relative, slope) {fig['gain_rel']:.2f}; a neutral clip reads "
              f"{'–' if not z else f'{min(z):+.2f} to {max(z):+.2f}'}; TWSTRS item agreement "
              f"({'relative' if needs_ref else 'absolute'}) {agree}/{total}")  # fmt: skip
    return pooled


PHOTO_ANGLES = (-30.0, -20.0, -10.0, 10.0, 20.0, 30.0)
"""In-plane rotations of the photographs (degrees, + = clockwise = toward the patient's left)."""


def real_photos() -> dict[str, Any]:
    """Real face photographs shipped in installed wheels (nothing downloaded): scikit-image's
    astronaut (NASA, public domain) and its LFW subset (Labeled Faces in the Wild, 25×25 grey
    crops: every 10th of the 100 faces, upscaled ×8 and padded), matplotlib's Grace Hopper
    (US Navy, public domain). BGR uint8."""
    import cv2
    import matplotlib.cbook as cbook
    import numpy as np
    from skimage import data

    photos = {"astronaut": cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)}
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        raw = np.frombuffer(f.read(), np.uint8)
    photos["hopper"] = cv2.imdecode(raw, cv2.IMREAD_COLOR)
    lfw = data.lfw_subset()
    for i in range(0, 100, 10):
        grey = np.asarray(np.clip(lfw[i] * 255, 0, 255), np.uint8)
        grey = cv2.resize(grey, (200, 200), interpolation=cv2.INTER_CUBIC)
        grey = cv2.copyMakeBorder(grey, 100, 100, 100, 100, cv2.BORDER_REPLICATE)
        photos[f"lfw{i:02d}"] = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    return photos


def photo_report() -> None:
    """Tilt on real photographs rotated in the image plane: the change of tilt from the
    unrotated photo against the rotation (the person's own tilt in the photo cancels)."""
    import cv2
    import mediapipe as mp
    import numpy as np

    from cdcare.video import headpose
    from cdcare.video.io import quiet_native_stderr

    cal = headpose.calibration()
    with quiet_native_stderr():
        mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True, max_num_faces=1, refine_landmarks=True
        )
    errors: list[float] = []
    print("\nTilt on real photographs rotated in the image plane (change from the unrotated "
          "photo minus the rotation, deg):")  # fmt: skip
    for name, img in real_photos().items():
        h, w = img.shape[:2]
        tilts: dict[float, float | None] = {}
        yaw = None
        for ang in (0.0, *PHOTO_ANGLES):
            m = cv2.getRotationMatrix2D((w / 2, h / 2), -ang, 1.0)  # OpenCV: + = anticlockwise
            rotated = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT)
            with quiet_native_stderr():
                res = mesh.process(cv2.cvtColor(rotated, cv2.COLOR_BGR2RGB))
            if not res.multi_face_landmarks:
                tilts[ang] = None
                continue
            lms = res.multi_face_landmarks[0].landmark
            pts = np.array([(p.x * w, p.y * h, p.z * w) for p in lms], dtype=float)
            face = cal.correct(headpose.face_angles(pts))
            tilts[ang] = face.roll
            yaw = face.yaw if ang == 0.0 else yaw
        base = tilts[0.0]
        if base is None:
            print(f"  {name:<10} no face found")
            continue
        errs = [t - base - a for a, t in tilts.items() if a and t is not None]
        errors += errs
        print(f"  {name:<10} turned {yaw:+5.1f}°: " + " ".join(f"{e:+.2f}" for e in errs)
              + f"  (found {len(errs)}/{len(PHOTO_ANGLES)})")  # fmt: skip
    mesh.close()
    if errors:
        within = sum(abs(e) <= 1.0 for e in errors)
        print(f"  MAE {statistics.fmean(map(abs, errors)):.2f}°, max {max(map(abs, errors)):.2f}°,"
              f" within 1°: {within}/{len(errors)} (target: all within 1°)")  # fmt: skip


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description="Video accuracy benchmark on synthetic clips.")
    ap.add_argument("--full", action="store_true", help="the full grid (slower)")
    ap.add_argument("--identity", action="append", help="only this identity (repeatable)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--tremor-only", action="store_true",
                    help="only the tremor, sway and still clips")  # fmt: skip
    ap.add_argument("--shift-only", action="store_true",
                    help="only the shift and shoulder-elevation clips (3 identities)")  # fmt: skip
    ap.add_argument("--photos", action="store_true",
                    help="only tilt on real photographs rotated in the image plane")  # fmt: skip
    ap.add_argument("--save", type=Path, help="save the measured clips (pickle) for --load")
    ap.add_argument("--load", type=Path, help="re-report saved clips (no rendering)")
    ap.add_argument("--no-crosstalk", action="store_true",
                    help="without the turn's tilt/flexion cross-talk maps")  # fmt: skip
    ap.add_argument("--write-spread", action="store_true", help="store the spread in "
                    "calibration.json (widens the posture intervals)")  # fmt: skip
    args = ap.parse_args()
    from cdcare.video.calibration_fit import measure_synthetic
    from cdcare.video.headpose import Calibration

    start = time.perf_counter()
    if args.photos:
        photo_report()
        print(f"{time.perf_counter() - start:.0f} s")
        return
    if args.load:
        # --load reads back a file this script wrote itself (--save); never untrusted input
        results = pickle.loads(args.load.read_bytes())  # noqa: S301
    else:
        cases = grid(args.full, args.identity)
        shifts = shift_grid(args.identity or ["ana", "bora", "chidi"])
        cases = shifts if args.shift_only else cases + shifts
        if args.tremor_only:
            cases = [c for c in cases if c["kind"] in ("tremor", "sway", "still")]
        results = [r for _, r in run_local(measure_synthetic, cases, jobs=args.jobs)]
    if args.save:
        args.save.write_bytes(pickle.dumps(results))
    if args.identity:  # LOIO needs the other identities' clips: fit on the calibration grid
        cals = {n: _shipped() for n in args.identity}
        label = "shipped calibration (fitted on the calibration grid)"
    else:
        cals = _loio(results)
        label = "LOIO"
    if args.no_crosstalk:
        from dataclasses import replace

        cals = {n: replace(c, tilt_crosstalk_knots=(), flexion_crosstalk_knots=())
                for n, c in cals.items()}  # fmt: skip
        label += ", no cross-talk correction"
    frames = sum(len(r["truth"]) for r in results)
    print(f"{len(results)} clips, {frames} frames, {time.perf_counter() - start:.0f} s")
    if args.tremor_only:
        tremor_report(results, defaultdict(_shipped))
        return
    if args.shift_only:
        shift_report(results)
        return
    rows = identity_rows(results, cals)
    print_table(rows, label)
    twstrs_report(results, cals)
    spread = spread_report(rows) if not args.identity else {}
    if not args.identity:
        constants_report(cals)
    print_table(identity_rows(results, defaultdict(Calibration.identity)), "raw (uncalibrated)")
    tremor_report(results, cals)
    shift_report(results)
    photo_report()
    if args.write_spread and not args.identity:
        doc = json.loads(DATA.read_text(encoding="utf-8"))
        meaning = (
            "SD over procedural identities of the per-identity mean signed error, "
            "leave-one-identity-out (benchmarks/video_accuracy.py); widens posture intervals"
        )
        doc["spread_deg"] = {**spread, "meaning": meaning}
        text = json.dumps(doc, indent=1, ensure_ascii=False)
        text = re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2]", text)
        text = re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2, \3]", text)
        DATA.write_text(text + "\n", encoding="utf-8")
        print(f"written spread to {DATA}")


def _shipped() -> Any:
    from cdcare.video.headpose import calibration

    return calibration()


if __name__ == "__main__":
    main()
