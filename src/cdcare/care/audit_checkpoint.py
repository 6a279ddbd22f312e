"""Checkpoints of the access-log chain head, kept outside the database, and verification.

A checkpoint is a small JSON file (default ``<data_dir>/audit-checkpoint.json``): the id and
hash of the newest row, how many rows there were up to it, when it was taken, and an
HMAC-SHA256 of those fields under the audit key. Deleting the newest rows, or rewriting the
whole chain, no longer matches the last checkpoint. Take one periodically (``cdcare audit
checkpoint``, e.g. hourly from cron) and copy it off the host for the strongest anchor; rows
written after the last checkpoint are protected by the chain only.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdcare.care.audit import KEYED, check_events
from cdcare.care.audit_key import fingerprint, key_of, mac
from cdcare.config import Settings
from cdcare.errors import N_, InputError
from cdcare.store.models import AuditEvent

CHECKPOINT_FILE = "audit-checkpoint.json"
_FIELDS = ("row_id", "hash", "count", "at", "algo")


def checkpoint_path(settings: Settings) -> Path:
    """The default checkpoint file of ``settings``."""
    return settings.data_dir / CHECKPOINT_FILE


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at one moment: row id, its hash, rows up to it, time (UTC ISO)."""

    row_id: int
    hash: str
    count: int
    at: str
    algo: str

    def signed(self, key: bytes) -> dict[str, object]:
        """The file content: the fields and their HMAC."""
        body: dict[str, object] = {k: getattr(self, k) for k in _FIELDS}
        body["mac"] = mac(key, json.dumps(body, sort_keys=True).encode())
        body["key"] = fingerprint(key)
        return body


@dataclass
class Report:
    """Outcome of a verification: ``problems`` are message ids with their parameters."""

    checked: int = 0
    broken: list[int] = field(default_factory=list)
    problems: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    checkpoint: Checkpoint | None = None

    @property
    def intact(self) -> bool:
        """True when no row is broken and the checkpoint (if any) holds."""
        return not self.broken and not self.problems


def read_checkpoint(path: Path, key: bytes) -> Checkpoint | None:
    """The checkpoint in ``path`` (None if there is none); InputError if forged or unreadable."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cp = Checkpoint(**{k: data[k] for k in _FIELDS})
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(N_("The audit checkpoint {path} is unreadable"), path=str(path)) from None
    if cp.signed(key)["mac"] != data.get("mac"):
        raise InputError(
            N_("The audit checkpoint {path} does not match the audit key (forged or other key)"),
            path=str(path),
        )
    return cp


def write_checkpoint(*, db: Session, path: Path) -> Checkpoint:
    """Verify the chain (from the last checkpoint) and, if intact, record its head in ``path``."""
    report = verify(db=db, path=path)
    if not report.intact:
        raise InputError(N_("The access log is broken; no checkpoint was written"))
    row = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    count = int(db.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    cp = Checkpoint(
        row_id=row.id if row else 0,
        hash=row.hash if row else "",
        count=count,
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        algo=row.algo if row else KEYED,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(cp.signed(key_of(db.get_bind())), indent=1) + "\n", "utf-8")
    os.replace(tmp, path)
    return cp


def _anchor(db: Session, cp: Checkpoint, report: Report) -> bool:
    """Does the database still hold the checkpointed head? Records a problem if not."""
    row = db.get(AuditEvent, cp.row_id) if cp.row_id else None
    upto = select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= cp.row_id)
    count = int(db.scalar(upto) or 0)
    if (cp.row_id and (row is None or row.hash != cp.hash)) or count != cp.count:
        report.problems.append(
            (
                N_(
                    "Rows up to the checkpoint of {at} were deleted or rewritten "
                    "({count} expected up to row {id}, {found} found)"
                ),
                {"at": cp.at, "count": cp.count, "id": cp.row_id, "found": count},
            )
        )
        return False
    return True


def verify(*, db: Session, path: Path, full: bool = False) -> Report:
    """Check the chain against the checkpoint in ``path``: from it (default) or from the start."""
    key = key_of(db.get_bind())
    report = Report()
    try:
        cp = read_checkpoint(path, key)
    except InputError as err:
        report.problems.append((err.message, err.params))
        cp = None
    report.checkpoint = cp
    anchored = cp is not None and _anchor(db, cp, report)
    q = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    if cp is not None and anchored and not full:
        q = q.where(AuditEvent.id > cp.row_id)
        broken, seen, _ = check_events(db.scalars(q), key=key, prev=cp.hash, keyed=cp.algo == KEYED)
    else:
        broken, seen, _ = check_events(db.scalars(q), key=key)
    report.broken, report.checked = broken, seen
    return report


def export_csv(*, db: Session, since: datetime, until: datetime, out: Path) -> int:
    """Write the events with ``since`` ≤ time < ``until`` (UTC) to CSV ``out``; the row count."""
    columns = [c.name for c in AuditEvent.__table__.columns]
    q = (
        select(AuditEvent)
        .where(AuditEvent.at >= since, AuditEvent.at < until)
        .order_by(AuditEvent.id)
        .execution_options(yield_per=1000)
    )
    n = 0
    try:
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for event in db.scalars(q):
                value = {c: getattr(event, c) for c in columns}
                value["at"] = event.at.astimezone(UTC).isoformat()
                writer.writerow([value[c] for c in columns])
                n += 1
    except OSError as exc:
        raise InputError(
            N_("Cannot write {path}: {reason}"), path=str(out), reason=exc.strerror
        ) from None
    return n
