"""Speed and memory of the video pipeline (prints figures; nothing is asserted).

1. On 640×480 synthetic clips at 15° and 60° of rotation (``--yaws``; at 60° the pose model
   runs on every frame): frames/s of the bare MediaPipe models called directly on
   every frame (face mesh with refined landmarks + pose, frames already decoded in memory), and
   of the whole ``analyze`` pipeline on the mp4 file (decoding included), and their ratio.
2. Peak resident memory of ``analyze`` (a fresh process each) on a 1-minute and a
   ``--minutes``-long 720p clip (a rendered 10-s segment repeated), to show it is flat in length.

    .venv/bin/python benchmarks/video_speed.py [--seconds 10] [--minutes 10] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from cdcare.video.io import open_video, quiet_native_stderr
from cdcare.video.synth import SynthSpec, render_frames, write_clip


def bare_fps(frames: list[np.ndarray]) -> float:
    """Face mesh + pose on every frame, called directly (frames in memory)."""
    import mediapipe as mp

    with quiet_native_stderr():
        face = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False, max_num_faces=1, refine_landmarks=True
        )
        pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1)
        rgb0 = cv2.cvtColor(frames[0], cv2.COLOR_BGR2RGB)
        face.process(rgb0)
        pose.process(rgb0)
    start = time.perf_counter()
    for f in frames:
        rgb = cv2.cvtColor(f, cv2.COLOR_BGR2RGB)
        face.process(rgb)
        pose.process(rgb)
    elapsed = time.perf_counter() - start
    face.close()
    pose.close()
    return len(frames) / elapsed


def pipeline_fps(path: Path) -> tuple[float, int]:
    """The whole ``analyze`` on the file (decode, models, measures, summary)."""
    from cdcare.video.pipeline import analyze

    source = open_video(path)
    start = time.perf_counter()
    result = analyze(source).to_json()
    elapsed = time.perf_counter() - start
    n = int(result["video"]["frames"])
    return n / elapsed, n


def make_long_clip(path: Path, minutes: float, segment: list[np.ndarray], fps: float) -> None:
    """Write ``minutes`` of video by repeating ``segment`` (mp4v)."""
    h, w = segment[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    total = int(minutes * 60 * fps)
    for i in range(total):
        writer.write(segment[i % len(segment)])
    writer.release()


# VmHWM (peak resident set of this process image), not ru_maxrss: after fork + exec Linux
# carries the parent's ru_maxrss into the child.
MEMORY_PROBE = """
import json, re, sys, time
from cdcare.video.pipeline import analyze_path
t = time.perf_counter()
r = analyze_path(sys.argv[1]).to_json()
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(json.dumps({"frames": r["video"]["frames"], "seconds": time.perf_counter() - t,
                  "peak_rss_mb": int(hwm) / 1024}))
"""


def peak_memory(path: Path) -> dict[str, float]:
    """Run ``analyze_path`` in a fresh interpreter; its peak RSS (MB), frames and time."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="speed clip length (s)")
    ap.add_argument("--minutes", type=float, default=10.0, help="long clip for memory (min)")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--yaws", default="15,60", help="speed clips' rotations (deg), comma-separated")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for yaw in (float(y) for y in args.yaws.split(",")):
            if args.skip_speed:
                break
            spec = SynthSpec(
                seconds=args.seconds, fps=30.0, width=640, height=480, yaw_deg=yaw,
                tremor_hz=3.0, tremor_deg=3.0, tremor_axis="yaw", noise=0.2,
            )  # fmt: skip
            clip = Path(tmp) / f"speed_{yaw:g}.mp4"
            write_clip(clip, spec)
            frames = [f for _, f in open_video(clip).frames()]
            bare = bare_fps(frames)
            pipe, n = pipeline_fps(clip)
            del frames
            print(f"speed clip at {yaw:g}°: {n} frames 640x480 ({args.seconds:g} s at 30 fps)")
            print(f"bare MediaPipe face mesh + pose, every frame: {bare:7.1f} frames/s")
            print(f"whole analyze pipeline (decode included):   {pipe:7.1f} frames/s")
            print(f"ratio pipeline / bare: {pipe / bare:.2f} (target >= 0.9)", flush=True)
        if args.skip_memory:
            return
        seg_spec = SynthSpec(seconds=10.0, fps=30.0, width=1280, height=720, yaw_deg=20.0)
        segment = [f for _, f, _ in render_frames(seg_spec)]
        paths = []
        for minutes in (1.0, args.minutes):
            paths.append((minutes, Path(tmp) / f"long_{minutes:g}min.mp4"))
            make_long_clip(paths[-1][1], minutes, segment, 30.0)
        del segment
        for minutes, path in paths:
            m = peak_memory(path)
            print(
                f"{minutes:g}-min 720p clip: {int(m['frames'])} frames, "
                f"{m['frames'] / m['seconds']:.1f} frames/s, peak RSS {m['peak_rss_mb']:.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
