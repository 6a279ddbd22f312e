"""The PDF shows each video angle's 95 % interval and says what it means."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from cdcare.reports.model import ReportData, ReportHeader, VideoEntry
from cdcare.reports.pdf import build_pdf


def test_pdf_shows_angle_intervals() -> None:
    video = VideoEntry.from_analysis(
        date(2026, 10, 1),
        {
            "angles": "absolute",
            "posture": {"rotation_deg": 23.4, "tilt_deg": -5.1, "flexion_deg": None},
            "posture_interval": {"rotation_deg": [21.0, 25.5], "tilt_deg": [-6.0, -4.2]},
        },
    )
    assert video.rotation_interval == (21.0, 25.5) and video.flexion_interval is None
    header = ReportHeader(
        centre="Test",
        record_number="SYN-1",
        birth_year=1980,
        sex="F",
        onset_date=date(2020, 3, 1),
        generated_by="tester",
        generated_at=datetime(2026, 10, 2, tzinfo=UTC),
    )
    pdf = build_pdf(ReportData(header=header, video=(video,)), lang="en")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "[+21, +25.5]" in text and "[-6, -4.2]" in text  # signed, at most one decimal
    assert "95% interval" in text and "within the measurement's own noise" in text
