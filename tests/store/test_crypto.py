"""Encryption at rest: round trips, key rotation, tampering, and encrypted backups."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete

from cdcare.errors import ConfigError
from cdcare.store import crypto
from cdcare.store.backup import (
    backup_database,
    manifest_path,
    rekey_backup,
    restore_backup,
    row_counts,
    verify_backup,
)
from cdcare.store.backup_manifest import sha256_of
from cdcare.store.crypto import (
    CHUNK,
    DamagedFile,
    EncryptingWriter,
    decrypt_file,
    encrypt_file,
    generate_key,
    parse_keys,
    plain_copy,
    reencrypt_file,
)
from cdcare.store.db import session_scope
from cdcare.store.models import Centre, Patient, Sex

OLD, NEW = generate_key(), generate_key()


def _data(n: int) -> bytes:
    return bytes((i * 31 + 7) % 251 for i in range(n))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 5])
def test_round_trip_at_chunk_boundaries(tmp_path: Path, size: int) -> None:
    keys = parse_keys(OLD)
    assert keys is not None
    src, enc, out = tmp_path / "a.mp4", tmp_path / "a.enc", tmp_path / "a.out"
    src.write_bytes(_data(size))
    encrypt_file(src, enc, keys)
    assert enc.read_bytes()[:8] == crypto.MAGIC
    assert size < 16 or _data(size)[:64] not in enc.read_bytes()  # no plaintext run on disk
    decrypt_file(enc, out, keys)
    assert out.read_bytes() == _data(size)


def test_streaming_writer_matches_file_encryption(tmp_path: Path) -> None:
    keys = parse_keys(NEW)
    assert keys is not None
    buf = io.BytesIO()
    writer = EncryptingWriter(buf, keys)
    payload = _data(CHUNK * 2 + 100)
    for i in range(0, len(payload), 65536):  # arbitrary write sizes, as an upload arrives
        writer.write(payload[i : i + 65536])
    writer.close()
    (tmp_path / "s.enc").write_bytes(buf.getvalue())
    decrypt_file(tmp_path / "s.enc", tmp_path / "s.out", keys)
    assert (tmp_path / "s.out").read_bytes() == payload


def test_old_files_readable_after_rotation_and_rewritten_by_rotate(tmp_path: Path) -> None:
    before, after = parse_keys(OLD), parse_keys(f"{NEW}, {OLD}")
    assert before is not None and after is not None
    src, enc = tmp_path / "v.mp4", tmp_path / "v.mp4.enc"
    src.write_bytes(_data(5000))
    encrypt_file(src, enc, before)
    with plain_copy(enc, after) as plain:  # the old key is still listed: readable
        assert plain.read_bytes() == _data(5000)
    assert not plain.exists()  # the decrypted copy is gone afterwards
    assert reencrypt_file(enc, after) is True
    assert reencrypt_file(enc, after) is False  # already under the current key
    only_new = parse_keys(NEW)
    decrypt_file(enc, tmp_path / "o", only_new)  # the old key may now be removed
    assert (tmp_path / "o").read_bytes() == _data(5000)
    with pytest.raises(ConfigError, match="not in CDCARE_MEDIA_KEYS"):
        decrypt_file(enc, tmp_path / "x", before)
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("where", ["header", "first", "last", "truncate", "append", "drop"])
def test_tampered_file_is_refused(tmp_path: Path, where: str) -> None:
    keys = parse_keys(OLD)
    assert keys is not None
    src, enc = tmp_path / "v.mp4", tmp_path / "v.enc"
    src.write_bytes(_data(CHUNK + 1000))
    encrypt_file(src, enc, keys)
    raw = bytearray(enc.read_bytes())
    if where == "header":
        raw[20] ^= 1  # the nonce prefix
    elif where == "first":
        raw[crypto.HEADER_LEN + 10] ^= 1
    elif where == "last":
        raw[-1] ^= 1
    elif where == "truncate":
        raw = raw[: -(1000 + crypto.TAG)]  # cut at a chunk boundary: the final chunk is gone
    elif where == "append":
        raw += raw[crypto.HEADER_LEN : crypto.HEADER_LEN + 100]
    elif where == "drop":
        raw = raw[: crypto.HEADER_LEN] + raw[crypto.HEADER_LEN + CHUNK + crypto.TAG :]
    enc.write_bytes(bytes(raw))
    out = tmp_path / "out"
    with pytest.raises(DamagedFile) as info:
        decrypt_file(enc, out, keys)
    assert "damaged or was changed" in info.value.text("en")
    assert "손상" in info.value.text("ko")
    assert not out.exists()  # nothing half-decrypted is left


def test_bad_keys_and_missing_keys_are_clear() -> None:
    assert parse_keys("") is None and parse_keys(" , ") is None
    with pytest.raises(ConfigError, match="key 2"):
        parse_keys(f"{OLD},short")
    buf = io.BytesIO()
    keys = parse_keys(OLD)
    assert keys is not None
    w = EncryptingWriter(buf, keys)
    w.close()
    buf.seek(0)
    with pytest.raises(ConfigError, match="set CDCARE_MEDIA_KEYS"):
        crypto.decrypt_stream(buf, io.BytesIO(), None, name="x")


def _fill(engine: Engine) -> None:
    with session_scope(engine) as s:
        c = Centre(code="ENC", name="Centre")
        s.add(c)
        s.flush()
        for i in range(4):
            s.add(
                Patient(
                    centre_id=c.id,
                    record_number=f"E-{i}",
                    birth_year=1970 + i,
                    sex=Sex.MALE,
                    notes=f"synthetic {i}",
                    onset_date=date(2020, 1, 1 + i),
                )
            )


def test_encrypted_backup_verifies_restores_and_rotates(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    with engine.connect() as conn:
        before = row_counts(conn)
    old = parse_keys(OLD)
    assert old is not None
    path = tmp_path / "backup.db"
    manifest = backup_database(engine, path, keys=old)
    data = path.read_bytes()
    assert data.startswith(crypto.MAGIC) and b"synthetic" not in data
    assert b"SQLite format" not in data[:64] and b"PGDMP" not in data[:64]
    stored = json.loads(manifest_path(path).read_text())
    assert stored["encrypted"] is True and stored["sha256"] == sha256_of(path) == manifest.sha256
    assert not list(tmp_path.glob(".cdcare-plain-*"))  # no plaintext left beside it
    with pytest.raises(ConfigError):
        verify_backup(path)  # an encrypted backup needs its key
    rotated = parse_keys(f"{NEW},{OLD}")
    assert rotated is not None
    verify_backup(path, keys=rotated)  # readable after rotation
    assert rekey_backup(path, rotated) is True
    new_only = parse_keys(NEW)
    assert new_only is not None
    verify_backup(path, keys=new_only)  # the manifest's SHA-256 follows the rewrite
    with session_scope(engine) as s:
        s.execute(delete(Patient))
    restore_backup(engine, path, force=True, keys=new_only)
    with engine.connect() as conn:
        assert row_counts(conn) == before
    assert not list(tmp_path.glob(".cdcare-plain-*"))


def test_tampered_backup_is_refused(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    keys = parse_keys(OLD)
    path = tmp_path / "b.db"
    backup_database(engine, path, keys=keys)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 1
    path.write_bytes(bytes(raw))
    from cdcare.errors import StoreError

    with pytest.raises(StoreError, match="changed or damaged"):
        verify_backup(path, keys=keys)
    m = json.loads(manifest_path(path).read_text())
    m["sha256"] = sha256_of(path)  # an attacker who also rewrites the manifest's hash
    manifest_path(path).write_text(json.dumps(m))
    with pytest.raises(DamagedFile):
        verify_backup(path, keys=keys)
