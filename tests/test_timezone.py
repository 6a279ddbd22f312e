"""One time zone: ``CDCARE_TIMEZONE`` moves every local date and time together (cdcare.clock).

A stored UTC instant late in the evening in New York is already the next morning in Seoul: with
the setting changed, the timeline, the worklist, the visit report and the CLI all put it on the
New York date, and no module but ``clock.py`` names a zone of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare import clock
from cdcare.care import worklist as wl
from cdcare.care.patients import create_centre, create_patient, record_assessment
from cdcare.care.timeline import patient_events
from cdcare.config import get_settings
from cdcare.reports.collect import collect_report
from cdcare.store.db import make_engine, session_factory
from cdcare.store.migrate import upgrade
from cdcare.store.models import Patient, ScaleAssessment

SRC = Path(__file__).resolve().parents[1] / "src" / "cdcare"
#: 03:00 UTC on 1 June 2026 = 23:00 on 31 May in New York (EDT, UTC−4) = 12:00 on 1 June in Seoul.
LATE_EVENING_NY = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
NY_DATE, SEOUL_DATE = date(2026, 5, 31), date(2026, 6, 1)


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``CDCARE_TIMEZONE=America/New_York`` for one test (settings re-read before and after)."""
    monkeypatch.setenv("CDCARE_TIMEZONE", "America/New_York")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'tz.sqlite3'}")
    upgrade(engine)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def _patient_with_phq9(db: Session) -> Patient:
    centre = create_centre(db=db, code="TZ", name="Zone centre")
    patient = create_patient(
        db=db, centre_id=centre.id, record_number="TZ-1", birth_year=1970, sex="F"
    )
    answers = {f"q{i}": 0 for i in range(1, 10)} | {"q9": 1}  # item 9 above 0: a worklist row
    record_assessment(
        db=db,
        patient_id=patient.id,
        instrument="phq9",
        answers=answers,
        assessed_at=LATE_EVENING_NY,
    )
    db.flush()
    return patient


def test_clock_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDCARE_TIMEZONE", raising=False)
    get_settings.cache_clear()
    try:
        assert clock.centre_zone().key == "Asia/Seoul"
        assert clock.local_date(LATE_EVENING_NY) == SEOUL_DATE
        monkeypatch.setenv("CDCARE_TIMEZONE", "America/New_York")
        get_settings.cache_clear()
        assert clock.centre_zone().key == "America/New_York"
        assert clock.local_date(LATE_EVENING_NY) == NY_DATE
        assert clock.to_local(LATE_EVENING_NY).hour == 23
        noon = clock.local_instant(NY_DATE, time(12))
        assert noon.astimezone(UTC) == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)
        assert clock.local_today(now=LATE_EVENING_NY) == NY_DATE
    finally:
        get_settings.cache_clear()


@pytest.mark.usefixtures("new_york")
def test_timeline_worklist_and_report_use_the_configured_zone(db: Session) -> None:
    patient = _patient_with_phq9(db)

    scale_events = [
        e for e in patient_events(db=db, patient_id=patient.id, lang="en") if e.kind == "scale"
    ]
    assert [e.on for e in scale_events] == [NY_DATE]

    hits = wl.patient_hits(
        db=db,
        patient=patient,
        today=NY_DATE + timedelta(days=1),
        lookahead_weeks=2,
        now=LATE_EVENING_NY + timedelta(days=1),
    )
    item9 = [h for h in hits if h.reason == "phq9_item9"]
    assert [h.on for h in item9] == [NY_DATE]
    assert item9[0].params["date"] == NY_DATE  # a date, written per reader when shown

    report = collect_report(db=db, patient_id=patient.id, generated_by="test", now=LATE_EVENING_NY)
    assert [s.on for s in report.scales] == [NY_DATE]
    assert report.header.generated_at.utcoffset() == timedelta(hours=-4)


def test_an_explicit_zone_still_wins(db: Session, new_york: None) -> None:
    patient = _patient_with_phq9(db)
    events = patient_events(
        db=db, patient_id=patient.id, lang="en", zone=clock.centre_zone("Asia/Seoul")
    )
    assert [e.on for e in events if e.kind == "scale"] == [SEOUL_DATE]


def test_cli_scale_date_is_noon_in_the_configured_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_york: None
) -> None:
    """``cdcare patient scale --date D`` stores noon of D in the centre zone (16:00 UTC in NY)."""
    from cdcare.cli.main import run

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CDCARE_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as db:
        _patient_with_phq9(db)
        db.commit()
    answers = tmp_path / "phq9.json"
    answers.write_text(
        '{"q1": 1, "q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 0}',
        encoding="utf-8",
    )
    code = run(
        [
            "patient",
            "scale",
            "TZ-1",
            "phq9",
            "--answers",
            str(answers),
            "--date",
            NY_DATE.isoformat(),
            "--centre",
            "TZ",
        ]
    )
    assert code == 0
    with session_factory(engine)() as db:
        newest = db.scalars(select(ScaleAssessment).order_by(ScaleAssessment.id.desc())).first()
        assert newest is not None
        assert newest.assessed_at.astimezone(UTC) == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)
    engine.dispose()


_ZONE_LITERAL = re.compile(r"Asia/Seoul|ZoneInfo\(\s*[\"']")


@pytest.mark.parametrize(
    "module",
    sorted(
        p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*.py")
        if p.name != "clock.py" or p.parent != SRC
    ),
)
def test_no_module_but_clock_names_a_zone(module: str) -> None:
    """Python sources outside ``clock.py`` neither write "Asia/Seoul" nor build a zone from a
    literal name (data files, catalogues and templates are not code and are not checked)."""
    text = (SRC / module).read_text(encoding="utf-8")
    assert not _ZONE_LITERAL.search(text), (
        f"src/cdcare/{module} names a time zone: use cdcare.clock"
    )
