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


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_highpass_frequency_response_at_one_to_one_and_a_half_hertz(fps: float) -> None:
    """The filter itself (scipy.signal.sosfreqz, squared for the forward-backward pass) loses
    no more at 1–1.5 Hz than the docstring says (0.885 at 1 Hz), at common frame rates."""
    from scipy import signal

    from cdcare.video.tremor import HIGHPASS_HZ

    sos = signal.butter(2, HIGHPASS_HZ, btype="highpass", fs=fps, output="sos")
    hz = np.array([1.0, 1.2, 1.5])
    _, h = signal.sosfreqz(sos, worN=hz, fs=fps)
    gain = np.abs(h) ** 2
    assert np.all(gain >= np.array([0.885, 0.941, 0.975]) - 0.001)
    assert np.all(gain <= np.array([0.885, 0.941, 0.975]) + 0.006)


@pytest.mark.parametrize("hz", [0.3, 0.6, 0.8, 0.9, 0.95])
@pytest.mark.parametrize("amp", [2.0, 6.0])
@pytest.mark.parametrize("seconds", [4.0, 8.0])
def test_slow_sway_below_one_hertz_is_not_tremor(hz: float, amp: float, seconds: float) -> None:
    """Sway slower than the band: its spectral skirt at the band's edge is no peak, and a
    side lobe of it does not borrow its power."""
    t, angles = _series(hz, amp, "pitch", seconds=seconds)
    assert not analyze_tremor(t, angles).present


def test_tremor_on_top_of_sway_is_found() -> None:
    t, angles = _series(0.5, 5.0, "yaw", seconds=8.0)
    angles["yaw"] = list(np.asarray(angles["yaw"]) + 1.5 * np.sin(2 * np.pi * 4.3 * np.asarray(t)))
    r = analyze_tremor(t, angles)
    assert r.present and r.axis == "yaw" and r.frequency_hz is not None
    assert abs(r.frequency_hz - 4.3) < 0.1


@pytest.mark.parametrize(("hz", "gain"), [(1.0, 0.885), (1.2, 0.941), (1.5, 0.975)])
def test_amplitude_near_the_band_edge_loses_only_the_filter_gain(hz: float, gain: float) -> None:
    """The whole peak lobe counts, also its part below 1 Hz (it read 0.63 of 1 Hz before)."""
    t, angles = _series(hz, 3.0, "roll", seconds=8.0)
    r = analyze_tremor(t, angles)
    assert r.present and r.amplitude_deg is not None
    assert r.amplitude_deg / 3.0 == pytest.approx(gain, abs=0.06)


@pytest.mark.parametrize(
    ("shape", "hz"), [("harmonic", 2.7), ("harmonic", 4.3), ("jerky", 3.4), ("modulated", 5.7)]
)
def test_irregular_and_harmonic_waves_report_the_fundamental(shape: str, hz: float) -> None:
    """``cdcare synth``'s tremor waves (strong 2nd/3rd harmonics, wandering phase, waxing and
    waning amplitude) read at the fundamental frequency."""
    from cdcare.video.synth import SynthSpec, tremor_wave

    spec = SynthSpec(tremor_hz=hz, tremor_deg=2.0, tremor_shape=shape, seconds=6.0)  # type: ignore[arg-type]
    wave = 2.0 * tremor_wave(spec)
    t = np.arange(spec.n_frames) / spec.fps
    rng = np.random.default_rng(1)
    r = analyze_tremor(list(t), {"pitch": list(wave + rng.normal(0, 0.15, len(t)))})
    assert r.present and r.frequency_hz is not None
    assert abs(r.frequency_hz - hz) <= 0.2
