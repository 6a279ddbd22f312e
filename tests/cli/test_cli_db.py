"""``cdcare db``, ``cdcare demo``: exit codes and one-line messages, in English and Korean."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from cdcare.cli.main import run
from cdcare.store.db import make_engine, session_scope
from cdcare.store.models import Patient, ScaleAssessment


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDCARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CDCARE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CDCARE_LANG", raising=False)
    return tmp_path


def _patients(data_dir: Path) -> int:
    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    with session_scope(engine) as s:
        n = int(s.scalar(select(func.count()).select_from(Patient)) or 0)
    engine.dispose()
    return n


def test_demo_backup_restore_cycle(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["db", "upgrade"]) == 0
    assert run(["demo"]) == 0
    assert "Demo data created: 30 patients" in capsys.readouterr().err
    assert _patients(data_dir) == 30
    assert run(["demo", "--if-empty"]) == 0
    assert "already present" in capsys.readouterr().err
    assert _patients(data_dir) == 30

    backup = data_dir / "b" / "cdcare.bak"
    assert run(["db", "backup", str(backup)]) == 0
    assert run(["db", "verify", str(backup)]) == 0
    assert run(["db", "restore", str(backup)]) == 0
    assert _patients(data_dir) == 30


def test_restore_refuses_newer_data_exit_6(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["demo"]) == 0
    backup = data_dir / "old.bak"
    assert run(["db", "backup", str(backup)]) == 0
    assert run(["demo"]) == 0  # recreated: newer rows than the backup
    capsys.readouterr()
    assert run(["--lang", "ko", "db", "restore", str(backup)]) == 6
    err = capsys.readouterr().err.strip()
    assert err.startswith("오류: ") and "--force" in err and "\n" not in err
    assert "Traceback" not in err
    assert run(["db", "restore", str(backup), "--force"]) == 0


def test_missing_backup_is_one_line_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["db", "restore", str(data_dir / "nope.bak")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Backup file not found" in err


def test_usage_error_exit_2(data_dir: Path) -> None:
    assert run(["db", "restore"]) == 2
    assert run(["no-such-command"]) == 2


def test_demo_scores_come_from_the_engine(data_dir: Path) -> None:
    """Stored totals equal a fresh scoring of the stored answers."""
    from cdcare.clinical.scales import score

    assert run(["demo"]) == 0
    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    with session_scope(engine) as s:
        rows = s.scalars(select(ScaleAssessment)).all()
        assert {r.instrument for r in rows} == {"twstrs", "phq9", "gad7"}
        for r in rows[:30]:
            assert score(r.instrument, r.answers).total == r.total
    engine.dispose()
