"""``cdcare media keygen / rotate`` and encrypted ``cdcare db backup``: a full key rotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from cdcare.care import totp
from cdcare.cli.main import run
from cdcare.store.crypto import MAGIC, decrypt_file, encrypt_file, parse_keys
from cdcare.store.db import make_engine, session_scope
from cdcare.store.models import User
from cdcare.store.security_models import UserTotp

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _stored_totp(tmp_path: Path) -> tuple[int, str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cdcare.sqlite3'}")
    with session_scope(engine) as db:
        row = db.scalars(select(UserTotp)).one()
        out = (row.user_id, row.secret)
    engine.dispose()
    return out


def _keygen(capsys: pytest.CaptureFixture[str]) -> str:
    assert run(["media", "keygen"]) == 0
    key = capsys.readouterr().out.strip()
    assert parse_keys(key) is not None
    return key


def test_rotation_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CDCARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CDCARE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CDCARE_LANG", "en")
    old, new = _keygen(capsys), _keygen(capsys)
    assert old != new
    monkeypatch.setenv("CDCARE_MEDIA_KEYS", old)
    assert run(["demo"]) == 0
    backup = tmp_path / "backups" / "cdcare.bak"
    assert run(["db", "backup", str(backup)]) == 0
    assert backup.read_bytes().startswith(MAGIC)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    plain = tmp_path / "clip.mp4"
    plain.write_bytes(b"synthetic clip bytes" * 1000)
    old_keys = parse_keys(old)
    assert old_keys is not None
    encrypt_file(plain, uploads / "a.mp4", old_keys)
    engine = make_engine(f"sqlite:///{tmp_path / 'cdcare.sqlite3'}")
    with session_scope(engine) as db:  # a doctor's second factor, sealed under the old key
        doctor = db.scalars(select(User).where(User.username == "demo-doctor")).one()
        db.add(
            UserTotp(
                user_id=doctor.id, secret=totp.seal(TOTP_SECRET, user_id=doctor.id, keys=old_keys)
            )
        )
    engine.dispose()
    capsys.readouterr()

    monkeypatch.setenv("CDCARE_MEDIA_KEYS", f"{new},{old}")  # step 1: the new key first
    assert run(["db", "verify", str(backup)]) == 0  # old files still readable
    assert run(["media", "rotate"]) == 0  # step 2: uploads and TOTP secrets …
    said = capsys.readouterr().err
    assert "1 of 1 files rewritten" in said and "1 TOTP secrets rewritten" in said
    user_id, sealed = _stored_totp(tmp_path)  # opens with the new key alone
    assert totp.unseal(sealed, user_id=user_id, keys=parse_keys(new)) == TOTP_SECRET
    assert run(["media", "rotate", str(backup.parent)]) == 0  # … and backups
    assert "1 of 1 files rewritten" in capsys.readouterr().err

    monkeypatch.setenv("CDCARE_MEDIA_KEYS", new)  # step 3: the old key removed
    assert run(["db", "verify", str(backup)]) == 0
    assert run(["db", "restore", str(backup), "--force"]) == 0
    decrypt_file(uploads / "a.mp4", tmp_path / "out.mp4", parse_keys(new))
    assert (tmp_path / "out.mp4").read_bytes() == plain.read_bytes()

    monkeypatch.setenv("CDCARE_MEDIA_KEYS", old)  # only the retired key: a clear refusal
    assert run(["db", "verify", str(backup)]) != 0
    assert "not in CDCARE_MEDIA_KEYS" in capsys.readouterr().err
    monkeypatch.setenv("CDCARE_LANG", "ko")
    monkeypatch.setenv("CDCARE_MEDIA_KEYS", "")
    assert run(["media", "rotate"]) == 1
    assert "먼저 CDCARE_MEDIA_KEYS를 설정하세요" in capsys.readouterr().err
