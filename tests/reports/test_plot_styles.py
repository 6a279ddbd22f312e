"""Plot series are told apart by marker and line style, not by colour alone (WCAG 1.4.1)."""

from __future__ import annotations

from datetime import date

from cdcare.reports.plots import _trend_figure


def test_each_series_has_its_own_marker_and_line_style() -> None:
    pts = [(date(2026, 1, d), float(d)) for d in (1, 10, 20)]
    fig = _trend_figure({"TWSTRS": pts, "PHQ-9": pts, "GAD-7": pts}, "t", "y", [])
    styles = {(line.get_marker(), str(line.get_linestyle())) for line in fig.axes[0].lines}
    assert len(styles) == 3
    assert len({m for m, _ in styles}) == 3 and len({ls for _, ls in styles}) == 3
