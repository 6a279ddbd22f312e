"""``cdcare report``: writes the PDF, logs the export, clear errors with exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cdcare.care.patients import create_centre, create_patient, record_assessment
from cdcare.cli.main import run
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import AuditEvent


@pytest.fixture
def patient_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("CDCARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CDCARE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CDCARE_LANG", raising=False)
    monkeypatch.delenv("CDCARE_DEMO", raising=False)
    engine = make_engine(f"sqlite:///{tmp_path / 'cdcare.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        centre = create_centre(db=db, code="SYN", name="Synthetic clinic")
        p = create_patient(
            db=db, centre_id=centre.id, record_number="CLI-7", birth_year=1970, sex="X"
        )
        record_assessment(
            db=db, patient_id=p.id, instrument="gad7", answers={f"q{i}": 2 for i in range(1, 8)}
        )
        pid = p.id
    engine.dispose()
    return pid


def _events(tmp_path: Path) -> list[AuditEvent]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cdcare.sqlite3'}")
    with session_scope(engine) as db:
        rows = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "export")))
        db.expunge_all()
    engine.dispose()
    return rows


def test_report_is_written_and_logged(
    patient_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.pdf"
    code = run(["report", str(patient_id), "--out", str(out), "--lang", "en", "--by", "Dr CLI"])
    assert code == 0, capsys.readouterr().err
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "CLI-7" in text and "GAD-7" in text and "Dr CLI" in text and "Other or unknown" in text
    assert "Report written" in capsys.readouterr().err
    [event] = _events(tmp_path)
    assert event.patient_id == patient_id and event.username == "Dr CLI"
    assert event.reason == "command-line export"


def test_report_errors(patient_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "r.pdf")
    assert run(["report", str(patient_id + 99), "--out", out]) == 4
    assert f"Patient {patient_id + 99} not found" in capsys.readouterr().err
    assert run(["report", str(patient_id), "--out", out, "--lang", "fr"]) == 2
    assert "Unknown language fr" in capsys.readouterr().err
    assert run(["--lang", "ko", "report", str(patient_id), "--out", "/nonexistent/x.pdf"]) == 2
    assert "폴더 /nonexistent 이(가) 없습니다" in capsys.readouterr().err
    assert run(["report", str(patient_id), "--out", out, "--reason", "  "]) == 2
    assert "reason" in capsys.readouterr().err
    assert not Path(out).exists() and _events(tmp_path) == []
