"""TOTP secrets at rest: encrypted under the media keys in the database (and in the web session
while enrolling), login still works, after a key rotation too, and migration 0011 encrypts the
secrets stored in clear before it (and its downgrade decrypts them)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from cdcare.care import totp
from cdcare.config import Settings
from cdcare.store.crypto import generate_key, parse_keys
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import downgrade, upgrade
from cdcare.web.app import create_app

from ..raw_rows import insert_centre
from .conftest import World, csrf_of, login
from .test_totp import _password_step, _previous_code, _secret

BASE32 = re.compile(r"[A-Z2-7]{16,}")
OLD, NEW = generate_key(), generate_key()


def _app(engine: Engine, keys: str) -> FastAPI:
    return create_app(Settings(demo=True, media_keys=keys), engine)


def _stored(engine: Engine, table: str, column: str) -> list[str]:
    with engine.connect() as conn:
        return [str(v) for v in conn.execute(text(f"SELECT {column} FROM {table}")).scalars()]  # noqa: S608 (fixed names)


def _code_login(app: FastAPI, secret: str, at: float) -> int:
    client = TestClient(app)
    assert _password_step(client, "demo-doctor") == "/login/code"
    form = client.get("/login/code")
    code = pyotp.TOTP(secret).at(at)
    resp = client.post("/login/code", data={"csrf_token": csrf_of(form.text), "code": code})
    return client.get("/api/me").status_code if resp.status_code == 200 else resp.status_code


def _enrol(app: FastAPI, engine: Engine) -> str:
    doctor = login(TestClient(app), "demo-doctor")
    page = doctor.get("/account/totp?lang=en")
    secret = _secret(page.text)
    sessions = " ".join(_stored(engine, "web_session", "data"))
    assert secret not in sessions  # the offered secret is not in the session row in clear
    ok = doctor.post(
        "/account/totp", data={"csrf_token": csrf_of(page.text), "code": _previous_code(secret)}
    )
    assert ok.status_code == 200 and 'id="totp-on"' in ok.text
    return secret


def test_secret_is_encrypted_and_login_works_before_and_after_rotation(world: World) -> None:
    engine = world.app.state.engine
    secret = _enrol(_app(engine, OLD), engine)
    (stored,) = _stored(engine, "user_totp", "secret")
    assert secret not in stored and not BASE32.search(stored.split(":")[-1])
    assert stored.startswith("cdcenc1:")
    now = time.time()
    assert _code_login(_app(engine, OLD), secret, now) == 200

    # rotation: NEW first, OLD still listed → the old secret still opens
    assert _code_login(_app(engine, f"{NEW},{OLD}"), secret, now + 30) == 200
    keys = parse_keys(f"{NEW},{OLD}")
    assert keys is not None
    with session_scope(engine) as db:
        assert totp.rotate_secrets(db=db, keys=keys) == 1
        assert totp.rotate_secrets(db=db, keys=keys) == 0  # already under the current key
    (rotated,) = _stored(engine, "user_totp", "secret")
    assert rotated != stored and secret not in rotated
    with session_scope(engine) as db:  # the next login needs a later step than the last used
        db.execute(text("UPDATE user_totp SET last_step = 0"))
    assert _code_login(_app(engine, NEW), secret, now) == 200  # the old key is no longer needed


def test_a_secret_copied_to_another_user_does_not_open() -> None:
    keys = parse_keys(OLD)
    assert keys is not None
    sealed = totp.seal("JBSWY3DPEHPK3PXP", user_id=1, keys=keys)
    assert totp.unseal(sealed, user_id=1, keys=keys) == "JBSWY3DPEHPK3PXP"
    try:
        totp.unseal(sealed, user_id=2, keys=keys)
    except Exception as exc:  # DamagedFile: authentication failed
        assert "authentication failed" in str(exc)
    else:
        raise AssertionError("a sealed secret opened for another user")


def test_migration_0011_encrypts_existing_secrets_and_downgrade_decrypts(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0007")
    when = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    secret = pyotp.random_base32(32)
    with engine.begin() as conn:
        insert_centre(conn, when)
        conn.execute(
            text(
                "INSERT INTO user_account (id, centre_id, username, display_name, role, "
                "password_hash, active, lang, created_at) "
                "VALUES (7, 1, 'dr', 'Dr', 'physician', '', true, 'en', :t)"
            ),
            {"t": when},
        )
        conn.execute(
            text(
                "INSERT INTO user_totp (user_id, secret, enabled_at, last_step) "
                "VALUES (7, :s, :t, 0)"
            ),
            {"s": secret, "t": when},
        )
    upgrade(engine, media_keys=OLD)
    (stored,) = _stored(engine, "user_totp", "secret")
    keys = parse_keys(OLD)
    assert secret not in stored and totp.unseal(stored, user_id=7, keys=keys) == secret
    downgrade(engine, "0007", media_keys=OLD)
    assert _stored(engine, "user_totp", "secret") == [secret]
    engine.dispose()
