"""SynthSpec validation and per-frame ground truth (no rendering: fast)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdcare.errors import InputError
from cdcare.video.synth import LIMITS, GroundTruth, SynthSpec, frame_truths, load_truth

FLOAT_FIELDS = [n for n in LIMITS if n not in ("width", "height")]


@given(
    name=st.sampled_from(FLOAT_FIELDS),
    excess=st.floats(min_value=1e-3, max_value=1e3),
    above=st.booleans(),
)
def test_out_of_range_values_raise_input_error_naming_the_field(
    name: str, excess: float, above: bool
) -> None:
    low, high = LIMITS[name]
    value = high + excess if above else low - excess
    with pytest.raises(InputError) as err:
        SynthSpec(**{name: value})  # type: ignore[arg-type]
    assert name in err.value.text("en")
    assert name in err.value.text("ko") and err.value.text("ko") != err.value.text("en")
    assert err.value.exit_code == 2


@given(
    yaw=st.floats(-85, 85),
    roll=st.floats(-60, 60),
    pitch=st.floats(-45, 45),
    fps=st.floats(1, 240),
)
def test_in_range_values_are_accepted(yaw: float, roll: float, pitch: float, fps: float) -> None:
    spec = SynthSpec(yaw_deg=yaw, roll_deg=roll, pitch_deg=pitch, fps=fps, seconds=1.0)
    assert spec.n_frames == max(1, round(fps))


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"fps": 0.0}, "fps"),
        ({"seconds": 0.0}, "seconds"),
        ({"seconds": -1.0}, "seconds"),
        ({"yaw_deg": 86.0}, "yaw_deg"),
        ({"roll_deg": -61.0}, "roll_deg"),
        ({"pitch_deg": 46.0}, "pitch_deg"),
        ({"yaw_deg": float("nan")}, "yaw_deg"),
        ({"tremor_hz": 15.0, "fps": 30.0}, "tremor_hz"),
        ({"tremor_hz": 6.0, "fps": 10.0}, "tremor_hz"),
        ({"tremor_axis": "twist"}, "tremor_axis"),
        ({"yaw_deg": 82.0, "tremor_deg": 5.0, "tremor_axis": "yaw"}, "yaw_deg"),
        ({"width": 641}, "width"),
        ({"noise": 1.5}, "noise"),
    ],
)
def test_bad_specs_are_refused(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(InputError) as err:
        SynthSpec(**kwargs)  # type: ignore[arg-type]
    assert needle in err.value.text("en")


def test_tremor_on_another_axis_does_not_count_against_the_limit() -> None:
    spec = SynthSpec(yaw_deg=84.0, tremor_deg=5.0, tremor_axis="pitch", tremor_hz=2.0)
    assert max(abs(f.pitch_deg) for f in frame_truths(spec)) == pytest.approx(5.0, abs=0.05)


@settings(max_examples=40, deadline=None)
@given(
    hz=st.floats(2.0, 10.0),
    deg=st.floats(0.5, 5.0),
    axis=st.sampled_from(["yaw", "roll", "pitch"]),
    base=st.floats(-20.0, 20.0),
)
def test_tremor_truth_is_a_sinusoid_at_the_requested_frequency(
    hz: float, deg: float, axis: str, base: float
) -> None:
    spec = SynthSpec(
        **{f"{axis}_deg": base},  # type: ignore[arg-type]
        tremor_hz=hz,
        tremor_deg=deg,
        tremor_axis=axis,  # type: ignore[arg-type]
        seconds=4.0,
        fps=30.0,
    )
    truth = GroundTruth(spec, frame_truths(spec))
    t = truth.series("t_s")
    assert np.allclose(np.diff(t), 1 / 30.0)
    x = truth.series(f"{axis}_deg") - base
    # Least-squares sinusoid fit over a frequency grid: the best frequency is the requested one.
    grid = np.arange(1.0, 14.0, 0.01)
    power = [abs(np.exp(-2j * np.pi * f * t) @ x) for f in grid]
    assert abs(grid[int(np.argmax(power))] - hz) < 0.05
    design = np.column_stack([np.sin(2 * np.pi * hz * t), np.cos(2 * np.pi * hz * t)])
    coef = np.linalg.lstsq(design, x, rcond=None)[0]
    assert math.hypot(*coef) == pytest.approx(deg, rel=1e-6)
    assert coef[0] > 0  # sine phase: starts at the base angle, rising
    for other in {"yaw", "roll", "pitch"} - {axis}:
        assert np.all(truth.series(f"{other}_deg") == 0.0)


def test_truth_without_tremor_is_constant_and_carries_shifts() -> None:
    spec = SynthSpec(yaw_deg=12.5, lateral_shift=0.4, shoulder_elevation=-0.1, seconds=1.0)
    frames = frame_truths(spec)
    assert len(frames) == 30
    assert {f.yaw_deg for f in frames} == {12.5}
    assert {(f.lateral_shift, f.shoulder_elevation) for f in frames} == {(0.4, -0.1)}


def test_ground_truth_round_trips_through_json(tmp_path: Path) -> None:
    spec = SynthSpec(roll_deg=-7.0, tremor_hz=3.0, tremor_deg=2.0, tremor_axis="roll", fps=25.0)
    truth = GroundTruth(spec, frame_truths(spec))
    path = tmp_path / "clip.json"
    path.write_text(json.dumps(truth.to_json()), encoding="utf-8")
    assert load_truth(path) == truth
    assert load_truth(path).spec == replace(spec)


def test_load_truth_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="truth file"):
        load_truth(path)
    with pytest.raises(InputError, match="not found"):
        load_truth(tmp_path / "missing.json")


def test_tremor_shapes() -> None:
    from cdcare.video.synth import SynthSpec, frame_truths

    base = {"tremor_hz": 3.3, "tremor_deg": 2.0, "seconds": 4.0, "fps": 30.0}
    for shape in ("sine", "jerky", "modulated"):
        yaws = np.array([f.yaw_deg for f in frame_truths(SynthSpec(tremor_shape=shape, **base))])
        assert np.max(np.abs(yaws)) <= 2.0 + 1e-9 and np.max(np.abs(yaws)) > 1.5
    jerky = [f.yaw_deg for f in frame_truths(SynthSpec(tremor_shape="jerky", **base))]
    sine = [f.yaw_deg for f in frame_truths(SynthSpec(**base))]
    assert not np.allclose(jerky, sine)
    with pytest.raises(InputError, match="tremor_shape"):
        SynthSpec(tremor_shape="wobbly")  # type: ignore[arg-type]
