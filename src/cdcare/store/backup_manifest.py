"""The manifest of a backup (:mod:`cdcare.store.backup`): what the backup holds, beside it as JSON.

Backend, schema revision, SHA-256 of the data file as stored, the row count of every table and
the *watermark*: the newest write time (UTC) in any table but the access log, which a restore
carries across and which therefore never makes a database "newer" than a backup.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from cdcare.errors import N_, StoreError
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


def sha256_of(path: Path) -> str:
    """SHA-256 (hex) of the file ``path``, read in 1 MiB blocks."""
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


def iso_utc(value: datetime | None) -> str | None:
    """``value`` as ISO 8601 in UTC, or None."""
    return value.astimezone(UTC).isoformat() if value else None


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Write the manifest of backup ``path`` (without the restore-only fields)."""
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
