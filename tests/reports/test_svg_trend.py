"""The web trend plot written as SVG text: valid XML, points in place, series told apart."""

from __future__ import annotations

import time
from datetime import date
from xml.etree import ElementTree as ET

from cdcare.reports.svg_trend import trend_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _points(group: ET.Element) -> list[tuple[float, float]]:
    line = group.find("s:polyline", NS)
    assert line is not None
    return [tuple(map(float, p.split(","))) for p in line.get("points", "").split()]  # type: ignore[misc]


def test_points_are_placed_by_date_and_value() -> None:
    """Later date → further right; higher value (worse) → higher on the page (smaller y)."""
    svg = trend_svg(
        {"TWSTRS": [(date(2026, 3, 1), 30.0), (date(2026, 1, 1), 40.0), (date(2026, 2, 1), 20.0)]},
        title="Scale totals",
        ylabel="points",
    )
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    (group,) = root.findall("s:g", NS)
    pts = _points(group)
    assert [x for x, _ in pts] == sorted(x for x, _ in pts) and pts[0][0] < pts[-1][0]
    y_jan, y_feb, y_mar = (y for _, y in pts)
    assert y_jan < y_mar < y_feb  # 40 above 30 above 20
    assert len(group.findall("s:polygon", NS)) + len(group.findall("s:circle", NS)) == 4


def test_series_differ_by_marker_and_dash_and_text_is_escaped() -> None:
    pts = [(date(2026, 1, d), float(d)) for d in (1, 10, 20)]
    svg = trend_svg(
        {"A <b>": pts, "PHQ-9": pts, "GAD-7": pts, "empty": []},
        title="증상 & 통증",
        markers=[(date(2026, 1, 5), "BoNT")],
    )
    root = ET.fromstring(svg)  # noqa: S314 (our own output; fails on an unescaped "<b>" or "&")
    groups = root.findall("s:g", NS)
    assert [g.get("data-label") for g in groups] == ["A <b>", "PHQ-9", "GAD-7"]  # no "empty"
    assert len({g.get("data-marker") for g in groups}) == 3
    dashes = {g.find("s:polyline", NS).get("stroke-dasharray", "") for g in groups}  # type: ignore[union-attr]
    assert len(dashes) == 3
    assert "증상 &amp; 통증" in svg and "BoNT" in svg


def test_fast_enough_for_every_page_view() -> None:
    pts = [(date(2026, 1, 1 + d % 28), float(d % 24)) for d in range(60)]
    t0 = time.perf_counter()
    for _ in range(20):
        trend_svg({"TWSTRS": pts, "PHQ-9": pts}, title="t", ylabel="y")
    assert (time.perf_counter() - t0) / 20 < 0.02  # < 20 ms each (matplotlib: 60–450 ms)
