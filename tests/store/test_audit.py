"""The access log is append-only (database triggers) and tamper-evident (hash chain)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError

from cdcare.care.audit import log_event, query_events, verify_chain
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent, Centre, Role, User


def _user(engine: Engine) -> int:
    with session_scope(engine) as s:
        c = Centre(code="A", name="A")
        s.add(c)
        s.flush()
        u = User(centre_id=c.id, username="nurse1", display_name="N", role=Role.NURSE)
        s.add(u)
        s.flush()
        return u.id


def test_events_chain_and_filter(engine: Engine) -> None:
    uid = _user(engine)
    with session_scope(engine) as s:
        user = s.get(User, uid)
        log_event(db=s, action="view", actor=user, patient_id=7, ip="127.0.0.1")
        log_event(db=s, action="download", actor=user, patient_id=7, reason="referral letter")
        log_event(db=s, action="login_failed", username="intruder", ip="10.0.0.9")
    with session_scope(engine) as s:
        assert verify_chain(db=s) == []
        events = query_events(db=s, patient_id=7)
        assert [e.action for e in events] == ["download", "view"]
        assert events[0].reason == "referral letter" and events[0].role == "nurse"
        assert query_events(db=s, username="intruder")[0].user_id is None
    with pytest.raises(ValueError, match="unknown audit action"), session_scope(engine) as s:
        log_event(db=s, action="peek")


def test_database_refuses_update_and_delete(engine: Engine) -> None:
    uid = _user(engine)
    with session_scope(engine) as s:
        log_event(db=s, action="view", actor=s.get(User, uid), patient_id=1)
    with pytest.raises(DBAPIError, match="append-only"), session_scope(engine) as s:
        s.execute(update(AuditEvent).values(action="list"))
    with pytest.raises(DBAPIError, match="append-only"), session_scope(engine) as s:
        s.execute(delete(AuditEvent))
    with session_scope(engine) as s:
        assert [e.action for e in query_events(db=s)] == ["view"]


def test_tampering_is_detected(engine: Engine) -> None:
    uid = _user(engine)
    with session_scope(engine) as s:
        for pid in (1, 2, 3):
            log_event(db=s, action="view", actor=s.get(User, uid), patient_id=pid)
    # an attacker with raw database access drops the guard and rewrites one row
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("UPDATE audit_event SET patient_id = 99 WHERE patient_id = 2"))
    with session_scope(engine) as s:
        broken = verify_chain(db=s)
        assert len(broken) == 1
        assert s.get(AuditEvent, broken[0]).patient_id == 99  # type: ignore[union-attr]


def test_concurrent_writers_keep_one_chain(engine: Engine) -> None:
    """8 threads × 40 events, each in its own transaction like a request: nothing lost, no fork."""
    uid = _user(engine)
    threads, per_thread = 8, 40
    start = threading.Barrier(threads)

    def writer(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            with session_scope(engine) as s:
                s.get(User, uid)  # a read first, as a page does before it logs
                log_event(db=s, action="view", actor=s.get(User, uid), patient_id=n * 1000 + i)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(writer, range(threads)))
    with session_scope(engine) as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert len(rows) == threads * per_thread
        assert {r.patient_id for r in rows} == {
            n * 1000 + i for n in range(threads) for i in range(per_thread)
        }
        assert verify_chain(db=s) == []
        assert len({r.prev_hash for r in rows}) == len(rows)  # no two rows share a parent
