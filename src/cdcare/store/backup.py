"""Consistent backups and guarded restores, for SQLite and PostgreSQL.

A backup is two files: the data (``PATH``) and a manifest (``PATH.manifest.json``) with the
backend, schema revision, SHA-256 of the data file, the row count of every table and the
*watermark* (the newest timestamp in the data, UTC). Both are written while the app may run:

- SQLite: the online backup API copies a consistent snapshot page by page.
- PostgreSQL: ``pg_dump -Fc`` runs inside an exported REPEATABLE READ snapshot, so the row
  counts in the manifest describe exactly what was dumped.

(The manifest is :mod:`cdcare.store.backup_manifest`, the two backends
:mod:`cdcare.store.backup_backends`; this module is the public API.)

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

import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from cdcare.errors import N_, Conflict, StoreError
from cdcare.store.audit_carry import reattach_log, save_log
from cdcare.store.backup_backends import (
    pg_backup,
    pg_restore,
    pg_tool,
    run_tool,
    sqlite_backup,
    sqlite_counts,
    sqlite_restore,
)
from cdcare.store.backup_manifest import (
    MANIFEST_SUFFIX,
    WATERMARK_IGNORED,
    WRITE_TIME_COLUMNS,
    Manifest,
    iso_utc,
    manifest_path,
    read_manifest,
    row_counts,
    sha256_of,
    watermark,
    write_manifest,
)
from cdcare.store.crypto import MediaKeys, encrypt_file, plain_copy
from cdcare.store.migrate import known_revisions, upgrade

__all__ = [
    "MANIFEST_SUFFIX",
    "WATERMARK_IGNORED",
    "WRITE_TIME_COLUMNS",
    "Manifest",
    "backup_database",
    "manifest_path",
    "read_manifest",
    "rekey_backup",
    "restore_backup",
    "row_counts",
    "verify_backup",
    "watermark",
]


def backup_database(engine: Engine, path: Path, *, keys: MediaKeys | None = None) -> Manifest:
    """Write a consistent, verified backup of the database to ``path`` (+ manifest).

    With ``keys`` the data file is encrypted under the current key before the manifest is
    written (no plaintext backup is left behind).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        manifest = sqlite_backup(engine, path)
    elif engine.dialect.name == "postgresql":
        manifest = pg_backup(engine, path)
    else:
        raise StoreError(N_("Backups are not supported for {backend}"), backend=engine.dialect.name)
    if keys is not None:
        encrypt_file(path, path, keys)
        manifest.sha256, manifest.encrypted = sha256_of(path), True
    write_manifest(path, manifest)
    verify_backup(path, keys=keys)
    return manifest


def verify_backup(path: Path, *, keys: MediaKeys | None = None) -> Manifest:
    """Check a backup against its manifest (hash, integrity, row counts); return the manifest.

    An encrypted backup needs ``keys`` holding the key it was written with.
    """
    path = Path(path)
    manifest = read_manifest(path)
    if sha256_of(path) != manifest.sha256:
        raise StoreError(
            N_("Backup does not match its manifest (changed or damaged): {path}"), path=str(path)
        )
    with plain_copy(path, keys) as plain:
        if manifest.backend == "sqlite":
            if sqlite_counts(plain) != manifest.row_counts:
                raise StoreError(
                    N_("Backup row counts differ from its manifest: {path}"), path=str(path)
                )
        elif manifest.backend == "postgresql":
            run_tool([pg_tool("pg_restore"), "--list", str(plain)])
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
            current=iso_utc(current_mark),
            backup=manifest.watermark or "-",
        )
    with tempfile.TemporaryDirectory(prefix="cdcare-audit-") as tmp:
        saved = Path(tmp) / "audit.jsonl"
        has_log = save_log(engine, saved) > 0
        with plain_copy(path, keys) as plain:
            if manifest.backend == "sqlite":
                sqlite_restore(engine, plain)
            else:
                pg_restore(engine, plain)
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
    manifest.sha256, manifest.encrypted = sha256_of(path), True
    write_manifest(path, manifest)
    verify_backup(path, keys=keys)
    return True
