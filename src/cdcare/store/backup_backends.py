"""The two database backends of :mod:`cdcare.store.backup`: SQLite and PostgreSQL.

- SQLite: the online backup API copies a consistent snapshot page by page; a restore copies
  the backup back the same way. Counts are read with ``PRAGMA integrity_check`` first.
- PostgreSQL: ``pg_dump -Fc`` runs inside an exported REPEATABLE READ snapshot, so the row
  counts in the manifest describe exactly what was dumped; ``pg_restore`` restores it in one
  transaction. The tools are found on ``PATH`` or in ``CDCARE_PG_BIN``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from cdcare.errors import N_, StoreError
from cdcare.store.backup_manifest import Manifest, iso_utc, row_counts, sha256_of, watermark
from cdcare.store.migrate import current_revision
from cdcare.store.models import Base

# --- SQLite --------------------------------------------------------------------------


def sqlite_counts(path: Path) -> dict[str, int]:
    """Rows per table of SQLite file ``path``, after its integrity check (read-only)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()
        if not result or result[0] != "ok":
            raise StoreError(N_("Backup failed its integrity check: {path}"), path=str(path))
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {
            # the table name comes from our own metadata and is checked against sqlite_master
            t.name: int(con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])  # noqa: S608
            for t in Base.metadata.sorted_tables
            if t.name in names
        }
    except sqlite3.DatabaseError:
        raise StoreError(N_("Backup is not a readable database: {path}"), path=str(path)) from None
    finally:
        con.close()


def sqlite_backup(engine: Engine, path: Path) -> Manifest:
    """Snapshot the SQLite database to ``path`` (via a ``.partial`` file); its manifest."""
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        if not isinstance(src, sqlite3.Connection):
            raise TypeError("the SQLite backup needs the sqlite3 driver")
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # online backup API: a consistent snapshot while others write
            dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
        finally:
            dst.close()
    finally:
        raw.close()
    counts = sqlite_counts(tmp)
    copy = create_engine(f"sqlite:///{tmp.resolve()}")
    try:
        with copy.connect() as conn:
            mark = watermark(conn)
        revision = current_revision(copy)
    finally:
        copy.dispose()
    os.replace(tmp, path)
    return Manifest("sqlite", revision, sha256_of(path), counts, iso_utc(mark))


def sqlite_restore(engine: Engine, path: Path) -> None:
    """Copy SQLite backup ``path`` over the database (online backup API)."""
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        dst = raw.driver_connection
        if not isinstance(dst, sqlite3.Connection):
            raise TypeError("the SQLite restore needs the sqlite3 driver")
        src.backup(dst)
    finally:
        raw.close()
        src.close()
    engine.dispose()


# --- PostgreSQL ----------------------------------------------------------------------


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def pg_tool(name: str) -> str:
    """The path of PostgreSQL tool ``name`` (``CDCARE_PG_BIN``, else ``PATH``)."""
    folder = os.environ.get("CDCARE_PG_BIN")
    tool = str(Path(folder) / name) if folder else shutil.which(name)
    if not tool:
        raise StoreError(N_("{tool} is not installed; it is needed for PostgreSQL"), tool=name)
    return tool


def run_tool(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` (no shell); StoreError with the last line of its output if it fails."""
    # cmd is a list (no shell) naming a pg_dump/pg_restore/psql found by pg_tool
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        reason = (proc.stderr or proc.stdout).strip().splitlines()
        raise StoreError(
            N_("{tool} failed: {reason}"), tool=Path(cmd[0]).name, reason=(reason or ["?"])[-1]
        )
    return proc


def pg_backup(engine: Engine, path: Path) -> Manifest:
    """``pg_dump -Fc`` in an exported snapshot to ``path``, checked by ``pg_restore --list``."""
    tmp = path.with_name(path.name + ".partial")
    with engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = row_counts(conn)
            mark = watermark(conn)
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            run_tool(
                [
                    pg_tool("pg_dump"),
                    "-Fc",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(tmp),
                    "--dbname",
                    _libpq_url(engine),
                ]
            )
    run_tool([pg_tool("pg_restore"), "--list", str(tmp)])
    os.replace(tmp, path)
    return Manifest("postgresql", revision, sha256_of(path), counts, iso_utc(mark))


def pg_restore(engine: Engine, path: Path) -> None:
    """``pg_restore --clean`` of ``path`` into the database, in one transaction."""
    engine.dispose()
    run_tool(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq_url(engine),
            str(path),
        ]
    )
