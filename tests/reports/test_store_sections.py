"""The injection log and video measurements come from the store into the PDF (collect_report)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cdcare.care.demo import load_demo
from cdcare.care.injections import sessions
from cdcare.care.patients import create_centre, create_patient
from cdcare.clinical.posture import muscles
from cdcare.clinical.toxins import get_product
from cdcare.reports.collect import FULL_SESSIONS, SUMMARY_SESSIONS, VIDEO_LIMIT, collect_report
from cdcare.reports.pdf import build_pdf
from cdcare.store.care_models import InjectionSession, InjectionSite
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import Patient
from cdcare.store.video_models import JobStatus, VideoAnalysis

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)


def pdf_text(data: Any, lang: str) -> str:
    """All page text of the built PDF, whitespace collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(build_pdf(data, lang=lang)))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("store_sections") / "r.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    with session_scope(eng) as db:
        load_demo(db=db, patients=2, today=TODAY)
    yield eng
    eng.dispose()


def _new_patient(db: Session, record: str) -> int:
    centre = create_centre(db=db, code=f"C-{record}", name="Synthetic clinic")
    p = create_patient(db=db, centre_id=centre.id, record_number=record, birth_year=1972, sex="F")
    return p.id


def _result(rotation: float, tilt: float = -4.0, relative: bool = False) -> dict[str, Any]:
    """A small result shaped like the docs/video.md video contract."""
    return {
        "video": {"fps": 30.0, "frames": 90, "duration_s": 3.0, "width": 640, "height": 480},
        "quality": {"face_found_ratio": 0.97, "multiple_faces": False, "warnings": []},
        "angles": "relative_to_reference" if relative else "absolute",
        "reference": {"video": "neutral.mp4"} if relative else None,
        "posture": {
            "rotation_deg": rotation,
            "tilt_deg": tilt,
            "flexion_deg": 6.5,
            "lateral_shift": 0.0,
            "sagittal_shift": -0.12,
            "shoulder_elevation": 0.03,
        },
        "tremor": {
            "present": True,
            "axis": "yaw",
            "frequency_hz": 2.2,
            "amplitude_deg": 1.4,
            "regular": False,
        },
        "twstrs": {"rotation": 1},
    }


def _video(db: Session, pid: int, status: JobStatus, result: Any, day: date) -> None:
    at = datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)
    db.add(VideoAnalysis(patient_id=pid, status=status, result=result, created_at=at))
    db.flush()


def test_demo_patient_newest_session_is_in_the_pdf(engine: Engine) -> None:
    with session_scope(engine) as db:
        pid = db.scalars(select(Patient.id).order_by(Patient.record_number)).first()
        assert pid is not None
        logged = sessions(db=db, patient_id=pid)
        newest = logged[-1]
        site = newest.sites[0]
        product, muscle, dose = newest.product, site.muscle, site.dose
        data = collect_report(db=db, patient_id=pid, generated_by="t", now=NOW)
        n = len(logged)
    assert n >= 2, "the demo patient has several sessions"
    # newest first, the newest FULL_SESSIONS in full, the next ones summarised, none lost
    assert [e.record.on for e in data.injections] == sorted(
        (e.record.on for e in data.injections), reverse=True
    )
    assert data.injections[0].record.on == newest.injected_on
    assert len(data.injections) == min(n, FULL_SESSIONS)
    assert len(data.earlier_injections) == min(max(0, n - FULL_SESSIONS), SUMMARY_SESSIONS)
    assert data.video == ()  # the demo cohort has no video analyses

    text = pdf_text(data, "en")
    assert "Injection record" in text
    assert get_product(product).en in text
    assert f"{muscles()[muscle].en} {site.side} {dose:g}" in text
    on = newest.injected_on
    assert newest.lot in text and f"{on:%b} {on.day}, {on.year}" in text
    assert "Video measurements" not in text
    ko = pdf_text(data, "ko")
    assert "주사 기록" in ko and get_product(product).ko in ko


