"""Head tremor from the angle series: Welch power spectrum of each detrended axis.

Method, per axis (yaw, roll, pitch; degrees):

1. resample the series onto a uniform grid at the clip's mean frame rate (linear
   interpolation; real timestamps, so variable frame rates are handled; gaps of missing frames
   are interpolated);
2. remove slow posture drift: a linear trend, then a zero-phase 2nd-order Butterworth
   high-pass at ``HIGHPASS_HZ`` (run forward and backward, so the amplitude gain is
   ``1 / (1 + (HIGHPASS_HZ / f)⁴)``: 0.885 at 1.0 Hz (−11.5 %), 0.941 at 1.2 Hz, 0.975 at
   1.5 Hz, above 0.99 from 2 Hz; slow sway at 0.3 Hz keeps 0.06 of its amplitude. These are
   the filter's own response, checked with ``scipy.signal.sosfreqz`` at 15, 30 and 60
   frames/s: 0.886–0.889 at 1.0 Hz, 0.942–0.945 at 1.2 Hz, 0.976–0.978 at 1.5 Hz);
3. Welch power spectral density (Hann window, segments of up to ``SEGMENT_S`` seconds, 50%
   overlap, zero-padded to a 0.02 Hz grid), searched from ``BAND_HZ[0]`` to ``BAND_HZ[1]`` Hz
   (capped below the Nyquist frequency). Dystonic head tremor is often slow (about 2 Hz) and
   mostly in pitch or yaw [V1].

Peak frequency (Hz) = the highest LOCAL maximum of the spectrum inside the band (from
``EDGE_TOLERANCE_HZ`` below its lower edge): the band's edge bin under the skirt of a slow sway
(< 1 Hz, spectrum still rising below the band) is not a peak, so sway is not called tremor.
Amplitude (degrees, zero-to-peak of an equivalent sine) = √(2·P) where P is the power (deg²) of
the peak's own lobe: outward from the peak while the power keeps falling, at most
``PEAK_HALF_WIDTH_HZ`` (or two frequency resolutions) away, also below 1 Hz; a side lobe of a
larger, slower peak ends at its valleys, so it does not borrow that peak's power. Measured on
pure sines (tests/video/test_tremor.py) the amplitude read is then the filter's gain above:
0.88–0.91 of the true amplitude at 1.0 Hz (0.63 before the lobe could extend below the band),
0.92 at 1.2 Hz, 0.97–1.0 from 1.5 Hz. Regularity = P / total power in the band and the lobe
(0–1); the tremor is ``regular`` when it is at least ``REGULAR_FRACTION``.

Detection threshold (documented, not from a clinical source): tremor is present when the dominant
axis' amplitude is ≥ ``MIN_AMPLITUDE_DEG`` **and** its regularity ≥ ``MIN_CONCENTRATION`` **and**
the clip holds at least ``MIN_DURATION_S`` seconds and three cycles of the peak. A still head
(landmark jitter about 0.1–0.3° RMS, spread over the band) stays below both limits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import signal

FloatArray = npt.NDArray[np.float64]

BAND_HZ = (1.0, 12.0)
EDGE_TOLERANCE_HZ = 0.03
"""A spectral peak this far below ``BAND_HZ[0]`` still counts (a 1.0 Hz tremor's maximum
may fall on the grid point just below 1 Hz); slower maxima are sway, not tremor."""
HIGHPASS_HZ = 0.6
SEGMENT_S = 8.0
PEAK_HALF_WIDTH_HZ = 0.35
MIN_AMPLITUDE_DEG = 0.4
MIN_CONCENTRATION = 0.25
REGULAR_FRACTION = 0.5
MIN_DURATION_S = 2.0
AXES = ("yaw", "roll", "pitch")


@dataclass(frozen=True)
class AxisSpectrum:
    """One axis: peak frequency (Hz), amplitude (deg, zero-to-peak), regularity (0–1)."""

    axis: str
    frequency_hz: float
    amplitude_deg: float
    regularity: float


@dataclass(frozen=True)
class TremorResult:
    """Tremor verdict. ``present`` False leaves the other fields describing the largest peak
    (or None when the clip is too short to assess, see ``assessed``)."""

    present: bool
    assessed: bool
    axis: str | None
    frequency_hz: float | None
    amplitude_deg: float | None
    regular: bool | None
    regularity: float | None
    axes: tuple[AxisSpectrum, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The contract's ``tremor`` object (plus per-axis detail)."""
        return {
            "present": self.present,
            "assessed": self.assessed,
            "axis": self.axis,
            "frequency_hz": _r(self.frequency_hz, 2),
            "amplitude_deg": _r(self.amplitude_deg, 2),
            "regular": self.regular,
            "regularity": _r(self.regularity, 2),
            "threshold": {
                "min_amplitude_deg": MIN_AMPLITUDE_DEG,
                "min_concentration": MIN_CONCENTRATION,
                "band_hz": list(BAND_HZ),
            },
            "axes": [
                {
                    "axis": a.axis,
                    "frequency_hz": round(a.frequency_hz, 2),
                    "amplitude_deg": round(a.amplitude_deg, 2),
                    "regularity": round(a.regularity, 2),
                }
                for a in self.axes
            ],
        }


def _r(x: float | None, nd: int) -> float | None:
    return None if x is None else round(x, nd)


NOT_ASSESSED = TremorResult(False, False, None, None, None, None, None)


