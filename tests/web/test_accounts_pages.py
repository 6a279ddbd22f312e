"""Admin account pages, password change for every role, and the one-time reset link."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.care.accounts import DEMO_PASSWORD
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent, Role, User

from .conftest import World, csrf_of, login

NEW_PW = "a-new-password-77"


def _user(world: World, username: str) -> User:
    with session_scope(world.app.state.engine) as db:
        user = db.scalar(select(User).where(User.username == username))
        assert user is not None
        return user


def _targets(world: World) -> list[str]:
    with session_scope(world.app.state.engine) as db:
        return [e.target for e in db.scalars(select(AuditEvent))]


def _post(client: TestClient, page: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def test_admin_creates_nurse_who_logs_in_through_reset_link(world: World) -> None:
    admin = login(TestClient(world.app), "demo-admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "demo-nurse" in page.text
    resp = _post(
        admin,
        "/admin/users",
        "/admin/users",
        {"username": "nurse-new", "display_name": "New Nurse", "role": "nurse", "lang": "en"},
    )
    assert resp.status_code == 303
    new = _user(world, "nurse-new")
    assert new.role is Role.NURSE and new.password_hash is None
    shown = _post(admin, "/admin/users", f"/admin/users/{new.id}/reset-link", {})
    assert shown.status_code == 200
    link = re.search(r'<code class="reset-link">([^<]+)</code>', shown.text)
    assert link
    path = "/reset/" + link.group(1).rsplit("/reset/", 1)[1]
    person = TestClient(world.app)
    form = person.get(path)
    assert form.status_code == 200 and form.headers["referrer-policy"] == "same-origin"
    bad = person.post(
        path, data={"new": NEW_PW, "repeat": "other-password-1", "csrf_token": csrf_of(form.text)}
    )
    assert bad.status_code == 422
    done = person.post(
        path, data={"new": NEW_PW, "repeat": NEW_PW, "csrf_token": csrf_of(form.text)}
    )
    assert done.status_code == 200
    assert person.get(path).status_code == 410  # single use
    login(TestClient(world.app), "nurse-new", NEW_PW)
    assert f"user:{new.id}:reset_link" in _targets(world)
    assert f"user:{new.id}:password_reset" in _targets(world)


def test_admin_form_error_keeps_input(world: World) -> None:
    admin = login(TestClient(world.app), "demo-admin")
    resp = _post(
        admin,
        "/admin/users",
        "/admin/users",
        {
            "username": "pt-x",
            "display_name": "Kept Name",
            "role": "patient",
            "record_number": "NO-SUCH",
            "lang": "ko",
        },
    )
    assert resp.status_code == 422
    assert 'value="Kept Name"' in resp.text and 'role="alert"' in resp.text


def test_admin_deactivates_and_re_roles(world: World) -> None:
    admin = login(TestClient(world.app), "demo-admin")
    nurse = _user(world, "demo-nurse")
    r = _post(admin, "/admin/users", f"/admin/users/{nurse.id}/role", {"role": "physician"})
    assert r.status_code == 303 and _user(world, "demo-nurse").role is Role.PHYSICIAN
    r = _post(admin, "/admin/users", f"/admin/users/{nurse.id}/active", {"active": "0"})
    assert r.status_code == 303 and not _user(world, "demo-nurse").active
    client = TestClient(world.app)
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={
            "username": "demo-nurse",
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_of(page.text),
        },
    )
    assert resp.status_code == 400
    me = _user(world, "demo-admin")
    r = _post(admin, "/admin/users", f"/admin/users/{me.id}/active", {"active": "0"})
    assert r.status_code == 409  # the last admin stays


def test_other_centre_account_invisible_and_non_admin_refused(world: World) -> None:
    admin = login(TestClient(world.app), "demo-admin")
    other = _user(world, "other-nurse")
    r = _post(admin, "/admin/users", f"/admin/users/{other.id}/active", {"active": "0"})
    assert r.status_code == 404 and _user(world, "other-nurse").active
    nurse = login(TestClient(world.app), "demo-nurse")
    assert nurse.get("/admin/users").status_code == 403


@pytest.mark.parametrize("username", ["demo-admin", "demo-doctor", "demo-nurse", "demo-patient"])
def test_every_role_changes_its_password(world: World, username: str) -> None:
    client = login(TestClient(world.app), username)
    elsewhere = login(TestClient(world.app), username)  # another device, logged in before
    home = client.get("/account/password")
    assert home.status_code == 200
    wrong = _post(
        client,
        "/account/password",
        "/account/password",
        {"old": "not-my-password", "new": NEW_PW, "repeat": NEW_PW},
    )
    assert wrong.status_code == 422
    mismatch = _post(
        client,
        "/account/password",
        "/account/password",
        {"old": DEMO_PASSWORD, "new": NEW_PW, "repeat": NEW_PW + "x"},
    )
    assert mismatch.status_code == 422
    ok = _post(
        client,
        "/account/password",
        "/account/password",
        {"old": DEMO_PASSWORD, "new": NEW_PW, "repeat": NEW_PW},
    )
    assert ok.status_code == 200
    assert client.get("/account/password", follow_redirects=False).status_code == 200  # kept
    gone = elsewhere.get("/account/password", follow_redirects=False)
    assert gone.status_code == 303 and "/login" in gone.headers["location"]  # revoked
    login(TestClient(world.app), username, NEW_PW)
    assert f"user:{_user(world, username).id}:password" in _targets(world)


def test_password_page_needs_login(world: World) -> None:
    r = TestClient(world.app).get("/account/password", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_bogus_reset_link_is_refused(world: World) -> None:
    r = TestClient(world.app).get("/reset/not-a-token")
    assert r.status_code == 410 and 'role="alert"' in r.text
