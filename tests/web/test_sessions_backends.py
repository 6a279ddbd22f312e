"""Sessions shared by several worker processes (two apps, one database), on both backends."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cdcare.care.accounts import set_demo_passwords
from cdcare.care.demo import load_demo
from cdcare.config import Settings
from cdcare.store.db import session_scope
from cdcare.web.app import create_app

from .conftest import csrf_of, login


def test_two_workers_share_sessions_and_revocation(engine: Engine) -> None:
    with session_scope(engine) as db:
        summary = load_demo(db=db, patients=2, today=date(2026, 11, 25))
        set_demo_passwords(db=db, centre_id=summary.centre_id)
    worker_a = create_app(Settings(demo=True), engine)
    worker_b = create_app(Settings(demo=True), engine)
    on_a = login(TestClient(worker_a), "demo-nurse")
    cookie = on_a.cookies.get("cdcare_session")
    assert cookie
    on_b = TestClient(worker_b)
    on_b.cookies.set("cdcare_session", cookie)
    assert on_b.get("/api/me").json()["username"] == "demo-nurse"  # the other worker knows it
    token = csrf_of(on_b.get("/patients").text)
    assert on_b.post("/logout", data={"csrf_token": token}).status_code == 200
    replay = TestClient(worker_a)
    replay.cookies.set("cdcare_session", cookie)
    assert replay.get("/api/me").status_code == 401  # revoked on B: refused on A too
