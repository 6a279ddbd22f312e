"""The PDF visit report: text, fonts, flags and sections, checked by reading the PDF back."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import Engine, select

from cdcare.care.demo import load_demo
from cdcare.care.patients import (
    create_centre,
    create_patient,
    latest_assessments,
    record_assessment,
)
from cdcare.clinical.planning import make_plan, make_record, plan_findings
from cdcare.clinical.posture import muscles, parse_pattern
from cdcare.clinical.scales import get_instrument, list_instruments, score
from cdcare.clinical.sources import bibliography, split_tags
from cdcare.errors import ConfigError
from cdcare.l10n import date_text
from cdcare.reports import pdf as pdf_module
from cdcare.reports.collect import collect_report
from cdcare.reports.model import (
    InjectionEntry,
    ReportData,
    ReportHeader,
    ScaleEntry,
    VideoEntry,
)
from cdcare.reports.pdf import build_pdf
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import Patient

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # 10:30 in Seoul
SEOUL = ZoneInfo("Asia/Seoul")


def read_pdf(data: bytes) -> tuple[PdfReader, list[str]]:
    """The reader and the extracted text of each page."""
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("reports") / "demo.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_scope(engine) as db:
        load_demo(db=db, patients=2, today=TODAY)
    yield engine
    engine.dispose()


def _first_patient(engine: Engine) -> int:
    with session_scope(engine) as db:
        pid = db.scalars(select(Patient.id).order_by(Patient.record_number)).first()
    assert pid is not None
    return pid


def test_demo_patient_report_in_korean(demo_engine: Engine) -> None:
    pid = _first_patient(demo_engine)
    with session_scope(demo_engine) as db:
        patient = db.get(Patient, pid)
        assert patient is not None
        record = patient.record_number
        twstrs = [a for a in latest_assessments(db=db, patient_id=pid) if a.instrument == "twstrs"]
        data = collect_report(db=db, patient_id=pid, generated_by="Dr Test", now=NOW)
    assert twstrs, "the demo patient has TWSTRS scores"
    newest = twstrs[0]  # newest first
    reader, pages = read_pdf(build_pdf(data, lang="ko"))
    text = "\n".join(pages)
    assert record in pages[0]
    assert "평가 척도" in text and "척도" in pages[0]
    assert "2026. 11. 25. 오전 10:30 KST" in pages[0]  # report time in Asia/Seoul, Korean
    assert "Dr Test" in pages[0]

    # the newest TWSTRS row: date, severity, disability, pain, total as stored
    lines = [line.strip() for line in text.splitlines()]
    day = date_text(newest.assessed_at.astimezone(SEOUL).date(), "ko")
    i = lines.index(day)
    expected = [
        *(f"{newest.subscores[k]:g}" for k in ("severity", "disability", "pain")),
        f"{newest.total:g}",
    ]
    assert lines[i + 1 : i + 5] == expected

    # the Korean font is embedded (a font file in each font's descriptor), nothing else used
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    names = {name.split("+")[-1] for name in fonts}
    assert names == {"NanumGothic", "NanumGothicBold"}
    assert all("/FontFile2" in f["/FontDescriptor"] for f in fonts.values())

    # footer: demo notice and "page n of N" on every page
    for n, page_text in enumerate(pages, start=1):
        assert "합성 데모 데이터" in page_text
        assert f"{len(pages)}쪽 중 {n}쪽" in page_text


def test_unconfirmed_flag_once_per_unverified_instrument(demo_engine: Engine) -> None:
    pid = _first_patient(demo_engine)
    with session_scope(demo_engine) as db:
        data = collect_report(db=db, patient_id=pid, generated_by="x", now=NOW)
    present = {e.instrument for e in data.scales}
    unverified = {i.code for i in list_instruments() if not i.verified and i.code in present}
    assert unverified
    text = "\n".join(read_pdf(build_pdf(data, lang="en"))[1])
    assert text.count("Unconfirmed reference [U]") == len(unverified)
    assert "Rating scales" in text and "Synthetic demo data" in text and "Page 1 of" in text


def _header() -> ReportHeader:
    return ReportHeader(
        centre="테스트 병원",
        record_number="SYN-42",
        birth_year=1980,
        sex="F",
        onset_date=date(2020, 3, 1),
        generated_by="tester",
        generated_at=NOW,
    )


def test_empty_sections_are_left_out() -> None:
    _, pages = read_pdf(build_pdf(ReportData(header=_header()), lang="en"))
    text = "\n".join(pages)
    assert "SYN-42" in text and "테스트 병원" in text and "Female" in text
    assert "Nov 25, 2026, 10:30 AM KST" in text  # a UTC time is shown in Asia/Seoul
    for heading in ("Rating scales", "Video measurements", "Injection record", "Injection plan"):
        assert heading not in text
    assert "Synthetic demo data" not in text  # not demo data
    assert len(pages) == 1 and "Page 1 of 1" in pages[0]


def test_video_injection_and_plan_sections() -> None:
    plan = make_plan([parse_pattern("torticollis:left")], "botox")
    record = make_record(
        on=date(2026, 9, 1),
        product="botox",
        lot="LOT-1",
        dilution_u_per_ml=50,
        items=plan.items,
        guidance="emg",
        injector="tester",
        today=TODAY,
    )
    video = VideoEntry.from_analysis(
        date(2026, 10, 1),
        {
            "angles": "relative_to_reference",
            "posture": {"rotation_deg": 23.4, "tilt_deg": -5.1, "flexion_deg": 3.2},
            "tremor": {"present": True, "axis": "yaw", "frequency_hz": 2.1, "amplitude_deg": 1.5},
        },
    )
    findings = tuple(plan_findings(plan))
    data = ReportData(
        header=_header(),
        video=(video,),
        injections=(InjectionEntry(record, "U onabotulinumtoxinA (Botox)"),),
        plan=plan,
        plan_findings=findings,
    )
    text = " ".join(" ".join(read_pdf(build_pdf(data, lang="ko"))[1]).split())
    assert "영상 측정" in text and "주사 기록" in text and "주사 계획" in text
    assert "+23.4" in text and "-5.1" in text and "yaw 2.1 Hz" in text and "본인 중립 자세" in text
    first = plan.items[0]
    assert muscles()[first.muscle].ko in text
    assert first.range is not None
    assert f"{first.range.low:g}–{first.range.high:g}" in text
    assert f"총량 {plan.total:g}" in text
    for f in findings:
        assert f.source in text


def test_missing_font_is_a_config_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "NanumGothic.ttf"
    monkeypatch.setitem(pdf_module.FONT_FILES, pdf_module.REGULAR, missing)
    with pytest.raises(ConfigError) as err:
        build_pdf(ReportData(header=_header()), lang="ko")
    assert "fonts-nanum" in err.value.text("en") and str(missing) in err.value.text("en")
    assert "fonts-nanum" in err.value.text("ko") and "설치" in err.value.text("ko")


def test_alerts_from_stored_answers_are_shown(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        centre = create_centre(db=db, code="SYN", name="Synthetic clinic")
        p = create_patient(
            db=db, centre_id=centre.id, record_number="A-1", birth_year=1975, sex="M"
        )
        answers = {f"q{i}": 0 for i in range(1, 10)}
        answers["q9"] = 1
        record_assessment(db=db, patient_id=p.id, instrument="phq9", answers=answers)
        data = collect_report(db=db, patient_id=p.id, generated_by="x", now=NOW)
    engine.dispose()
    assert data.scales[0].alerts == tuple(score("phq9", answers).alerts)
    rule = next(a for a in get_instrument("phq9").alerts if a.code == "phq9_item9_safety")
    text = " ".join(" ".join(read_pdf(build_pdf(data, lang="ko"))[1]).split())
    assert rule.label_ko in text
    assert "Synthetic demo data" not in text and "합성 데모" not in text  # not the demo centre


phq9_answers = st.fixed_dictionaries({f"q{i}": st.integers(0, 3) for i in range(1, 10)})


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(phq9_answers, min_size=1, max_size=4))
def test_phq9_rows_show_totals_and_signed_changes(sets: list[dict[str, int]]) -> None:
    results = [score("phq9", a) for a in sets]
    entries = tuple(
        ScaleEntry("phq9", date(2026, 1, 1) + timedelta(days=30 * i), r.subscores, r.total, r.band)
        for i, r in enumerate(results)
    )
    text = read_pdf(build_pdf(ReportData(header=_header(), scales=entries), lang="en"))[1]
    lines = [line.strip() for line in "\n".join(text).splitlines()]
    previous = None
    for entry in entries:
        i = lines.index(f"{entry.on:%b} {entry.on.day}, {entry.on.year}")
        assert entry.total is not None
        row = lines[i + 1 : i + 5]  # PHQ-2, total, change, band
        assert row[0] == f"{entry.subscores['phq2']:g}" and row[1] == f"{entry.total:g}"
        if previous is None:
            assert row[2] == "–"
        else:
            delta = entry.total - previous
            assert row[2] == (f"+{delta:g}" if delta > 0 else f"{delta:g}")
        band = next(b for b in get_instrument("phq9").bands if b.code == entry.band)
        assert row[3] == band.label_en
        previous = entry.total


def test_report_ends_with_the_sources_it_cites() -> None:
    plan = make_plan([parse_pattern("torticaput:left")], "dysport")
    data = ReportData(header=_header(), plan=plan, plan_findings=tuple(plan_findings(plan)))
    pages = read_pdf(build_pdf(data, lang="en"))[1]
    text = " ".join(" ".join(pages).split())
    assert "Sources" in text
    listed = text[text.rindex("Sources") :]
    cited = {t for i in plan.items if i.range is not None for t in split_tags(i.range.source)}
    cited |= {t for f in data.plan_findings for t in split_tags(f.source)}
    assert cited and "U" in cited
    for tag in cited - {"U"}:
        entry = bibliography().sources[tag]
        assert f"[{tag}] {entry.title}"[:40] in listed, tag
    assert "[U] Unconfirmed reference" in listed
    # a report without any citation has no Sources section
    bare = " ".join(read_pdf(build_pdf(ReportData(header=_header()), lang="en"))[1])
    assert "Sources" not in bare