def resample(t: Sequence[float], y: Sequence[float | None], fs: float) -> FloatArray | None:
    """Values of ``y`` (None = missing) on a uniform grid at ``fs`` Hz; None if < 2 valid.

    Frames already on the grid (within a quarter period) are used as they are, so no
    interpolation smooths the signal; missing frames and irregular timing are filled by linear
    interpolation.
    """
    tt = np.asarray(t, dtype=float)
    yy = np.array([np.nan if v is None else v for v in y], dtype=float)
    ok = np.isfinite(yy)
    if ok.sum() < 2:
        return None
    tt, yy = tt[ok], yy[ok]
    k = np.round((tt - tt[0]) * fs).astype(int)
    on_grid = np.all(np.abs((tt - tt[0]) * fs - k) < 0.25) and np.all(np.diff(k) > 0)
    grid = np.arange(k[-1] + 1)
    if on_grid:
        out: FloatArray = np.interp(grid, k, yy)
        return out
    out = np.interp(tt[0] + grid / fs, tt, yy)
    return out


def _lobe(p: FloatArray, i: int, reach: int) -> tuple[int, int]:
    """First and last index of the spectral lobe around the maximum ``i``: outward while the
    power keeps falling, at most ``reach`` bins (a side lobe of a larger, slower peak ends at
    its valleys, so it does not borrow that peak's power)."""
    lo = i
    while lo > 0 and i - lo < reach and p[lo - 1] <= p[lo]:
        lo -= 1
    hi = i
    while hi < len(p) - 1 and hi - i < reach and p[hi + 1] <= p[hi]:
        hi += 1
    return lo, hi


def axis_spectrum(x: FloatArray, fs: float, axis: str) -> AxisSpectrum | None:
    """Peak of one uniformly sampled angle series (degrees, ``fs`` Hz); None if too short."""
    n = len(x)
    hi = min(BAND_HZ[1], 0.45 * fs)
    if n < 8 or hi <= BAND_HZ[0]:
        return None
    x = signal.detrend(x)
    sos = signal.butter(2, HIGHPASS_HZ, btype="highpass", fs=fs, output="sos")
    x = signal.sosfiltfilt(sos, x, padlen=min(n - 1, int(fs)))
    nperseg = min(n, int(SEGMENT_S * fs))
    nfft = max(nperseg, int(2 ** math.ceil(math.log2(fs / 0.02))))
    f, p = signal.welch(x, fs=fs, window="hann", nperseg=nperseg, nfft=nfft, detrend=False)
    band = (f >= BAND_HZ[0] - EDGE_TOLERANCE_HZ) & (f <= hi)
    if not band.any():
        return None
    df = float(f[1] - f[0])
    # a peak is a local maximum of the whole spectrum: the band's edge bin under a slow sway's
    # skirt (spectrum still rising below 1 Hz) is not one
    local = np.zeros_like(band)
    local[1:-1] = (p[1:-1] >= p[:-2]) & (p[1:-1] >= p[2:])
    peaks = np.flatnonzero(band & local)
    if not len(peaks):
        return AxisSpectrum(axis, float(f[np.flatnonzero(band)[0]]), 0.0, 0.0)
    i = int(peaks[np.argmax(p[peaks])])
    lo, hi_i = _lobe(p, i, round(max(PEAK_HALF_WIDTH_HZ, 2.0 * fs / nperseg) / df))
    near = np.zeros_like(band)
    near[lo : hi_i + 1] = True
    peak = float(p[near].sum() * df)  # the peak's own lobe, also its part below the band
    total = float(p[band | near].sum() * df)
    amp = math.sqrt(2.0 * peak)
    return AxisSpectrum(axis, float(f[i]), amp, peak / total if total > 0 else 0.0)


def analyze_tremor(
    t: Sequence[float], angles: Mapping[str, Sequence[float | None]]
) -> TremorResult:
    """Tremor presence, dominant axis, frequency (Hz), amplitude (deg) and regularity.

    ``t`` are frame timestamps (s); ``angles`` maps 'yaw'/'roll'/'pitch' to per-frame degrees
    (None where not measured).
    """
    if len(t) < 8:
        return NOT_ASSESSED
    span = float(t[-1]) - float(t[0])
    if span <= 0:
        return NOT_ASSESSED
    fs = (len(t) - 1) / span  # mean frame rate (Hz)
    spectra: list[AxisSpectrum] = []
    duration = 0.0
    for axis in AXES:
        series = angles.get(axis)
        if series is None:
            continue
        x = resample(t, series, fs)
        if x is None:
            continue
        duration = max(duration, len(x) / fs)
        spec = axis_spectrum(x, fs, axis)
        if spec is not None:
            spectra.append(spec)
    if not spectra or duration < MIN_DURATION_S:
        return NOT_ASSESSED
    best = max(spectra, key=lambda s: s.amplitude_deg * s.regularity)
    present = (
        best.amplitude_deg >= MIN_AMPLITUDE_DEG
        and best.regularity >= MIN_CONCENTRATION
        and duration * best.frequency_hz >= 3.0
    )
    return TremorResult(
        present=present,
        assessed=True,
        axis=best.axis if present else None,
        frequency_hz=best.frequency_hz if present else None,
        amplitude_deg=best.amplitude_deg if present else None,
        regular=(best.regularity >= REGULAR_FRACTION) if present else None,
        regularity=best.regularity if present else None,
        axes=tuple(spectra),
    )


__all__ = ["AXES", "BAND_HZ", "MIN_AMPLITUDE_DEG", "TremorResult", "analyze_tremor"]