def test_finished_video_analyses_newest_first(engine: Engine) -> None:
    with session_scope(engine) as db:
        pid = _new_patient(db, "VID-1")
        base = date(2026, 1, 5)
        rotations = [10.0 + 5 * k for k in range(VIDEO_LIMIT + 2)]
        for k, rot in enumerate(rotations):
            _video(db, pid, JobStatus.DONE, _result(rot, relative=k == 0), base + timedelta(k))
        _video(db, pid, JobStatus.FAILED, None, base + timedelta(30))
        _video(db, pid, JobStatus.QUEUED, None, base + timedelta(31))
        data = collect_report(db=db, patient_id=pid, generated_by="t", now=NOW)
    # only finished ones, newest first, at most VIDEO_LIMIT
    assert [v.rotation_deg for v in data.video] == rotations[::-1][:VIDEO_LIMIT]
    assert data.injections == () and data.earlier_injections == ()
    text = pdf_text(data, "en")
    newest = rotations[-1]
    assert f"+{newest:g} left" in text and "-4 right" in text and "+6.5 chin down" in text
    assert "yaw 2.2 Hz" in text and "absolute" in text
    assert f"+{rotations[0]:g}" not in text  # the oldest finished one is beyond the limit
    assert text.index(f"+{newest:g}") < text.index(f"+{rotations[-2]:g}")
    assert "Injection record" not in text
    ko = pdf_text(data, "ko")
    assert f"+{newest:g} 왼쪽" in ko and "영상 측정" in ko


def test_patient_without_either_has_no_such_sections(engine: Engine) -> None:
    with session_scope(engine) as db:
        pid = _new_patient(db, "NONE-1")
        _video(db, pid, JobStatus.FAILED, None, date(2026, 3, 1))  # failed: no measurement
        data = collect_report(db=db, patient_id=pid, generated_by="t", now=NOW)
    assert data.video == () and data.injections == () and data.omitted_injections == 0
    for lang, headings in (("en", ("Injection record", "Video measurements", "Earlier")),):
        text = pdf_text(data, lang)
        assert "NONE-1" in text
        for heading in headings:
            assert heading not in text
    ko = pdf_text(data, "ko")
    assert "NONE-1" in ko and "주사 기록" not in ko and "영상 측정" not in ko


def _sessions(db: Session, pid: int, n: int) -> None:
    """``n`` plain logged sessions 90 days apart (direct rows: the log's checks are not
    what is tested here)."""
    for k in range(n):
        db.add(
            InjectionSession(
                patient_id=pid,
                injected_on=date(2020, 1, 1) + timedelta(days=90 * k),
                product="botox",
                unit=get_product("botox").unit,
                lot=f"LOT-{k}",
                dilution_u_per_ml=50.0,
                guidance="emg",
                injector="Dr Synthetic",
                total_units=20.0 + k,
                sites=[InjectionSite(muscle="splenius_capitis", side="left", dose=20.0 + k)],
            )
        )
    db.flush()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, FULL_SESSIONS + SUMMARY_SESSIONS + 3))
@example(FULL_SESSIONS + SUMMARY_SESSIONS + 2)
def test_session_split_keeps_every_session_accounted(n: int) -> None:
    engine = make_engine("sqlite://")
    upgrade(engine)
    try:
        with session_scope(engine) as db:
            pid = _new_patient(db, f"N-{n}")
            _sessions(db, pid, n)
            data = collect_report(db=db, patient_id=pid, generated_by="t", now=NOW)
    finally:
        engine.dispose()
    shown = [e.record.on for e in (*data.injections, *data.earlier_injections)]
    assert len(shown) + data.omitted_injections == n
    assert shown == sorted(shown, reverse=True)  # newest first throughout
    assert len(data.injections) == min(n, FULL_SESSIONS)
    if data.omitted_injections:
        text = pdf_text(data, "en")
        assert f"{data.omitted_injections} older sessions are not shown" in text
        assert "Earlier sessions (summary)" in text
        assert "2020-01-01" not in text  # the oldest session is only counted
