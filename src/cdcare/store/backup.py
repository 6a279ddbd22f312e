"""Consistent backups and guarded restores, for SQLite and PostgreSQL.

A backup is two files: the data (``PATH``) and a manifest (``PATH.manifest.json``) with the
backend, schema revision, SHA-256 of the data file, the row count of every table and the
*watermark* (the newest timestamp in the data, UTC). Both are written while the app may run:

- SQLite: the online backup API copies a consistent snapshot page by page.
- PostgreSQL: ``pg_dump -Fc`` runs inside an exported REPEATABLE READ snapshot, so the row
  counts in the manifest describe exactly what was dumped.

``verify_backup`` re-checks a backup (hash, ``PRAGMA integrity_check`` / ``pg_restore --list``,
row counts). ``restore_backup`` verifies first, refuses to overwrite a database whose data is
newer than the backup (unless ``force``), restores, migrates to the code's schema and checks
that every table has the row count the manifest promises. The access log is never erased: its
rows are saved before and re-attached after (:mod:`cdcare.store.audit_carry`), and it does not
count as "newer data" (every page view writes it).

With ``keys`` (``CDCARE_MEDIA_KEYS``, :mod:`cdcare.store.crypto`) the data file is stored
encrypted (AES-256-GCM, authenticated); the manifest's SHA-256 is that of the file as stored,
its row counts those of the plaintext, and checks and restores read a private decrypted copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, func, select, text

from cdcare.errors import N_, Conflict, StoreError
from cdcare.store.audit_carry import reattach_log, save_log
from cdcare.store.crypto import MediaKeys, encrypt_file, plain_copy
from cdcare.store.migrate import current_revision, known_revisions, upgrade
from cdcare.store.models import Base
from cdcare.store.types import UTCDateTime

MANIFEST_SUFFIX = ".manifest.json"
#: Columns that record when a row was written or changed (not clinical or scheduled times,
#: e.g. a booked appointment's future ``starts_at``): the watermark is the newest of these.
WRITE_TIME_COLUMNS = frozenset(
    {"created_at", "updated_at", "changed_at", "at", "cancelled_at", "finished_at", "started_at"}
)
#: Tables whose writes do not make a database "newer" than a backup: the access log, which a
#: restore carries across instead of overwriting.
WATERMARK_IGNORED = frozenset({"audit_event"})


@dataclass
class Manifest:
    """What a backup holds; stored beside it as JSON."""

    backend: str
    revision: str | None
    sha256: str
    row_counts: dict[str, int]
    watermark: str | None  # ISO 8601 UTC of the newest timestamp in the data, None if empty
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    format: int = 1
    encrypted: bool = False  # data file encrypted at rest (cdcare.store.crypto)
    # set by restore_backup only (not written to a backup's manifest): access-log rows carried
    # across the restore, or the archive file holding them when they could not be re-linked
    audit_carried: int = 0
    audit_archive: str | None = None


def manifest_path(path: Path) -> Path:
    """Where the manifest of backup ``path`` lives."""
    return path.with_name(path.name + MANIFEST_SUFFIX)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table of our schema (tables missing in this database count as absent)."""
    existing = set(conn.dialect.get_table_names(conn))
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in Base.metadata.sorted_tables
        if t.name in existing
    }


def watermark(conn: Connection) -> datetime | None:
    """The newest write time (:data:`WRITE_TIME_COLUMNS`) in any table but the access log
    (:data:`WATERMARK_IGNORED`); None if empty."""
    existing = set(conn.dialect.get_table_names(conn)) - WATERMARK_IGNORED
    newest: datetime | None = None
    for table in Base.metadata.sorted_tables:
        if table.name not in existing:
            continue
        for col in table.columns:
            if isinstance(col.type, UTCDateTime) and col.name in WRITE_TIME_COLUMNS:
                value = conn.execute(select(func.max(col))).scalar()
                if isinstance(value, str):  # SQLite may hand back text for aggregates
                    value = datetime.fromisoformat(value)
                if isinstance(value, datetime):
                    value = value if value.tzinfo else value.replace(tzinfo=UTC)
                    newest = value if newest is None or value > newest else newest
    return newest


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _write_manifest(path: Path, manifest: Manifest) -> None:
    data = asdict(manifest)
    for restore_only in ("audit_carried", "audit_archive"):
        data.pop(restore_only)
    manifest_path(path).write_text(json.dumps(data, indent=2), encoding="utf-8")


