"""Every CLI command that shows, records or exports patient data writes one access-log event
naming who ran it (``cli:<OS user>``), the patient (when there is one) and the action.

Not listed, because they read no patient record: ``plan`` and ``plan check`` (a plan given as
input), ``analyze`` (a video file), ``scales score`` (answers given as input), ``learn``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdcare.care.audit import query_events, verify_chain
from cdcare.cli.context import cli_actor
from cdcare.cli.main import run
from cdcare.store.db import make_engine, session_scope

PLAN = {
    "product": "botox",
    "injections": [{"muscle": "splenius_capitis", "side": "left", "dose": 60}],
}
INJECT = ["--lot", "A1", "--dilution", "50", "--injector", "Dr"]
MED = ["--drug", "baclofen", "--class", "muscle_relaxant", "--unit", "mg", "--dose", "5"]

#: (argv, with "{d}" for the data folder and "{pid}" for the patient id; action; names the patient)
COMMANDS: dict[str, tuple[list[str], str, bool]] = {
    "patient show": (["patient", "show", "P-7"], "view", True),
    "patient show --json": (["patient", "show", "P-7", "--json"], "view", True),
    "patient list": (["patient", "list"], "list", False),
    "followup": (["followup", "P-7"], "view", True),
    "patient create": (
        ["patient", "create", "P-8", "--birth-year", "1990", "--sex", "F"],
        "create",
        True,
    ),
    "patient intake": (["patient", "intake", "P-7", "--data", "{d}/intake.json"], "create", True),
    "patient inject": (
        ["patient", "inject", "P-7", "--plan", "{d}/plan.json", *INJECT, "--date", "2025-06-02"],
        "create",
        True,
    ),
    "patient diary": (
        ["patient", "diary", "P-7", "--severity", "3", "--pain", "2"],
        "create",
        True,
    ),
    "patient scale": (
        ["patient", "scale", "P-7", "phq9", "--answers", "{d}/phq9.json"],
        "create",
        True,
    ),
    "patient adverse-event": (
        [
            "patient",
            "adverse-event",
            "P-7",
            "--session",
            "1",
            "--date",
            "2025-01-08",
            "--code",
            "dysphagia",
        ],
        "create",
        True,
    ),
    "patient medication": (
        ["patient", "medication", "P-7", *MED, "--frequency", "tid", "--start", "2025-03-01"],
        "create",
        True,
    ),
    "patient exercise": (
        ["patient", "exercise", "P-7", "breathing_relaxation", "--start", "2025-03-01"],
        "create",
        True,
    ),
    "report": (["report", "{pid}", "--out", "{d}/r.pdf"], "export", True),
    "fhir export": (["fhir", "export", "{pid}", "--out", "{d}/b.json"], "export", True),
    "admin user list": (["admin", "user", "list", "--centre", "DEMO"], "list", False),
    "db backup": (["db", "backup", "{d}/backups/c.bak"], "export", False),
}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDCARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CDCARE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CDCARE_MEDIA_KEYS", raising=False)
    monkeypatch.setenv("CDCARE_LANG", "en")
    from cdcare.care.patients import create_centre
    from cdcare.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'cdcare.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        create_centre(db=db, code="DEMO", name="Demo")
    engine.dispose()
    (tmp_path / "intake.json").write_text(json.dumps({"triggers": ["stress"]}))
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    (tmp_path / "phq9.json").write_text(json.dumps({f"q{i}": 1 for i in range(1, 10)}))
    assert run(["patient", "create", "P-7", "--birth-year", "1980", "--sex", "M"]) == 0
    inject = ["patient", "inject", "P-7", "--plan", str(tmp_path / "plan.json"), *INJECT]
    assert run([*inject, "--date", "2025-01-06"]) == 0  # injection session 1
    return tmp_path


def _events(data_dir: Path) -> list[tuple[int, str, str, int | None, str]]:
    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    with session_scope(engine) as db:
        rows = [(e.id, e.action, e.username, e.patient_id, e.target) for e in query_events(db=db)]
        assert verify_chain(db=db) == []
    engine.dispose()
    return sorted(rows)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_writes_one_access_log_event(
    name: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, action, names_patient = COMMANDS[name]
    before = _events(data_dir)
    patient_id = next(pid for _, _, _, pid, _ in before if pid is not None)  # P-7's id
    args = [a.format(d=data_dir, pid=patient_id) for a in argv]
    assert run(args) == 0, capsys.readouterr().err
    new = _events(data_dir)[len(before) :]
    assert len(new) == 1, new
    (_id, got_action, actor, got_patient, target) = new[0]
    assert got_action == action
    assert actor == cli_actor() and actor.startswith("cli")
    if names_patient:
        expected = patient_id if name != "patient create" else got_patient
        assert got_patient is not None and got_patient == expected
        if name == "patient create":
            assert got_patient != patient_id  # the new patient, P-8
    else:
        assert got_patient is None
    assert target
