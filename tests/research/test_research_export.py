"""``cdcare export research``: nothing identifying leaves, dates keep their intervals, the
keys stay in the source database, the export is audited."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cdcare.care.audit import query_events, verify_chain
from cdcare.care.demo import DEMO_CENTRE, load_demo
from cdcare.cli.main import run
from cdcare.store.care_models import (
    AdverseEvent,
    DiaryEntry,
    InjectionSession,
    Intake,
    Medication,
    MedicationEvent,
)
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import Centre, Patient, User, Visit
from cdcare.store.research_models import ResearchKey
from cdcare.store.video_models import JobStatus, VideoAnalysis

NAMES = ("Hong Gildong", "홍길동", "010-1234-5678")  # planted identifying text


@pytest.fixture
def demo(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as db:
        load_demo(db=db, patients=8, today=date(2026, 11, 1))
        first = db.scalars(select(Patient).order_by(Patient.id)).first()
        assert first is not None
        first.notes = "Hong Gildong, phone 010-1234-5678, lives near the clinic"
        visit = db.scalars(select(Visit).where(Visit.patient_id == first.id)).first()
        assert visit is not None
        visit.notes = "홍길동 came with his daughter"
        entry = db.scalars(select(DiaryEntry).where(DiaryEntry.patient_id == first.id)).first()
        assert entry is not None
        entry.note = "Hong Gildong: worse after the wedding"
        db.add(
            VideoAnalysis(
                patient_id=first.id,
                filename="hong_gildong_home.mp4",
                source="home",
                status=JobStatus.DONE,
                created_at=datetime(2026, 10, 1, 3, 0, tzinfo=UTC),
                result={
                    "video": {"duration_s": 12.0},
                    "quality": {"face_found_ratio": 0.97, "warnings": []},
                    "posture": {"rotation_deg": 21.5, "tilt_deg": -4.0, "flexion_deg": 2.0},
                    "tremor": {
                        "present": True,
                        "axis": "yaw",
                        "frequency_hz": 4.5,
                        "amplitude_deg": 1.2,
                    },
                },
            )
        )
    monkeypatch.setenv("CDCARE_DATABASE_URL", db_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _free_text(engine: Engine) -> set[str]:
    """Every name, code and free text of the source that must not leave."""
    found: set[str] = set(NAMES)
    with session_scope(engine) as db:
        columns = [
            Centre.name, User.display_name, User.username, Patient.record_number, Patient.notes,
            Visit.notes, InjectionSession.notes, InjectionSession.injector, InjectionSession.lot,
            InjectionSession.override_reason, AdverseEvent.note, DiaryEntry.note,
            Medication.stop_reason, MedicationEvent.note, Intake.neck_trauma_note,
            VideoAnalysis.filename,
        ]  # fmt: skip
        for column in columns:
            found.update(v.strip() for v in db.scalars(select(column)) if v and len(v.strip()) > 3)
    return found


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_research_export_is_deidentified_and_keeps_intervals(demo: Engine, tmp_path: Path) -> None:
    out = tmp_path / "dataset"
    reason = "study CD-REG-7 data release"
    assert run(["export", "research", "--centre", DEMO_CENTRE, "--out", str(out),
                "--reason", reason]) == 0  # fmt: skip
    files = sorted(p.name for p in out.iterdir())
    assert "DATA_DICTIONARY.md" in files and "patients.csv" in files and len(files) == 11
    secret = _free_text(demo)
    assert len(secret) > 10
    template = resources.files("cdcare.research") / "data_dictionary.md"
    assert (out / "DATA_DICTIONARY.md").read_text("utf-8") == template.read_text("utf-8")
    for path in out.glob("*.csv"):  # the dictionary is fixed text: the data are in the CSVs
        content = path.read_text(encoding="utf-8")
        leaked = [s for s in secret if s in content]
        assert leaked == [], f"{path.name} contains {leaked}"
    patients = _read(out, "patients.csv")
    assert set(patients[0]) == {"study_id", "birth_year", "sex", "onset_date", "family_history"}
    with session_scope(demo) as db:
        keys = {k.study_id: k for k in db.scalars(select(ResearchKey))}
        assert {p["study_id"] for p in patients} == set(keys) and len(keys) == 8
        offsets = [k.date_offset_days for k in keys.values()]
        assert all(o != 0 and abs(o) <= 365 for o in offsets) and len(set(offsets)) > 1
        shifted: dict[str, list[str]] = defaultdict(list)
        for row in _read(out, "injection_sessions.csv"):
            shifted[row["study_id"]].append(row["injected_on"])
        checked = 0
        for sid, key in keys.items():
            real = db.scalars(
                select(InjectionSession.injected_on)
                .where(InjectionSession.patient_id == key.patient_id)
                .order_by(InjectionSession.injected_on, InjectionSession.id)
            ).all()
            got = [date.fromisoformat(d) for d in shifted[sid]]
            assert got == [d + timedelta(days=key.date_offset_days) for d in real]
            gaps = [b - a for a, b in pairwise(got)]
            assert gaps == [b - a for a, b in pairwise(real)]  # intervals kept
            checked += len(real)
        assert checked > 8
        first = db.scalars(select(Patient).order_by(Patient.id)).first()
        assert first is not None
        first_key = next(k for k in keys.values() if k.patient_id == first.id)
        (video,) = _read(out, "video_measurements.csv")
        assert video["study_id"] == first_key.study_id and video["rotation_deg"] == "21.5"
        # 2026-10-01 03:00 UTC is 12:00 in Seoul, the same calendar day
        expected = date(2026, 10, 1) + timedelta(days=first_key.date_offset_days)
        assert video["recorded_on"] == expected.isoformat()
        events = query_events(db=db, action="export")
        assert len(events) == 9 and all(e.reason == reason for e in events)
        assert {e.patient_id for e in events} == {k.patient_id for k in keys.values()} | {None}
        assert verify_chain(db=db) == []
    diary = _read(out, "diary_monthly.csv")
    assert diary and all(0 <= float(r["mean_severity"]) <= 10 for r in diary)


def test_keys_are_reused_and_an_existing_folder_is_refused(
    demo: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run(["export", "research", "--centre", DEMO_CENTRE, "--out", str(first)]) == 0
    assert run(["export", "research", "--centre", DEMO_CENTRE, "--out", str(first)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert run(["export", "research", "--centre", DEMO_CENTRE, "--out", str(second)]) == 0
    assert _read(first, "patients.csv") == _read(second, "patients.csv")  # same study ids
    assert run(["--lang", "ko", "export", "research", "--centre", "NOPE", "--out",
                str(tmp_path / "c")]) == 4  # fmt: skip
    assert "찾을 수 없" in capsys.readouterr().err
