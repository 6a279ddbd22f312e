"""Server-side sessions: replayed cookies after logout, timeouts, password change, revocation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from cdcare.care.accounts import set_password
from cdcare.care.sessions import hash_token
from cdcare.store.db import session_scope
from cdcare.store.models import User
from cdcare.store.security_models import WebSession
from cdcare.store.types import utcnow

from .conftest import World, csrf_of, login

NEW_PASSWORD = "a-new-password-2026"


def _cookie(client: TestClient) -> str:
    value = client.cookies.get("cdcare_session")
    assert value
    return value


def _replay(world: World, cookie: str) -> TestClient:
    thief = TestClient(world.app)
    thief.cookies.set("cdcare_session", cookie)
    return thief


def test_replayed_cookie_after_logout_is_refused(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    stolen = _cookie(client)
    assert _replay(world, stolen).get("/api/me").status_code == 200
    token = csrf_of(client.get("/patients").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 200
    thief = _replay(world, stolen)
    assert thief.get("/api/me").status_code == 401
    page = thief.get("/patients", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_cookie_is_only_a_random_token_stored_hashed(world: World) -> None:
    client = TestClient(world.app)
    client.get("/login")
    before = _cookie(client)
    login(client, "demo-nurse")
    token = _cookie(client)
    assert token != before  # a new session at login: no fixation
    assert len(token) >= 43 and "." not in token  # 256 random bits, no signed payload
    with session_scope(world.app.state.engine) as db:
        row = db.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
        assert row is not None and row.user_id is not None
        assert db.scalar(select(WebSession).where(WebSession.token_hash == token)) is None
        old = db.scalar(select(WebSession).where(WebSession.token_hash == hash_token(before)))
        assert old is not None and old.revoked_at is not None


def _age(world: World, token: str, **changes: object) -> None:
    with session_scope(world.app.state.engine) as db:
        db.execute(
            update(WebSession).where(WebSession.token_hash == hash_token(token)).values(**changes)
        )


def test_idle_timeout_and_absolute_lifetime(world: World) -> None:
    idle = login(TestClient(world.app), "demo-doctor")
    _age(world, _cookie(idle), last_seen_at=utcnow() - timedelta(minutes=31))
    assert idle.get("/api/me").status_code == 401
    old = login(TestClient(world.app), "demo-doctor")
    assert old.get("/api/me").status_code == 200
    _age(world, _cookie(old), expires_at=utcnow() - timedelta(seconds=1))
    assert old.get("/api/me").status_code == 401
    busy = login(TestClient(world.app), "demo-doctor")
    _age(world, _cookie(busy), last_seen_at=utcnow() - timedelta(minutes=29))
    assert busy.get("/api/me").status_code == 200  # activity within 30 min keeps it open
    assert busy.get("/api/me").status_code == 200  # and was recorded: last seen moved on
    with session_scope(world.app.state.engine) as db:
        row = db.scalar(
            select(WebSession).where(WebSession.token_hash == hash_token(_cookie(busy)))
        )
        assert row is not None and utcnow() - row.last_seen_at < timedelta(minutes=1)


def test_password_change_revokes_every_session(world: World) -> None:
    first = login(TestClient(world.app), "demo-nurse")
    second = login(TestClient(world.app), "demo-nurse")
    with session_scope(world.app.state.engine) as db:
        nurse = db.scalar(select(User).where(User.username == "demo-nurse"))
        assert nurse is not None
        set_password(db=db, user=nurse, password=NEW_PASSWORD)
    assert first.get("/api/me").status_code == 401
    assert second.get("/api/me").status_code == 401
    login(TestClient(world.app), "demo-nurse", NEW_PASSWORD)


def test_sessions_page_revoke_one_and_log_out_everywhere(world: World) -> None:
    laptop = login(TestClient(world.app, headers={"User-Agent": "Laptop"}), "demo-doctor")
    phone = login(TestClient(world.app, headers={"User-Agent": "Phone"}), "demo-doctor")
    tablet = login(TestClient(world.app, headers={"User-Agent": "Tablet"}), "demo-doctor")
    other = login(TestClient(world.app), "demo-nurse")
    page = laptop.get("/account/sessions?lang=en")
    assert page.status_code == 200
    assert "Laptop" in page.text and "Phone" in page.text and "this browser" in page.text
    with session_scope(world.app.state.engine) as db:
        phone_id = db.scalar(
            select(WebSession.id).where(WebSession.token_hash == hash_token(_cookie(phone)))
        )
    token = csrf_of(page.text)
    # another user cannot revoke the doctor's session by guessing its id
    nurse_token = csrf_of(other.get("/account/sessions").text)
    other.post(f"/account/sessions/{phone_id}/revoke", data={"csrf_token": nurse_token})
    assert phone.get("/api/me").status_code == 200
    resp = laptop.post(f"/account/sessions/{phone_id}/revoke", data={"csrf_token": token})
    assert resp.status_code == 200 and "Phone" not in resp.text
    assert phone.get("/api/me").status_code == 401
    assert laptop.get("/api/me").status_code == 200
    everywhere = laptop.post("/account/sessions/revoke-all", data={"csrf_token": token})
    assert everywhere.status_code == 200
    assert laptop.get("/api/me").status_code == 401
    assert tablet.get("/api/me").status_code == 401
    assert other.get("/api/me").status_code == 200  # another user's session is untouched
    assert laptop.post("/account/sessions/revoke-all", data={}).status_code in (401, 403)


def test_restore_does_not_bring_back_revoked_sessions(world: World, tmp_path: Path) -> None:
    from cdcare.store.backup import backup_database, restore_backup

    client = login(TestClient(world.app), "demo-doctor")
    stolen = _cookie(client)
    engine = world.app.state.engine
    backup_database(engine, tmp_path / "b.db")  # the session is live in the backup
    token = csrf_of(client.get("/patients").text)
    client.post("/logout", data={"csrf_token": token})
    restore_backup(engine, tmp_path / "b.db", force=True)
    assert _replay(world, stolen).get("/api/me").status_code == 401