def read_manifest(path: Path) -> Manifest:
    """Read and check the manifest of backup ``path``."""
    mpath = manifest_path(path)
    if not path.is_file():
        raise StoreError(N_("Backup file not found: {path}"), path=str(path))
    try:
        data: dict[str, Any] = json.loads(mpath.read_text(encoding="utf-8"))
        return Manifest(**data)
    except FileNotFoundError:
        raise StoreError(N_("Backup manifest not found: {path}"), path=str(mpath)) from None
    except (ValueError, TypeError):
        raise StoreError(N_("Backup manifest is damaged: {path}"), path=str(mpath)) from None


# --- SQLite --------------------------------------------------------------------------


def _sqlite_counts(path: Path) -> dict[str, int]:
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


def _sqlite_backup(engine: Engine, path: Path) -> Manifest:
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
    counts = _sqlite_counts(tmp)
    copy = create_engine(f"sqlite:///{tmp.resolve()}")
    try:
        with copy.connect() as conn:
            mark = watermark(conn)
        revision = current_revision(copy)
    finally:
        copy.dispose()
    os.replace(tmp, path)
    return Manifest("sqlite", revision, _sha256(path), counts, _iso(mark))


def _sqlite_restore(engine: Engine, path: Path) -> None:
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


def _pg_tool(name: str) -> str:
    folder = os.environ.get("CDCARE_PG_BIN")
    tool = str(Path(folder) / name) if folder else shutil.which(name)
    if not tool:
        raise StoreError(N_("{tool} is not installed; it is needed for PostgreSQL"), tool=name)
    return tool


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    # cmd is a list (no shell) naming a pg_dump/pg_restore/psql found by _pg_tool
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        reason = (proc.stderr or proc.stdout).strip().splitlines()
        raise StoreError(
            N_("{tool} failed: {reason}"), tool=Path(cmd[0]).name, reason=(reason or ["?"])[-1]
        )
    return proc


def _pg_backup(engine: Engine, path: Path) -> Manifest:
    tmp = path.with_name(path.name + ".partial")
    with engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = row_counts(conn)
            mark = watermark(conn)
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            _run(
                [
                    _pg_tool("pg_dump"),
                    "-Fc",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(tmp),
                    "--dbname",
                    _libpq_url(engine),
                ]
            )
    _run([_pg_tool("pg_restore"), "--list", str(tmp)])
    os.replace(tmp, path)
    return Manifest("postgresql", revision, _sha256(path), counts, _iso(mark))


def _pg_restore(engine: Engine, path: Path) -> None:
    engine.dispose()
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq_url(engine),
            str(path),
        ]
    )


# --- public API ----------------------------------------------------------------------


