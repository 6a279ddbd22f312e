"""The access log: who read or changed which patient's data, when, from where.

Korean PIPA safeguards (docs/korea-regulatory.md §1): log account, time, IP, data subject
and task for every access to personal information; protect the log against forgery; keep it
≥ 2 years (sensitive data); review monthly. Here every event is one append-only row whose
``hash`` chains it to the previous row, and the database refuses UPDATE and DELETE on the table
(triggers, migration 0002; TRUNCATE on PostgreSQL, 0007). The hash is an HMAC-SHA256 under a
key held outside the database (care/audit_key.py), so dropping the triggers and recomputing the
chain needs that key too; rows written before 0007 keep their unkeyed SHA-256 (``algo``
"sha256"), and no unkeyed row may follow a keyed one. :func:`verify_chain` finds any row that
was altered; care/audit_checkpoint.py anchors the head outside the database.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction

from cdcare.care.audit_key import key_of, mac
from cdcare.store.models import AuditEvent, User

KEYED = "hmac-sha256"
UNKEYED = "sha256"

#: Actions written to the log (the "task" of PIPA access records).
ACTIONS = frozenset(
    {
        "view",
        "list",
        "create",
        "amend",
        "delete",
        "export",
        "download",
        "print",
        "login",
        "login_failed",
        "logout",
        "permission_denied",
    }
)


def _digest(event: AuditEvent, key: bytes) -> str:
    """The row's hash by its own algorithm ("" for an unknown algorithm: never valid)."""
    fields: dict[str, object] = {
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
    if event.algo == UNKEYED:
        blob = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()
    if event.algo == KEYED:
        fields["algo"] = event.algo
        return mac(key, json.dumps(fields, sort_keys=True, ensure_ascii=False).encode())
    return ""


#: PostgreSQL advisory lock key held while the chain head is read and extended.
_PG_LOCK_KEY = 7263001


#: One lock per SQLite engine: this process's audit appends queue here, woken at once, instead
#: of polling SQLite's busy handler (which sleeps up to 100 ms between tries and lets
#: newcomers overtake, so under load some writers waited seconds).
_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()
_WRITER_WAIT_S = 30.0


def _writer_lock(engine: Engine) -> threading.Lock:
    with _WRITERS_GUARD:
        return _SQLITE_WRITERS.setdefault(engine, threading.Lock())


def _hold_until_end(db: Session, lock: threading.Lock) -> None:
    """Release ``lock`` when the session's current transaction ends (commit or rollback)."""
    outer, held = db.get_transaction(), [True]

    def release(_session: Session, transaction: SessionTransaction) -> None:
        if transaction is outer and held:  # (a listener cannot remove itself while called)
            held.clear()
            lock.release()

    sa_event.listen(db, "after_transaction_end", release)


def _lock_chain(db: Session) -> None:
    """Serialise "read the previous hash, insert" across sessions until this one commits.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the database write lock taken
    *before* the read. Python's sqlite3 (legacy transaction control, SQLAlchemy's pysqlite
    default) runs a SELECT outside any transaction and begins a deferred one only at the
    INSERT, so two writers could read the same head and fork the chain. ``BEGIN IMMEDIATE``
    takes the write lock at once (waiting up to the connection's ``busy_timeout``); if this
    connection is already in a transaction it has written and so already holds that lock.
    Within one process, SQLite appends that start a transaction first queue on a Python lock
    of the engine (held until that transaction ends), so they wait their turn instead of
    polling the busy handler.
    """
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            lock = _writer_lock(conn.engine)
            if lock.acquire(timeout=_WRITER_WAIT_S):  # else SQLite's own busy wait decides
                _hold_until_end(db, lock)  # released at this transaction's commit or rollback
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def log_event(
    *,
    db: Session,
    action: str,
    actor: User | None = None,
    username: str = "",
    patient_id: int | None = None,
    target: str = "",
    ip: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event; ``actor`` None is an anonymous event (e.g. a failed login)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    _lock_chain(db)
    prev = db.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""
    event = AuditEvent(
        at=datetime.now(UTC),
        user_id=actor.id if actor else None,
        username=actor.username if actor else username,
        role=actor.role.value if actor else "",
        centre_id=actor.centre_id if actor else None,
        patient_id=patient_id,
        action=action,
        target=target,
        ip=ip,
        reason=reason,
        prev_hash=prev,
        algo=KEYED,
    )
    event.hash = _digest(event, key_of(db.get_bind()))
    db.add(event)
    db.flush()
    return event


def check_events(
    events: Iterable[AuditEvent], *, key: bytes, prev: str = "", keyed: bool = False
) -> tuple[list[int], int, str]:
    """Walk ``events`` in id order from the head ``prev``: (broken ids, rows seen, last hash).

    A row is broken if its link, its hash or its algorithm does not hold (an unkeyed row after
    a keyed one is a downgrade, refused). ``keyed``: a keyed row was already seen before.
    """
    broken: list[int] = []
    seen = 0
    for event in events:
        seen += 1
        downgrade = keyed and event.algo != KEYED
        if downgrade or event.prev_hash != prev or _digest(event, key) != event.hash:
            broken.append(event.id)
        keyed = keyed or event.algo == KEYED
        prev = event.hash
    return broken, seen, prev


def verify_chain(*, db: Session) -> list[int]:
    """Ids of events whose hash or link to the previous event does not hold (empty = intact)."""
    events = db.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    return check_events(events, key=key_of(db.get_bind()))[0]


def query_events(
    *,
    db: Session,
    centre_id: int | None = None,
    patient_id: int | None = None,
    username: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> Sequence[AuditEvent]:
    """Events matching every given filter, newest first."""
    q = select(AuditEvent)
    if centre_id is not None:
        q = q.where(AuditEvent.centre_id == centre_id)
    if patient_id is not None:
        q = q.where(AuditEvent.patient_id == patient_id)
    if username:
        q = q.where(AuditEvent.username == username)
    if action:
        q = q.where(AuditEvent.action == action)
    if since is not None:
        q = q.where(AuditEvent.at >= since)
    if until is not None:
        q = q.where(AuditEvent.at < until)
    return db.scalars(q.order_by(AuditEvent.id.desc()).limit(limit)).all()
