"""Tremor: frequency and amplitude of a synthetic oscillation, nothing on a still head."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdcare.video.tremor import MIN_AMPLITUDE_DEG, analyze_tremor


def _series(
    freq: float,
    amp: float,
    axis: str,
    *,
    fps: float = 30.0,
    seconds: float = 6.0,
    jitter_s: float = 0.0,
    noise: float = 0.15,
    seed: int = 0,
) -> tuple[list[float], dict]:
    rng = np.random.default_rng(seed)
    n = round(seconds * fps)
    t = np.arange(n) / fps + rng.normal(0, jitter_s, n)
    t.sort()
    angles = {
        a: list(rng.normal(0, noise, len(t)) + 3.0 + 0.5 * t) for a in ("yaw", "roll", "pitch")
    }
    angles[axis] = list(np.asarray(angles[axis]) + amp * np.sin(2 * np.pi * freq * t))
    return list(t), angles


@settings(max_examples=25, deadline=None)
@given(st.floats(1.5, 10.0), st.floats(1.0, 5.0), st.sampled_from(["yaw", "roll", "pitch"]))
def test_frequency_axis_and_amplitude(freq: float, amp: float, axis: str) -> None:
    t, angles = _series(freq, amp, axis, jitter_s=0.002)
    r = analyze_tremor(t, angles)
    assert r.present and r.assessed and r.axis == axis
    assert r.frequency_hz is not None and abs(r.frequency_hz - freq) <= 0.1
    assert r.amplitude_deg is not None and abs(r.amplitude_deg - amp) <= 0.15 * amp
    assert r.regular


def test_slow_dystonic_tremor_at_two_hertz_in_pitch() -> None:
    t, angles = _series(2.0, 1.0, "pitch", fps=25.0, seconds=5.0)
    r = analyze_tremor(t, angles)
    assert r.present and r.axis == "pitch" and r.frequency_hz is not None
    assert abs(r.frequency_hz - 2.0) < 0.1


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.05, 0.3))
def test_still_head_has_no_tremor(seed: int, noise: float) -> None:
    t, angles = _series(2.0, 0.0, "yaw", noise=noise, seed=seed)
    r = analyze_tremor(t, angles)
    assert r.assessed and not r.present
    assert r.axis is None and r.frequency_hz is None
    assert all(a.amplitude_deg < MIN_AMPLITUDE_DEG for a in r.axes)


def test_slow_drift_is_not_tremor() -> None:
    t = np.arange(0, 6, 1 / 30)
    angles = {"yaw": list(10 * np.sin(2 * np.pi * 0.2 * t)), "roll": [0.0] * len(t)}
    assert not analyze_tremor(list(t), angles).present


def test_missing_frames_are_bridged() -> None:
    t, angles = _series(4.0, 2.0, "yaw")
    for i in range(40, 50):
        angles["yaw"][i] = None
    r = analyze_tremor(t, angles)
    assert r.present and r.frequency_hz is not None and abs(r.frequency_hz - 4.0) < 0.15


def test_too_short_is_not_assessed() -> None:
    t, angles = _series(3.0, 3.0, "yaw", seconds=1.0)
    r = analyze_tremor(t, angles)
    assert not r.assessed and not r.present
    one = analyze_tremor([0.0], {"yaw": [1.0]})
    assert not one.assessed
    js = one.to_json()
    assert js["present"] is False and js["frequency_hz"] is None


@pytest.mark.parametrize(("hz", "gain"), [(1.0, 0.885), (1.2, 0.941), (1.5, 0.975), (0.3, 0.059)])
def test_highpass_gain_is_what_the_docstring_says(hz: float, gain: float) -> None:
    from scipy import signal

    from cdcare.video.tremor import HIGHPASS_HZ

    fs = 30.0
    t = np.arange(0, 60, 1 / fs)
    x = np.sin(2 * np.pi * hz * t)
    sos = signal.butter(2, HIGHPASS_HZ, btype="highpass", fs=fs, output="sos")
    y = signal.sosfiltfilt(sos, x)
    mid = slice(len(t) // 4, 3 * len(t) // 4)  # away from the edges
    measured = float(np.sqrt(2 * np.mean(y[mid] ** 2)))
    assert measured == pytest.approx(gain, abs=0.01)
    assert gain == pytest.approx(1 / (1 + (HIGHPASS_HZ / hz) ** 4), abs=0.001)
