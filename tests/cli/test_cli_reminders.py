"""``cdcare reminders run`` with SMTP settings from the environment, against aiosmtpd."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cdcare.care import reminders
from cdcare.care.patients import create_centre, create_patient, create_user
from cdcare.cli.main import run
from cdcare.store.care_models import InjectionSession
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade

from ..smtp_server import smtp_server

TODAY = date(2026, 12, 10)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDCARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CDCARE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CDCARE_LANG", raising=False)
    engine = make_engine(f"sqlite:///{tmp_path / 'cdcare.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        c = create_centre(db=db, code="C", name="C")
        p = create_patient(db=db, centre_id=c.id, record_number="A", birth_year=1950, sex="M")
        u = create_user(
            db=db, centre_id=c.id, username="pa", display_name="A", role="patient",
            patient_id=p.id, lang="en",
        )  # fmt: skip
        u.created_at = datetime(2026, 12, 9, tzinfo=ZoneInfo("Asia/Seoul"))
        db.add(
            InjectionSession(
                patient_id=p.id, injected_on=TODAY - timedelta(days=84), product="botox",
                unit="U", lot="L", dilution_u_per_ml=50, guidance="emg", injector="x",
                total_units=100,
            )
        )  # fmt: skip
        reminders.set_contact(db=db, patient_id=p.id, email="pa@example.kr", opt_out=False)
    engine.dispose()
    return tmp_path


def test_cli_run_twice(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as (port, inbox):
        for key, value in {
            "HOST": "127.0.0.1", "PORT": str(port), "TLS": "none",
            "FROM_ADDR": "clinic@example.kr",
        }.items():  # fmt: skip
            monkeypatch.setenv(f"CDCARE_SMTP_{key}", value)
        assert run(["reminders", "run", "--today", TODAY.isoformat()]) == 0
        assert "1 new, 1 e-mailed" in capsys.readouterr().out
        assert run(["reminders", "run", "--today", TODAY.isoformat()]) == 0
        assert "0 new, 0 e-mailed" in capsys.readouterr().out
    assert len(inbox.messages) == 1
    msg = inbox.messages[0]
    assert msg["To"] == "pa@example.kr" and msg["From"] == "clinic@example.kr"
    assert "Dec 10, 2026" in str(msg["Subject"])  # English: the patient's language and dates


def test_cli_without_smtp_keeps_portal_only(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CDCARE_SMTP_HOST", raising=False)
    assert run(["reminders", "run", "--today", TODAY.isoformat()]) == 0
    assert "1 portal only" in capsys.readouterr().out
    assert run(["reminders", "run", "--today", "2026-13-01"]) == 2
