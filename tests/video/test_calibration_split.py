"""The calibration grid (benchmarks/video_calibrate.py) is disjoint from the evaluation grid
(benchmarks/video_accuracy.py): no clip is rendered the same way in both."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _render_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (
        c.get("seed", 0),
        c.get("noise", 0.0),
        c.get("lighting", 0.0),
        c.get("yaw_deg", 0.0),
        c.get("pitch_deg", 0.0),
        c.get("roll_deg", 0.0),
    )


def test_calibration_and_evaluation_grids_are_disjoint() -> None:
    cal = _load("video_calibrate").calibration_grid()
    evaluation = _load("video_accuracy").grid(True)
    cal_seeds = {c["seed"] for c in cal}
    eval_seeds = {c.get("seed", 0) for c in evaluation}
    assert not cal_seeds & eval_seeds
    assert not {_render_key(c) for c in cal} & {_render_key(c) for c in evaluation}
    assert {c["noise"] for c in cal}.isdisjoint({c["noise"] for c in evaluation})
    # the calibration covers the ranges it fits: head back and forward, large turns both ways
    pitches = [c["pitch_deg"] for c in cal if abs(c["yaw_deg"]) <= 10]
    yaws = [c["yaw_deg"] for c in cal]
    assert min(pitches) <= -35 and max(pitches) >= 35
    assert min(yaws) <= -80 and max(yaws) >= 80
