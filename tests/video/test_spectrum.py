"""Display spectra peak where the oscillation is, and stay within the tremor search band."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from cdcare.video.spectrum import angle_spectra
from cdcare.video.tremor import BAND_HZ


@settings(max_examples=25, deadline=None)
@given(freq=st.floats(1.5, 9.0), amp=st.floats(0.5, 5.0))
def test_peak_at_the_oscillation(freq: float, amp: float) -> None:
    fs, n = 30.0, 300
    t = [i / fs for i in range(n)]
    yaw = [10.0 + amp * math.sin(2 * math.pi * freq * x) for x in t]
    spectra = angle_spectra(t, {"yaw": yaw, "roll": [None] * n})
    assert "roll" not in spectra  # nothing measured on that axis
    f, p = spectra["yaw"]
    assert min(f) >= BAND_HZ[0] and max(f) <= BAND_HZ[1]
    peak = f[max(range(len(p)), key=p.__getitem__)]
    assert abs(peak - freq) <= 0.25


def test_too_short_gives_nothing() -> None:
    assert angle_spectra([0.0, 0.1, 0.2], {"yaw": [1.0, 2.0, 3.0]}) == {}
