"""Batch video analysis three ways on the same folder: serial, local pool, Dask LocalCluster.

Renders ``--clips`` short synthetic clips (``cdcare.video.synth``, different head turns), then
analyses the folder with ``analyze_folder`` serially (``jobs=1``), with the local process pool
(``--jobs 2``) and on a ``dask.distributed`` LocalCluster of 2 worker processes (1 thread
each), each into its own output folder. Prints clips/s of each, the ratios to serial, and
whether all three wrote identical per-clip JSON and CSV summaries. Times include the pool's
process start-up (it is part of a ``cdcare analyze --jobs 2`` run); the cluster's start-up is
timed separately (a cluster is started once and reused).

    .venv/bin/python benchmarks/batch_video.py [--clips 12] [--seconds 2.5]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from cdcare.jobs.video_folder import SUMMARY_NAME, analyze_folder
from cdcare.video.synth import SynthSpec, write_clip


def make_clips(folder: Path, n: int, seconds: float) -> None:
    for i in range(n):
        spec = SynthSpec(
            yaw_deg=-30.0 + 60.0 * i / max(1, n - 1),
            roll_deg=5.0 if i % 2 else -5.0,
            tremor_hz=4.0 if i % 3 == 0 else 0.0,
            tremor_deg=2.0 if i % 3 == 0 else 0.0,
            seconds=seconds,
            fps=15.0,
            width=320,
            height=240,
            seed=i,
        )
        write_clip(folder / f"clip{i:02d}.mp4", spec)


def timed(label: str, folder: Path, out: Path, **kwargs: object) -> float:
    start = time.perf_counter()
    rows = analyze_folder(folder, out, **kwargs)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    ok = sum(1 for r in rows if r["status"] == "ok")
    print(f"{label:<28} {elapsed:7.2f} s  {len(rows) / elapsed:6.3f} clips/s  ({ok} ok)")
    return len(rows) / elapsed


def same_results(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.glob("*.json"))
    if names != sorted(p.name for p in b.glob("*.json")):
        return False
    for name in names:
        if json.loads((a / name).read_text()) != json.loads((b / name).read_text()):
            return False
    return (a / SUMMARY_NAME).read_bytes() == (b / SUMMARY_NAME).read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=2.5)
    args = parser.parse_args()
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clips = root / "clips"
        clips.mkdir()
        start = time.perf_counter()
        make_clips(clips, args.clips, args.seconds)
        print(f"{args.clips} clips of {args.seconds} s, 320x240 at 15 fps rendered in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        serial = timed("serial (jobs=1)", clips, root / "serial", jobs=1)
        pool = timed("local pool (--jobs 2)", clips, root / "pool", jobs=2)
        start = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:  # fmt: skip
            print(f"{'LocalCluster start-up':<28} {time.perf_counter() - start:7.2f} s")
            dask = timed("Dask LocalCluster (2 workers)", clips, root / "dask",
                         scheduler=cluster.scheduler_address)  # fmt: skip
        print(f"ratio pool/serial {pool / serial:.2f}, dask/serial {dask / serial:.2f}, "
              f"dask/pool {dask / pool:.2f}")  # fmt: skip
        identical = same_results(root / "serial", root / "pool") and same_results(
            root / "serial", root / "dask"
        )
        print(f"identical JSON and summary.csv on all three paths: {identical}")
        if not identical:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
