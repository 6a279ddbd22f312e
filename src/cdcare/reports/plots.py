"""Server-side plots as SVG text (matplotlib, Agg backend), Korean-capable fonts.

Dates on the x axis are local (Asia/Seoul) calendar dates; y values are in the instrument's
points as stored (higher = worse for every instrument cdcare plots).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from matplotlib.figure import Figure

KOREAN_FONTS = (
    Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


@cache
def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    families = []
    for path in KOREAN_FONTS:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            families.append(font_manager.FontProperties(fname=str(path)).get_name())
    plt.rcParams["font.family"] = [*families, "DejaVu Sans"]
    plt.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, small)
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _trend_figure(
    series: Mapping[str, Sequence[tuple[date, float]]],
    title: str,
    ylabel: str,
    markers: Sequence[tuple[date, str]],
) -> Figure:
    """The trend figure shared by :func:`trend_svg` and :func:`trend_png` (caller closes it)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.0), dpi=96)
    for label, points in series.items():
        if points:
            xs, ys = zip(*sorted(points), strict=True)
            ax.plot(xs, ys, marker="o", markersize=3, linewidth=1.5, label=label)
    for when, text in markers:
        ax.axvline(when, color="#9aa5b1", linewidth=0.8, linestyle="--")
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
    return cast("Figure", fig)


def trend_svg(
    series: Mapping[str, Sequence[tuple[date, float]]],
    *,
    title: str = "",
    ylabel: str = "",
    markers: Sequence[tuple[date, str]] = (),
) -> str:
    """A line plot of one or more dated series as an SVG document string.

    ``series``: label → (date, value) points; ``markers``: vertical lines (e.g. injections)
    with a short label.
    """
    fig = _trend_figure(series, title, ylabel, markers)
    try:
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
    finally:
        _pyplot().close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog so it can be inlined in HTML


def trend_png(
    series: Mapping[str, Sequence[tuple[date, float]]],
    *,
    title: str = "",
    ylabel: str = "",
    markers: Sequence[tuple[date, str]] = (),
    dpi: int = 200,
) -> bytes:
    """The same plot as :func:`trend_svg` as PNG bytes, 7.5 × 3.0 inches at ``dpi`` (for PDFs)."""
    fig = _trend_figure(series, title, ylabel, markers)
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        _pyplot().close(fig)
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
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.0), dpi=96)
    try:
        for label, points in curves.items():
            if points:
                xs, ys = zip(*sorted(points), strict=True)
                ax.plot(xs, ys, marker="o", markersize=3, linewidth=1.3, label=label)
        ax.axvline(0, color="#9aa5b1", linewidth=0.8, linestyle="--")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel, fontsize=9)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.grid(True, alpha=0.3)
        if any(curves.values()):
            ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
    finally:
        plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def _to_svg(fig: Figure) -> str:
    """Render and close a figure; the SVG without its XML prolog (inlined in HTML)."""
    try:
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
    finally:
        _pyplot().close(fig)
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
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 2.8), dpi=96)
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
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 2.6), dpi=96)
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
