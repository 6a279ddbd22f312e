"""SQLite audit appends queue on one Python lock per engine, held exactly until the appending
transaction ends (commit, rollback or close), so no writer is left waiting on a lost lock."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from cdcare.care.audit import _writer_lock, log_event, verify_chain
from cdcare.store.db import make_engine, session_factory
from cdcare.store.migrate import upgrade


def test_lock_is_held_until_the_transaction_ends(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    upgrade(engine)
    lock = _writer_lock(engine)
    sessions = session_factory(engine)
    with sessions() as db:
        log_event(db=db, action="view", username="a")
        assert lock.locked()  # the append's transaction is open
        log_event(db=db, action="view", username="a")  # same transaction: no second acquire
        db.commit()
        assert not lock.locked()
    with sessions() as db:
        log_event(db=db, action="view", username="b")
        db.rollback()
        assert not lock.locked()
    with sessions() as db:
        log_event(db=db, action="view", username="c")
    assert not lock.locked()  # closed without commit: rolled back, released
    with sessions() as db:
        assert verify_chain(db=db) == []
        names = list(db.scalars(text("SELECT username FROM audit_event ORDER BY id")))
        assert names == ["a", "a"]  # the rolled-back appends left nothing
    engine.dispose()
