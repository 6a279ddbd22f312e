"""The PDF report writes dates, times and numbers the way its language does (cdcare.l10n, the
same functions as the web pages), keeps every decimal of a dose, and keeps signs and units."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from cdcare.clinical.planning import make_plan, make_record
from cdcare.clinical.posture import parse_pattern
from cdcare.reports.model import InjectionEntry, ReportData, ReportHeader, ScaleEntry, VideoEntry
from cdcare.reports.pdf import build_pdf

NOW = datetime(2026, 3, 5, 6, 45, tzinfo=UTC)  # 15:45 in Seoul
ONSET = date(2020, 3, 1)


def _text(data: ReportData, lang: str) -> str:
    reader = PdfReader(io.BytesIO(build_pdf(data, lang=lang, timezone="Asia/Seoul")))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _data() -> ReportData:
    plan = make_plan([parse_pattern("torticollis:left")], "botox")
    first = dataclasses.replace(plan.items[0], dose=12.125)  # three decimals, typed as given
    record = make_record(
        on=date(2026, 2, 14),
        product="botox",
        lot="LOT-7",
        dilution_u_per_ml=33.75,
        items=[first, *plan.items[1:]],
        guidance="emg",
        injector="tester",
        today=date(2026, 3, 5),
    )
    video = VideoEntry.from_analysis(
        date(2026, 2, 28),
        {"angles": "absolute", "posture": {"rotation_deg": 12.5, "tilt_deg": -4.25}},
    )
    header = ReportHeader(
        centre="Synthetic clinic",
        record_number="SYN-7",
        birth_year=1980,
        sex="F",
        onset_date=ONSET,
        generated_by="tester",
        generated_at=NOW,
    )
    scale = ScaleEntry("phq9", date(2026, 1, 9), {"phq2": 2}, 7, "mild")
    entry = InjectionEntry(record, "U onabotulinumtoxinA (Botox)")
    return ReportData(header=header, scales=(scale,), video=(video,), injections=(entry,))


def test_dates_and_times_follow_the_report_language() -> None:
    data = _data()
    ko, en = _text(data, "ko"), _text(data, "en")
    # onset (a calendar date), the session, the video and the scale row
    for korean, english in (
        ("2020. 3. 1.", "Mar 1, 2020"),
        ("2026. 2. 14.", "Feb 14, 2026"),
        ("2026. 2. 28.", "Feb 28, 2026"),
        ("2026. 1. 9.", "Jan 9, 2026"),
    ):
        assert korean in ko and english not in ko
        assert english in en and korean not in en
    # the report time: an instant shown in the centre's zone
    assert "2026. 3. 5. 오후 3:45 KST" in ko
    assert "Mar 5, 2026, 3:45 PM KST" in en
    assert "2026-02-14" not in ko + en and "2020-03-01" not in ko + en


def test_doses_keep_every_decimal_and_signs_and_units_stay() -> None:
    data = _data()
    for lang in ("ko", "en"):
        text = _text(data, lang)
        assert " 12.125" in text  # the measured-number format (2 decimals) would show 12.12
        assert "12.12 " not in text
        assert "33.75 U/mL" in text
        assert "+12.5" in text and "-4.25" in text  # signed angles, + = patient's left
        total = data.injections[0].record.total
        assert f"{total:g}" in text  # the session total as recorded
