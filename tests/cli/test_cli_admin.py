"""``cdcare admin``: first centre and admin, accounts, hidden password entry, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cdcare.care.accounts import authenticate
from cdcare.cli.main import _register, app, run
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import AuditEvent, Role, User

PW = "install-pw-2026"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDCARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CDCARE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CDCARE_LANG", raising=False)
    return tmp_path


def _pwfile(tmp: Path, text: str = PW + "\n") -> str:
    path = tmp / "pw.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _init(data_dir: Path, *extra: str) -> int:
    return run(
        [
            "admin",
            "init",
            "--centre-code",
            "SNU",
            "--centre-name",
            "Clinic",
            "--username",
            "boss",
            "--password-file",
            _pwfile(data_dir),
            *extra,
        ]
    )


def _users(data_dir: Path) -> dict[str, User]:
    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        out = {u.username: u for u in db.scalars(select(User))}
    engine.dispose()
    return out


def test_init_then_refuse_second_init(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _init(data_dir) == 0
    out = capsys.readouterr()
    assert PW not in out.out + out.err
    boss = _users(data_dir)["boss"]
    assert boss.role is Role.ADMIN and boss.password_hash and PW not in boss.password_hash
    assert (
        run(
            [
                "admin",
                "init",
                "--centre-code",
                "B",
                "--centre-name",
                "B",
                "--username",
                "b2",
                "--password-file",
                _pwfile(data_dir),
            ]
        )
        == 6
    )
    assert "already has a centre" in capsys.readouterr().err
    assert "b2" not in _users(data_dir)
    assert (
        run(
            [
                "admin",
                "init",
                "--centre-code",
                "B",
                "--centre-name",
                "B",
                "--username",
                "b2",
                "--password-file",
                _pwfile(data_dir),
                "--another-centre",
            ]
        )
        == 0
    )


def test_empty_password_file_refused(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            "admin",
            "init",
            "--centre-code",
            "X",
            "--centre-name",
            "X",
            "--username",
            "x",
            "--password-file",
            _pwfile(data_dir, "\n"),
        ]
    )
    assert code == 2 and "empty" in capsys.readouterr().err
    assert _users(data_dir) == {}


def test_user_add_role_deactivate(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _init(data_dir) == 0
    assert (
        run(
            [
                "admin",
                "user",
                "add",
                "nurse1",
                "--role",
                "nurse",
                "--centre",
                "SNU",
                "--password-file",
                _pwfile(data_dir),
            ]
        )
        == 0
    )
    assert run(["admin", "user", "role", "nurse1", "physician"]) == 0
    assert _users(data_dir)["nurse1"].role is Role.PHYSICIAN
    assert run(["admin", "user", "role", "boss", "nurse"]) == 6  # last admin kept
    assert run(["admin", "user", "deactivate", "nurse1"]) == 0
    assert _users(data_dir)["nurse1"].active is False
    assert run(["admin", "user", "deactivate", "nobody"]) == 4
    assert (
        run(
            [
                "admin",
                "user",
                "add",
                "pt",
                "--role",
                "patient",
                "--centre",
                "SNU",
                "--record-number",
                "NOPE",
                "--no-password",
            ]
        )
        == 4
    )
    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    with session_scope(engine) as db:
        targets = [e.target for e in db.scalars(select(AuditEvent))]
        assert all(e.username.startswith("cli") for e in db.scalars(select(AuditEvent)))
    engine.dispose()
    assert any("active=False" in t for t in targets)
    assert any("role=physician" in t for t in targets)


def test_reset_link_printed_once_and_works(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(data_dir) == 0
    capsys.readouterr()
    assert run(["admin", "user", "reset-link", "boss", "--base-url", "https://c.example/"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://c.example/reset/") and len(link) > 50


def test_hidden_prompt_twice(data_dir: Path) -> None:
    _register()
    runner = CliRunner()
    args = ["admin", "init", "--centre-code", "P", "--centre-name", "P", "--username", "pp"]
    bad = runner.invoke(app, args, input=f"{PW}\nsomething-else-1\n")
    assert bad.exit_code != 0 and "pp" not in _users(data_dir)
    ok = runner.invoke(app, args, input=f"{PW}\n{PW}\n")
    assert ok.exit_code == 0, ok.output
    assert PW not in ok.output  # hidden input is not echoed
    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    with session_scope(engine) as db:
        assert authenticate(db=db, username="pp", password=PW) is not None
    engine.dispose()
