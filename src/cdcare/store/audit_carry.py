"""Carry the access log across a restore: no access-log row is ever erased by a restore.

PIPA asks to keep access records ≥ 2 years, and restoring a backup must not undo them. Before a
restore the current log is saved to a JSON-lines file; after it, the rows the backup does not
hold are inserted again with their original ids and hashes. When the backup's log is a prefix
of the current one (the usual case: a backup of this same database) the carried rows continue
its chain exactly and the chain still verifies. When it is not (a backup of another database,
or a log that diverged), the saved rows cannot be re-linked: they are kept in an archive file
beside the backup and the restore reports it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, insert, inspect, select, text

from cdcare.store.models import AuditEvent

TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Carried:
    """What happened to the access log: rows carried across, or the archive holding them."""

    carried: int = 0
    archive: Path | None = None


def save_log(engine: Engine, out: Path) -> int:
    """Write every access-log row of ``engine``'s database to ``out`` (JSON lines); the count."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(TABLE.name):
            return 0
        existing = {c["name"] for c in inspect(conn).get_columns(TABLE.name)}
        cols = [c for c in TABLE.columns if c.name in existing]
        n = 0
        with out.open("w", encoding="utf-8") as fh:
            q = select(*cols).order_by(TABLE.c.id).execution_options(yield_per=1000)
            for row in conn.execute(q):
                data = dict(row._mapping)
                data["at"] = data["at"].astimezone(UTC).isoformat()
                fh.write(json.dumps(data, ensure_ascii=False) + "\n")
                n += 1
    return n


def _rows(saved: Path) -> list[dict[str, Any]]:
    out = []
    with saved.open(encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            data["at"] = datetime.fromisoformat(data["at"])
            out.append(data)
    return out


def reattach_log(engine: Engine, saved: Path, archive_dir: Path) -> Carried:
    """Insert the saved rows the restored database lacks (see module docstring)."""
    rows = _rows(saved)
    with engine.begin() as conn:
        head_id = conn.scalar(select(func.max(TABLE.c.id))) or 0
        head = conn.scalar(select(TABLE.c.hash).where(TABLE.c.id == head_id)) if head_id else ""
        count = int(conn.scalar(select(func.count()).select_from(TABLE)) or 0)
        kept = [r for r in rows if r["id"] <= head_id]
        extra = [r for r in rows if r["id"] > head_id]
        prefix = len(kept) == count and (not kept or kept[-1]["id"] == head_id)
        if prefix and kept and kept[-1]["hash"] != head:
            prefix = False
        if not prefix:
            archive_dir.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            archive = archive_dir / f"audit-archive-{stamp}.jsonl"
            shutil.copyfile(saved, archive)
            return Carried(archive=archive)
        for start in range(0, len(extra), 500):
            conn.execute(insert(TABLE), extra[start : start + 500])
        if extra and conn.dialect.name == "postgresql":  # ids were given: move the sequence on
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), :n)"),
                {"n": extra[-1]["id"]},
            )
    return Carried(carried=len(extra))
