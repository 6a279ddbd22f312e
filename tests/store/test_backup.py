"""Backup → delete → restore round trips and the restore guards, on both databases."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select

from cdcare.errors import Conflict, StoreError
from cdcare.store.backup import backup_database, manifest_path, restore_backup, row_counts
from cdcare.store.db import session_scope
from cdcare.store.models import Centre, Patient, ScaleAssessment, Sex, Visit


def _fill(engine: Engine, n: int = 5, code: str = "C1") -> None:
    with session_scope(engine) as s:
        c = Centre(code=code, name="Centre")
        s.add(c)
        s.flush()
        for i in range(n):
            p = Patient(
                centre_id=c.id,
                record_number=f"{code}-{i}",
                birth_year=1960 + i,
                sex=Sex.FEMALE,
                notes=f"synthetic 환자 {i}",
            )
            s.add(p)
            s.flush()
            v = Visit(patient_id=p.id, visit_date=date(2026, 1, 1 + i))
            s.add(v)
            s.flush()
            s.add(
                ScaleAssessment(
                    patient_id=p.id,
                    visit_id=v.id,
                    instrument="gad7",
                    instrument_version="1",
                    answers={"q1": i % 4},
                    subscores={},
                    total=float(i % 4),
                    band=None,
                )
            )


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return row_counts(conn)


def test_backup_delete_restore_loses_no_row(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    before = _counts(engine)
    with session_scope(engine) as s:
        notes_before = sorted(s.scalars(select(Patient.notes)))
    path = tmp_path / "backup.db"
    manifest = backup_database(engine, path)
    assert manifest.row_counts == before
    assert manifest_path(path).is_file()
    with session_scope(engine) as s:
        s.execute(delete(ScaleAssessment))
        s.execute(delete(Visit))
        s.execute(delete(Patient))
    assert _counts(engine)["patient"] == 0
    restore_backup(engine, path)
    assert _counts(engine) == before
    with session_scope(engine) as s:
        assert sorted(s.scalars(select(Patient.notes))) == notes_before


def test_restore_refuses_newer_database_without_force(engine: Engine, tmp_path: Path) -> None:
    _fill(engine, 2)
    path = tmp_path / "b.db"
    backup_database(engine, path)
    _fill(engine, 1, code="C2")  # newer data after the backup
    with pytest.raises(Conflict, match="newer"):
        restore_backup(engine, path)
    assert _counts(engine)["patient"] == 3  # untouched
    restore_backup(engine, path, force=True)
    assert _counts(engine)["patient"] == 2


def test_damaged_backup_is_refused_before_touching_data(engine: Engine, tmp_path: Path) -> None:
    _fill(engine, 2)
    path = tmp_path / "b.db"
    backup_database(engine, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with session_scope(engine) as s:
        s.execute(delete(ScaleAssessment))
    with pytest.raises(StoreError, match="manifest"):
        restore_backup(engine, path, force=True)
    assert _counts(engine)["patient"] == 2


def test_missing_backup_or_manifest(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not found"):
        restore_backup(engine, tmp_path / "nope.db")
    _fill(engine, 1)
    path = tmp_path / "b.db"
    backup_database(engine, path)
    manifest_path(path).unlink()
    with pytest.raises(StoreError, match="manifest not found"):
        restore_backup(engine, path)


def test_backup_while_writing_is_consistent(engine: Engine, tmp_path: Path) -> None:
    """A writer keeps inserting while the backup runs; the manifest matches the copy."""
    _fill(engine, 3)
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set() and i < 200:
            with session_scope(engine) as s:
                cid = s.scalar(select(func.min(Centre.id)))
                s.add(Patient(centre_id=cid, record_number=f"W-{i}", birth_year=1990, sex=Sex.MALE))
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        path = tmp_path / "live.db"
        manifest = backup_database(engine, path)  # verifies counts against the copy
    finally:
        stop.set()
        t.join()
    assert manifest.row_counts["patient"] >= 3
    with session_scope(engine) as s:
        s.execute(delete(ScaleAssessment))
        s.execute(delete(Visit))
        s.execute(delete(Patient))
    restore_backup(engine, path, force=True)
    assert _counts(engine) == manifest.row_counts
