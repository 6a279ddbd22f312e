"""Server-side plots as SVG text or PNG bytes (matplotlib's object API, no pyplot state),
Korean-capable fonts found by :mod:`cdcare.reports.fonts`.

Dates on the x axis are local (centre zone) calendar dates; y values are in the instrument's
points as stored (higher = worse for every instrument cdcare plots).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cdcare.reports.fonts import plot_families


@cache
def _style() -> None:
    """Korean-capable fonts and SVG text, set once for every figure of the process."""
    matplotlib.rcParams["font.family"] = [*plot_families(), "DejaVu Sans"]
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, small)
    matplotlib.rcParams["axes.unicode_minus"] = False


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A new figure with one axes (object API, no pyplot: safe from web worker threads)."""
    _style()
    fig = Figure(figsize=(width, height), dpi=96)
    return fig, fig.subplots()


#: Each series gets its own marker and line style too, so no series is told apart by colour
#: alone (WCAG 1.4.1; the plots are also printed in grey).
SERIES_STYLES: tuple[tuple[str, object], ...] = (
    ("o", "-"),
    ("s", "--"),
    ("^", ":"),
    ("D", "-."),
    ("v", (0, (5, 1, 1, 1))),
)


def series_style(index: int) -> dict[str, Any]:
    """Marker and line style of the ``index``-th series (cycled)."""
    marker, linestyle = SERIES_STYLES[index % len(SERIES_STYLES)]
    return {"marker": marker, "linestyle": linestyle}


def _trend_figure(
    series: Mapping[str, Sequence[tuple[date, float]]],
    title: str,
    ylabel: str,
    markers: Sequence[tuple[date, str]],
) -> Figure:
    """The trend figure of :func:`trend_png` (the web pages draw theirs with
    :func:`cdcare.reports.svg_trend.trend_svg`)."""
    fig, ax = _figure(7.5, 3.0)
    for i, (label, points) in enumerate(series.items()):
        if points:
            xs, ys = zip(*sorted(points), strict=True)
            ax.plot(xs, ys, markersize=3.5, linewidth=1.5, label=label, **series_style(i))
    for when, text in markers:
        # dates go through matplotlib's units registry; its stubs only say float
        ax.axvline(when, color="#9aa5b1", linewidth=0.8, linestyle="--")  # type: ignore[arg-type]
        ax.annotate(
            text,
            (when, 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            rotation=90,
            va="top",
            ha="right",
            color="#52606d",
        )
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.grid(True, alpha=0.3)
    if any(series.values()):
        ax.legend(fontsize=8, loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def trend_png(
    series: Mapping[str, Sequence[tuple[date, float]]],
    *,
    title: str = "",
    ylabel: str = "",
    markers: Sequence[tuple[date, str]] = (),
    dpi: int = 200,
) -> bytes:
    """A dated trend plot as PNG bytes, 7.5 × 3.0 inches at ``dpi`` (for PDFs); the
    arguments are those of :func:`cdcare.reports.svg_trend.trend_svg`."""
    buf = io.BytesIO()
    _trend_figure(series, title, ylabel, markers).savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def cycle_curves_svg(
    curves: Mapping[str, Sequence[tuple[float, float]]],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
) -> str:
    """Response curves of injection cycles as an SVG document string, one line per cycle.

    ``curves``: label (e.g. "cycle 3") → (x, y) points; x in weeks since that cycle's
    injection (0 = injection day, negative = before it), y in the measure's points as stored
    (higher = worse).
    """
    fig, ax = _figure(7.5, 3.0)
    for i, (label, points) in enumerate(curves.items()):
        if points:
            xs, ys = zip(*sorted(points), strict=True)
            ax.plot(xs, ys, markersize=3.5, linewidth=1.3, label=label, **series_style(i))
    ax.axvline(0, color="#9aa5b1", linewidth=0.8, linestyle="--")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.grid(True, alpha=0.3)
    if any(curves.values()):
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return _to_svg(fig)


def _to_svg(fig: Figure) -> str:
    """Render a figure; the SVG without its XML prolog (so it can be inlined in HTML)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def series_svg(
    t: Sequence[float],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str = "",
    ylabel: str = "",
) -> str:
    """Per-frame series against time as SVG: ``t`` in seconds, values in ``ylabel``'s unit.

    ``None`` values (frames where nothing was measured) are left as gaps.
    """
    fig, ax = _figure(7.5, 2.8)
    for label, values in series.items():
        if values and len(values) == len(t):
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(list(t), ys, linewidth=1.0, label=label)
    ax.axhline(0, color="#9aa5b1", linewidth=0.6)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("s", fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.grid(True, alpha=0.3)
    if any(series.values()):
        ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return _to_svg(fig)


def spectrum_svg(
    spectra: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    title: str = "",
    ylabel: str = "",
    peak_hz: float | None = None,
) -> str:
    """Power spectra (x: Hz, y: deg²/Hz) as SVG, one line per axis; ``peak_hz`` marked."""
    fig, ax = _figure(7.5, 2.6)
    for label, (freqs, power) in spectra.items():
        if freqs:
            ax.plot(list(freqs), list(power), linewidth=1.2, label=label)
    if peak_hz is not None:
        ax.axvline(peak_hz, color="#b42318", linewidth=0.8, linestyle="--")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("Hz", fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.grid(True, alpha=0.3)
    if spectra:
        ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return _to_svg(fig)
