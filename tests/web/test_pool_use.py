"""One request holds at most one pooled connection at a time, and none during the argon2
password check, on SQLite and PostgreSQL.

The load benchmark's earlier errors (a 500 at login, a logged-in client answered as anonymous)
most likely came from logins holding a connection through argon2 while 50 clients shared
SQLAlchemy's default pool. With a pool of one connection and no overflow the whole flow must
still work, and the pool never lends two connections at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from cdcare.care import accounts
from cdcare.care.accounts import set_demo_passwords
from cdcare.care.demo import load_demo
from cdcare.config import Settings
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.web.app import create_app

from .conftest import csrf_of, login

PHQ9 = {f"q{i}": i % 3 for i in range(1, 10)}


class _TimedHasher:
    """The real hasher; records how many connections were out while a hash was checked."""

    def __init__(self, real: Any, out: dict[str, int]) -> None:
        self.real, self.out = real, out

    def verify(self, stored: str, password: str) -> Any:
        self.out["during_hash"] = max(self.out.get("during_hash", 0), self.out["now"])
        return self.real.verify(stored, password)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_pool_of_one_connection_serves_the_whole_flow(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=2)
    upgrade(engine)
    with session_scope(engine) as db:
        summary = load_demo(db=db, patients=2, today=date(2026, 11, 25))
        set_demo_passwords(db=db, centre_id=summary.centre_id)
    out = {"now": 0, "max": 0}

    def checkout(*_args: Any) -> None:
        out["now"] += 1
        out["max"] = max(out["max"], out["now"])

    def checkin(*_args: Any) -> None:
        out["now"] -= 1

    monkeypatch.setattr(accounts, "_hasher", _TimedHasher(accounts._hasher, out))
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        client = login(TestClient(create_app(Settings(demo=True), engine)), "demo-doctor")
        token = client.get("/api/csrf").json()["csrf_token"]
        ids = [p["id"] for p in client.get("/api/patients").json()]
        assert client.get("/patients").status_code == 200
        assert client.get(f"/patients/{ids[0]}").status_code == 200
        saved = client.post(
            f"/api/patients/{ids[0]}/assessments",
            json={"instrument": "phq9", "answers": PHQ9},
            headers={"x-csrf-token": token},
        )
        assert saved.status_code == 201, saved.text
        page = client.get("/patients")
        assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 200
        assert client.get("/api/me").status_code == 401
        assert out["max"] == 1  # never two connections at once
        assert out["during_hash"] == 0  # none held during the slow password check
    finally:
        engine.dispose()


def test_pool_settings_reach_the_engine() -> None:
    settings = Settings(db_pool_size=7, db_max_overflow=3, db_pool_timeout=4.5)
    engine = make_engine("postgresql+psycopg://u@localhost/x", **settings.engine_options)
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (7, 3, 4.5)  # type: ignore[attr-defined]
