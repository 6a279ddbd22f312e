"""Dated line plots written directly as SVG text (no matplotlib): the web pages' trend plots.

matplotlib takes 60–450 ms of CPU per figure, which made the patient timeline the slowest page
under load (docs/security.md, "Load"); this writer takes about a millisecond. The PDF keeps the
matplotlib figure (:func:`cdcare.reports.plots.trend_png`).

Same conventions as :mod:`cdcare.reports.plots`: x is the local calendar date (centre zone,
``cdcare.clock``), y the measure's points as stored (higher = worse), each series its own marker
and dash pattern (WCAG 1.4.1, not colour alone). Text stays text, in the page's font
(Korean-capable).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 720, 288  # px: 7.5 × 3.0 in at 96 dpi, like the matplotlib figure
LEFT, RIGHT, TOP, BOTTOM = 58, 36, 30, 28
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
#: Marker shape and stroke-dasharray per series (cycled); "" is a solid line.
STYLES = (
    ("circle", ""),
    ("square", "6 3"),
    ("triangle", "1.5 3"),
    ("diamond", "6 3 1.5 3"),
    ("vee", "5 1 1 1"),
)


def _nice_step(span: float, ticks: int = 5) -> float:
    """A 1, 2 or 5 × 10^k step giving about ``ticks`` intervals over ``span`` (> 0)."""
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _y_ticks(lo: float, hi: float) -> list[float]:
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    step = _nice_step(hi - lo)
    first = math.floor(lo / step) * step
    count = math.ceil((hi - first) / step) + 1
    return [round(first + i * step, 10) for i in range(count)]


def _date_ticks(lo: date, hi: date) -> list[date]:
    """About six tick dates between ``lo`` and ``hi``: days, weeks or month starts."""
    days = (hi - lo).days
    if days <= 14:
        step = max(1, days // 6)
        return [lo + timedelta(days=i) for i in range(0, days + 1, step)]
    if days <= 90:
        return [lo + timedelta(days=i) for i in range(0, days + 1, 7 * max(1, days // 42))]
    months = max(1, round(days / 30.4 / 6))
    out: list[date] = []
    year, month = lo.year, lo.month + 1
    while True:
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        tick = date(year, month, 1)
        if tick > hi:
            return out or [lo]
        out.append(tick)
        month += months


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    r = 3.5
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    corners = {
        "square": ((-r, -r), (r, -r), (r, r), (-r, r)),
        "triangle": ((0, -r), (r, r), (-r, r)),
        "vee": ((0, r), (r, -r), (-r, -r)),
        "diamond": ((0, -r), (r, 0), (0, r), (-r, 0)),
    }[shape]
    pts = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in corners)
    return f'<polygon points="{pts}" fill="{colour}"/>'


def trend_svg(
    series: Mapping[str, Sequence[tuple[date, float]]],
    *,
    title: str = "",
    ylabel: str = "",
    markers: Sequence[tuple[date, str]] = (),
) -> str:
    """A line plot of dated series as an inline SVG document string.

    ``series``: label → (date, value) points; ``markers``: vertical dashed lines (e.g.
    injections) with a short label. Empty series are left out of the plot and the legend.
    """
    drawn = {label: sorted(points) for label, points in series.items() if points}
    days = [d for pts in drawn.values() for d, _ in pts] + [d for d, _ in markers]
    values = [v for pts in drawn.values() for _, v in pts]
    lo_d, hi_d = (min(days), max(days)) if days else (date(2000, 1, 1), date(2000, 1, 1))
    if hi_d == lo_d:
        lo_d, hi_d = lo_d - timedelta(days=1), hi_d + timedelta(days=1)
    yt = _y_ticks(min(values, default=0.0), max(values, default=1.0))
    w, h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(d: date) -> float:
        return LEFT + w * (d - lo_d).days / (hi_d - lo_d).days

    def py(v: float) -> float:
        return TOP + h * (yt[-1] - v) / (yt[-1] - yt[0])

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}</text>',
        f'<text transform="translate(14 {TOP + h / 2}) rotate(-90)" text-anchor="middle">'
        f"{escape(ylabel)}</text>",
    ]
    for v in yt:
        y = py(v)
        out.append(f'<line x1="{LEFT}" x2="{LEFT + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 5}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    for d in _date_ticks(lo_d, hi_d):
        x = px(d)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + h}" stroke="#eee"/>')
        out.append(
            f'<text x="{x:.1f}" y="{TOP + h + 16}" text-anchor="middle">{d.isoformat()}</text>'
        )
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{w}" height="{h}" fill="none" stroke="#555"/>')
    for when, text in markers:
        x = px(when)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + h}" stroke="#9aa5b1" '
            f'stroke-dasharray="4 3"/><text transform="translate({x - 2:.1f} {TOP + 4}) '
            f'rotate(-90)" text-anchor="end" font-size="8" fill="#52606d">{escape(text)}</text>'
        )
    for i, (label, points) in enumerate(drawn.items()):
        colour, (shape, dash) = COLOURS[i % len(COLOURS)], STYLES[i % len(STYLES)]
        coords = [(px(d), py(v)) for d, v in points]
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<g class="series" data-label="{escape(label)}" data-marker="{shape}">'
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="1.5"{dashes}/>'
        )
        out.extend(_marker(shape, x, y, colour) for x, y in coords)
        ly = TOP + 12 + 15 * i
        out.append(
            f'<line x1="{LEFT + 8}" x2="{LEFT + 30}" y1="{ly}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="1.5"{dashes}/>{_marker(shape, LEFT + 19, ly, colour)}'
            f'<text x="{LEFT + 35}" y="{ly + 4}">{escape(label)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


__all__ = ["trend_svg"]
