"""``cdcare audit``: verify (exit 0/1, incremental from a checkpoint), checkpoint, export."""

from __future__ import annotations

import csv
import hashlib
import json
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from cdcare.care.audit import log_event
from cdcare.care.audit_key import load_audit_key
from cdcare.cli.main import run
from cdcare.clock import local_today
from cdcare.config import Settings
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent, Centre, Role, User


@pytest.fixture
def cli_env(engine: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDCARE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CDCARE_DATABASE_URL", db_url)
    monkeypatch.delenv("CDCARE_LANG", raising=False)
    return tmp_path


def _user(engine: Engine) -> int:
    with session_scope(engine) as s:
        c = Centre(code="A", name="A")
        s.add(c)
        s.flush()
        u = User(centre_id=c.id, username="nurse1", display_name="N", role=Role.NURSE)
        s.add(u)
        s.flush()
        return u.id


def _concurrent_use(engine: Engine, threads: int = 4, per_thread: int = 10) -> None:
    uid = _user(engine)
    barrier = threading.Barrier(threads)

    def writer(n: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            with session_scope(engine) as s:
                log_event(db=s, action="view", actor=s.get(User, uid), patient_id=n * 100 + i)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(writer, range(threads)))


def test_verify_passes_after_concurrent_use_and_incremental(
    engine: Engine, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _concurrent_use(engine)
    assert run(["audit", "verify"]) == 0
    assert "40 rows checked" in capsys.readouterr().out
    assert run(["audit", "checkpoint"]) == 0
    assert "40 rows" in capsys.readouterr().out
    cp = json.loads((cli_env / "audit-checkpoint.json").read_text())
    assert cp["count"] == 40 and len(cp["mac"]) == 64
    _concurrent_use_more(engine, 3)
    assert run(["audit", "verify"]) == 0  # incremental: only rows after the checkpoint
    assert "3 rows checked" in capsys.readouterr().out
    assert run(["audit", "verify", "--full"]) == 0
    assert "43 rows checked" in capsys.readouterr().out
    assert run(["--lang", "ko", "audit", "verify"]) == 0
    assert "접속기록 이상 없음" in capsys.readouterr().out


def _concurrent_use_more(engine: Engine, n: int) -> None:
    with session_scope(engine) as s:
        for i in range(n):
            log_event(db=s, action="login_failed", username=f"x{i}", ip="10.0.0.1")


def test_verify_fails_after_edit_with_trigger_dropped(
    engine: Engine, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _concurrent_use(engine, 2, 5)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("UPDATE audit_event SET patient_id = 999 WHERE id = 3"))
    assert run(["audit", "verify"]) == 1
    assert "1 broken rows in the access log: 3" in capsys.readouterr().out


def test_recomputed_row_without_key_is_detected(engine: Engine, cli_env: Path) -> None:
    """An attacker without the key rewrites a row and recomputes an unkeyed SHA-256 for it."""
    _concurrent_use(engine, 1, 3)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
    with session_scope(engine) as s:
        row = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        row.patient_id, row.algo = 555, "sha256"
        row.hash = _old_digest(row)
    assert run(["audit", "verify"]) == 1


def test_deleting_newest_rows_fails_against_checkpoint(
    engine: Engine, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _concurrent_use(engine, 2, 5)
    assert run(["audit", "checkpoint"]) == 0
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        top = conn.scalar(text("SELECT max(id) FROM audit_event"))
        conn.execute(text("DELETE FROM audit_event WHERE id >= :n"), {"n": top - 1})
    capsys.readouterr()
    assert run(["audit", "verify"]) == 1
    assert "deleted or rewritten" in capsys.readouterr().out
    assert run(["audit", "verify", "--full"]) == 1  # the chain alone would still hold
    assert run(["audit", "checkpoint"]) == 2  # and no new checkpoint over the gap


def test_forged_checkpoint_is_refused(engine: Engine, cli_env: Path) -> None:
    _concurrent_use(engine, 1, 2)
    assert run(["audit", "checkpoint"]) == 0
    path = cli_env / "audit-checkpoint.json"
    cp = json.loads(path.read_text())
    cp["count"] = 1
    path.write_text(json.dumps(cp))
    assert run(["audit", "verify"]) == 1


def _old_digest(event: AuditEvent) -> str:
    """The pre-0007 unkeyed SHA-256 of a row (what an attacker can recompute)."""
    fields = {
        "at": event.at.astimezone(UTC).isoformat(),
        "user_id": event.user_id,
        "username": event.username,
        "role": event.role,
        "centre_id": event.centre_id,
        "patient_id": event.patient_id,
        "action": event.action,
        "target": event.target,
        "ip": event.ip,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def test_old_unkeyed_rows_stay_verifiable(engine: Engine, cli_env: Path) -> None:
    """Rows written before the keyed chain (algo "sha256") verify, and keyed rows follow."""
    prev = ""
    with session_scope(engine) as s:
        for i in range(3):
            row = AuditEvent(
                at=datetime(2026, 11, 1, 9, i, tzinfo=UTC),
                user_id=None,
                username="old",
                role="",
                centre_id=None,
                patient_id=i,
                action="view",
                target="",
                ip="",
                reason="",
                prev_hash=prev,
                algo="sha256",
            )
            row.hash = _old_digest(row)
            prev = row.hash
            s.add(row)
            s.flush()
    _concurrent_use(engine, 1, 2)
    assert run(["audit", "verify"]) == 0
    with session_scope(engine) as s:
        algos = [e.algo for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert algos == ["sha256"] * 3 + ["hmac-sha256"] * 2


def test_export_period_to_csv_is_logged(
    engine: Engine, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _concurrent_use(engine, 1, 4)
    out = cli_env / "review.csv"
    today = local_today().isoformat()  # the period is in local days, not UTC ones
    assert run(["audit", "export", "--from", "2026-01-01", "--to", today, "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 4 and {r["action"] for r in rows} == {"view"}
    with session_scope(engine) as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert last.action == "export" and last.username.startswith("cli")
    assert last.target.startswith("audit.csv:2026-01-01")
    assert run(["audit", "export", "--from", "2026-13-01", "--to", today, "--out", str(out)]) == 2
    assert run(["audit", "verify"]) == 0


def test_key_file_created_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, audit_key="")
    key = load_audit_key(settings)
    path = tmp_path / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 32 and load_audit_key(settings) == key
    with pytest.raises(Exception, match="shorter than 32"):
        load_audit_key(Settings(data_dir=tmp_path, audit_key="short"))
