"""Power spectra of the head-angle series, for display (the tremor decision is in tremor.py).

Same preprocessing as :func:`cdcare.video.tremor.axis_spectrum`: the series (degrees, per-frame
timestamps in seconds) is resampled to its mean frame rate, detrended, high-passed at
``HIGHPASS_HZ`` and passed to Welch's method; the spectrum is returned over the tremor search
band ``BAND_HZ`` (Hz) in deg²/Hz.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import signal

from cdcare.video.tremor import BAND_HZ, HIGHPASS_HZ, SEGMENT_S, resample


def angle_spectra(
    t: Sequence[float], angles: Mapping[str, Sequence[float | None]]
) -> dict[str, tuple[list[float], list[float]]]:
    """Axis → (frequencies in Hz, power in deg²/Hz) within the search band; short axes omitted."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    if len(t) < 8 or t[-1] <= t[0]:
        return out
    fs = (len(t) - 1) / (float(t[-1]) - float(t[0]))
    hi = min(BAND_HZ[1], 0.45 * fs)
    for axis, values in angles.items():
        x = resample(t, values, fs)
        if x is None or len(x) < 8 or hi <= BAND_HZ[0]:
            continue
        x = signal.detrend(x)
        sos = signal.butter(2, HIGHPASS_HZ, btype="highpass", fs=fs, output="sos")
        x = signal.sosfiltfilt(sos, x, padlen=min(len(x) - 1, int(fs)))
        f, p = signal.welch(x, fs=fs, window="hann", nperseg=min(len(x), int(SEGMENT_S * fs)))
        band = (f >= BAND_HZ[0]) & (f <= hi)
        out[axis] = (np.asarray(f[band]).tolist(), np.asarray(p[band]).tolist())
    return out


__all__ = ["angle_spectra"]
