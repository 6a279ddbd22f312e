"""Login, logout, throttling, CSRF and session cookies."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.care.audit import query_events, verify_chain
from cdcare.store.db import session_scope

from .conftest import World, csrf_of, login


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("demo-doctor", "/patients"),
        ("demo-nurse", "/worklist"),
        ("demo-admin", "/admin/audit"),
        ("demo-patient", "/me"),
    ],
)
def test_each_role_logs_in_and_lands_home(world: World, username: str, home: str) -> None:
    client = TestClient(world.app)
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={
            "username": username,
            "password": "cdcare-demo-2026",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303 and resp.headers["location"].startswith(home)
    assert client.get(resp.headers["location"]).status_code == 200
    assert client.get("/api/me").json()["username"] == username


def test_wrong_password_and_throttle(world: World) -> None:
    client = TestClient(world.app)
    token = csrf_of(client.get("/login?lang=en").text)
    for _ in range(5):
        bad = client.post(
            "/login",
            data={"username": "demo-doctor", "password": "nope-nope-1", "csrf_token": token},
        )
        assert bad.status_code == 400 and "Wrong username or password" in bad.text
    blocked = client.post(
        "/login",
        data={"username": "demo-doctor", "password": "cdcare-demo-2026", "csrf_token": token},
    )
    assert blocked.status_code == 429  # even the right password, until the window passes
    assert client.get("/api/me").status_code == 401
    with session_scope(world.app.state.engine) as db:
        failed = query_events(db=db, action="login_failed")
        assert len(failed) == 6 and failed[0].username == "demo-doctor"
        assert verify_chain(db=db) == []


def test_unknown_user_is_like_a_wrong_password(world: World) -> None:
    client = TestClient(world.app)
    token = csrf_of(client.get("/login?lang=ko").text)
    resp = client.post(
        "/login", data={"username": "nobody", "password": "whatever-123", "csrf_token": token}
    )
    assert resp.status_code == 400


def test_login_without_csrf_token_is_refused(world: World) -> None:
    client = TestClient(world.app)
    client.get("/login")
    resp = client.post("/login", data={"username": "demo-doctor", "password": "cdcare-demo-2026"})
    assert resp.status_code == 403
    assert client.get("/api/me").status_code == 401


def test_logout_ends_session_and_needs_csrf(world: World) -> None:
    client = login(TestClient(world.app), "demo-nurse")
    assert client.post("/logout", data={}).status_code == 403  # no token: refused
    token = csrf_of(client.get("/patients").text)
    resp = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert resp.status_code == 303
    assert client.get("/api/me").status_code == 401
    page = client.get("/patients", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


def test_session_cookie_flags(world: World) -> None:
    client = TestClient(world.app)
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={
            "username": "demo-doctor",
            "password": "cdcare-demo-2026",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    cookie = resp.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # demo mode serves plain http on loopback


def test_open_redirect_is_ignored(world: World) -> None:
    client = TestClient(world.app)
    token = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login",
        data={
            "username": "demo-doctor",
            "password": "cdcare-demo-2026",
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/patients"


def test_passwords_are_argon2id_hashes(world: World) -> None:
    from cdcare.store.models import User

    with session_scope(world.app.state.engine) as db:
        hashes = list(db.scalars(select(User.password_hash)))
    assert hashes and all(h and h.startswith("$argon2id$") for h in hashes)