def backup_database(engine: Engine, path: Path, *, keys: MediaKeys | None = None) -> Manifest:
    """Write a consistent, verified backup of the database to ``path`` (+ manifest).

    With ``keys`` the data file is encrypted under the current key before the manifest is
    written (no plaintext backup is left behind).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        manifest = _sqlite_backup(engine, path)
    elif engine.dialect.name == "postgresql":
        manifest = _pg_backup(engine, path)
    else:
        raise StoreError(N_("Backups are not supported for {backend}"), backend=engine.dialect.name)
    if keys is not None:
        encrypt_file(path, path, keys)
        manifest.sha256, manifest.encrypted = _sha256(path), True
    _write_manifest(path, manifest)
    verify_backup(path, keys=keys)
    return manifest


def verify_backup(path: Path, *, keys: MediaKeys | None = None) -> Manifest:
    """Check a backup against its manifest (hash, integrity, row counts); return the manifest.

    An encrypted backup needs ``keys`` holding the key it was written with.
    """
    path = Path(path)
    manifest = read_manifest(path)
    if _sha256(path) != manifest.sha256:
        raise StoreError(
            N_("Backup does not match its manifest (changed or damaged): {path}"), path=str(path)
        )
    with plain_copy(path, keys) as plain:
        if manifest.backend == "sqlite":
            if _sqlite_counts(plain) != manifest.row_counts:
                raise StoreError(
                    N_("Backup row counts differ from its manifest: {path}"), path=str(path)
                )
        elif manifest.backend == "postgresql":
            _run([_pg_tool("pg_restore"), "--list", str(plain)])
    if manifest.revision is not None and manifest.revision not in known_revisions():
        raise StoreError(
            N_("Backup has schema {revision}, newer than this cdcare; upgrade cdcare first"),
            revision=manifest.revision,
        )
    return manifest


def restore_backup(
    engine: Engine,
    path: Path,
    *,
    force: bool = False,
    keys: MediaKeys | None = None,
    archive_dir: Path | None = None,
) -> Manifest:
    """Replace the database's contents with backup ``path``, keeping the access log.

    Refuses (``Conflict``) when the database holds data newer than the backup, unless
    ``force``. The backup is verified before anything is touched; after the restore the
    schema is migrated to this code's head and row counts are checked. Access-log rows the
    backup lacks are carried across; if they cannot be re-linked to the backup's chain they
    are archived in ``archive_dir`` (default: the backup's folder), see ``audit_archive``.
    Stop the app first: rows logged during the restore itself are not carried.
    """
    path = Path(path)
    manifest = verify_backup(path, keys=keys)
    if manifest.backend != engine.dialect.name:
        raise StoreError(
            N_("Backup is for {backup}, but the database is {backend}"),
            backup=manifest.backend,
            backend=engine.dialect.name,
        )
    with engine.connect() as conn:
        current_mark = watermark(conn)
    backup_mark = datetime.fromisoformat(manifest.watermark) if manifest.watermark else None
    if (
        not force
        and current_mark is not None
        and (backup_mark is None or current_mark > backup_mark)
    ):
        raise Conflict(
            N_(
                "The database has data newer ({current}) than the backup ({backup}); "
                "use --force to overwrite it"
            ),
            current=_iso(current_mark),
            backup=manifest.watermark or "-",
        )
    with tempfile.TemporaryDirectory(prefix="cdcare-audit-") as tmp:
        saved = Path(tmp) / "audit.jsonl"
        has_log = save_log(engine, saved) > 0
        with plain_copy(path, keys) as plain:
            if manifest.backend == "sqlite":
                _sqlite_restore(engine, plain)
            else:
                _pg_restore(engine, plain)
        with engine.connect() as conn:
            restored = row_counts(conn)
        if restored != manifest.row_counts:
            raise StoreError(N_("Restore incomplete: row counts differ from the backup"))
        upgrade(engine)
        if has_log:
            carried = reattach_log(engine, saved, archive_dir or path.parent)
            manifest.audit_carried = carried.carried
            manifest.audit_archive = str(carried.archive) if carried.archive else None
    _revoke_restored_sessions(engine)
    return manifest


def _revoke_restored_sessions(engine: Engine) -> None:
    """Sessions in a backup may have been revoked since: after a restore everyone logs in anew."""
    from sqlalchemy import update

    from cdcare.store.security_models import WebSession
    from cdcare.store.types import utcnow

    with engine.begin() as conn:
        conn.execute(
            update(WebSession).where(WebSession.revoked_at.is_(None)).values(revoked_at=utcnow())
        )


def rekey_backup(path: Path, keys: MediaKeys) -> bool:
    """Re-encrypt backup ``path`` under the current key and update its manifest's SHA-256.

    The backup is verified before and after; returns False when it already used that key.
    """
    from cdcare.store.crypto import reencrypt_file

    path = Path(path)
    manifest = verify_backup(path, keys=keys)
    if not reencrypt_file(path, keys):
        return False
    manifest.sha256, manifest.encrypted = _sha256(path), True
    _write_manifest(path, manifest)
    verify_backup(path, keys=keys)
    return True
