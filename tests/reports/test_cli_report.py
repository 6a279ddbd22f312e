"""``cdcare report``: writes the PDF, logs the export, clear errors with exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cdcare.care.patients import create_centre, create_patient, record_assessment
from cdcare.cli.main import run
from cdcare.clinical.planning import make_plan, plan_findings, plan_to_dict
from cdcare.clinical.posture import muscles, parse_pattern
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import AuditEvent
from cdcare.store.video_models import JobStatus, VideoAnalysis


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
        db.add(
            VideoAnalysis(
                patient_id=p.id,
                status=JobStatus.DONE,
                result={"angles": "absolute", "posture": {"rotation_deg": -31.5}},
            )
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
    assert "Video measurements" in text and "-31.5 right" in text  # the stored analysis
    assert "Injection record" not in text  # no sessions logged: no section
    assert "Report written" in capsys.readouterr().err
    [event] = _events(tmp_path)
    assert event.patient_id == patient_id and event.username == "Dr CLI"
    assert event.reason == "command-line export"


def test_report_with_a_plan_file(
    patient_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = make_plan([parse_pattern("torticollis:left")], "botox")
    findings = plan_findings(plan)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_to_dict(plan, findings)), encoding="utf-8")
    out = tmp_path / "p.pdf"
    code = run(["report", str(patient_id), "--out", str(out), "--lang", "en", "--plan", str(path)])
    assert code == 0, capsys.readouterr().err
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Injection plan" in text and f"total {plan.total:g}" in text
    assert muscles()[plan.items[0].muscle].en in text
    assert all(f.source in text for f in findings)

    path.write_text(json.dumps({"product": "nope", "injections": []}), encoding="utf-8")
    assert run(["report", str(patient_id), "--out", str(out), "--plan", str(path)]) == 2
    assert "nope" in capsys.readouterr().err
    assert run(["report", str(patient_id), "--out", str(out), "--plan", str(tmp_path / "x")]) == 2
    assert "File not found" in capsys.readouterr().err
    assert len(_events(tmp_path)) == 1  # only the good export is logged


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
