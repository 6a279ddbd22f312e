"""TOTP second factor: enrolment as text, the code step at login, no replay, admins outside demo."""

from __future__ import annotations

import re
import time

import pyotp
from fastapi.testclient import TestClient

from cdcare.config import Settings
from cdcare.web.app import create_app

from .conftest import World, csrf_of, login

PASSWORD = "cdcare-demo-2026"


def _secret(html: str) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html)
    assert match, "no secret shown"
    return match.group(1)


def _password_step(client: TestClient, username: str) -> str:
    token = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    return str(resp.headers["location"])


def _previous_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(time.time() - 30)


def test_staff_enrol_then_login_needs_a_fresh_code(world: World) -> None:
    doctor = login(TestClient(world.app), "demo-doctor")
    page = doctor.get("/account/totp?lang=en")
    assert page.status_code == 200 and "otpauth://totp/cdcare:demo-doctor" in page.text
    secret = _secret(page.text)
    bad = doctor.post("/account/totp", data={"csrf_token": csrf_of(page.text), "code": "000000"})
    assert bad.status_code == 400
    ok = doctor.post(
        "/account/totp",
        data={"csrf_token": csrf_of(page.text), "code": _previous_code(secret)},
    )
    assert ok.status_code == 200 and 'id="totp-on"' in ok.text

    fresh = TestClient(world.app)
    assert _password_step(fresh, "demo-doctor") == "/login/code"
    assert fresh.get("/api/me").status_code == 401  # the password alone opens nothing
    form = fresh.get("/login/code?lang=en")
    wrong = fresh.post("/login/code", data={"csrf_token": csrf_of(form.text), "code": "123456"})
    assert wrong.status_code == 400 and "Wrong or already used code" in wrong.text
    code = pyotp.TOTP(secret).now()
    done = fresh.post(
        "/login/code", data={"csrf_token": csrf_of(form.text), "code": code}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/patients"
    assert fresh.get("/api/me").json()["username"] == "demo-doctor"

    replay = TestClient(world.app)  # the same code, seen over a shoulder
    _password_step(replay, "demo-doctor")
    form = replay.get("/login/code")
    again = replay.post("/login/code", data={"csrf_token": csrf_of(form.text), "code": code})
    assert again.status_code == 400 and replay.get("/api/me").status_code == 401


def test_patients_are_not_offered_a_second_factor(world: World) -> None:
    patient = login(TestClient(world.app), "demo-patient")
    assert patient.get("/account/totp").status_code == 403


def test_admin_outside_demo_must_enrol_before_anything_opens(world: World) -> None:
    app = create_app(
        Settings(demo=False, secret_key="k" * 40, cookie_secure=False), world.app.state.engine
    )
    admin = TestClient(app)
    assert _password_step(admin, "demo-admin") == "/account/totp"
    assert admin.get("/api/me").status_code == 401
    assert admin.get("/admin/audit", follow_redirects=False).status_code == 303
    page = admin.get("/account/totp?lang=en")
    assert "Administrators need a second factor" in page.text
    done = admin.post(
        "/account/totp",
        data={"csrf_token": csrf_of(page.text), "code": pyotp.TOTP(_secret(page.text)).now()},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/audit"
    assert admin.get("/api/me").json()["username"] == "demo-admin"
    # staff other than admins are not forced to enrol
    nurse = TestClient(app)
    assert _password_step(nurse, "demo-nurse") == "/worklist"  # a nurse's landing page
