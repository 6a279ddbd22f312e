"""Restore keeps the access log: rows written after the backup are carried across, the chain
still verifies, and the access log alone never makes the database "newer" than a backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from cdcare.care.audit import log_event, verify_chain
from cdcare.errors import Conflict
from cdcare.store.backup import backup_database, restore_backup
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent, Centre, Patient, Sex


def _patient(engine: Engine, code: str) -> None:
    with session_scope(engine) as s:
        c = Centre(code=code, name="Centre")
        s.add(c)
        s.flush()
        s.add(Patient(centre_id=c.id, record_number=f"{code}-1", birth_year=1970, sex=Sex.MALE))


def _log(engine: Engine, n: int, who: str) -> None:
    for i in range(n):
        with session_scope(engine) as s:
            log_event(db=s, action="view", username=who, patient_id=i, ip="10.1.1.1")


def test_restore_carries_later_audit_rows_and_chain_verifies(
    engine: Engine, tmp_path: Path
) -> None:
    _patient(engine, "A")
    _log(engine, 3, "before")
    path = tmp_path / "b.db"
    backup_database(engine, path)
    _log(engine, 4, "after")  # page views after the backup: only the access log grows
    restore_backup(engine, path)  # no --force needed: the log is not "newer data"
    with session_scope(engine) as s:
        users = list(s.scalars(select(AuditEvent.username).order_by(AuditEvent.id)))
        assert users == ["before"] * 3 + ["after"] * 4
        assert verify_chain(db=s) == []
    _log(engine, 2, "later")  # the chain goes on from the carried head (ids stay unique)
    with session_scope(engine) as s:
        assert verify_chain(db=s) == []
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 9


def test_forced_restore_over_newer_data_keeps_the_log(engine: Engine, tmp_path: Path) -> None:
    _patient(engine, "A")
    _log(engine, 2, "before")
    path = tmp_path / "b.db"
    backup_database(engine, path)
    _patient(engine, "B")  # newer clinical data: the guard still refuses without force
    _log(engine, 2, "after")
    with pytest.raises(Conflict, match="newer"):
        restore_backup(engine, path)
    restore_backup(engine, path, force=True)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 1
        users = list(s.scalars(select(AuditEvent.username).order_by(AuditEvent.id)))
        assert users == ["before"] * 2 + ["after"] * 2
        assert verify_chain(db=s) == []


def test_diverged_log_is_archived_not_erased(engine: Engine, tmp_path: Path) -> None:
    """A current log that is not a continuation of the backup's is kept in an archive file."""
    _patient(engine, "A")
    _log(engine, 3, "before")
    path = tmp_path / "b.db"
    backup_database(engine, path)
    with engine.begin() as conn:  # someone wiped the log and it restarted
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        conn.execute(text("DELETE FROM audit_event"))
    _log(engine, 5, "diverged")
    manifest = restore_backup(engine, path, force=True, archive_dir=tmp_path / "arch")
    assert manifest.audit_carried == 0 and manifest.audit_archive is not None
    lines = Path(manifest.audit_archive).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and all('"diverged"' in line for line in lines)
    with session_scope(engine) as s:
        users = list(s.scalars(select(AuditEvent.username).order_by(AuditEvent.id)))
        assert users == ["before"] * 3
        assert verify_chain(db=s) == []
