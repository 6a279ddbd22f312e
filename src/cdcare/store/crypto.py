"""Encryption at rest for kept videos and backups: chunked AES-256-GCM under rotating keys.

Keys come from ``CDCARE_MEDIA_KEYS``: comma-separated, each the url-safe base64 of 32 random
bytes (:func:`generate_key`). The first key encrypts; every listed key decrypts, so a key is
rotated by putting a new one first and keeping the old ones until :func:`reencrypt_file` (CLI
``cdcare media rotate``) has rewritten the old files (docs/security.md).

File format (all integers big-endian)::

    b"CDCENC01" | key id (8 bytes: SHA-256 of the key, first 8) | nonce prefix (7 random bytes)
    then chunks: AES-GCM(plaintext chunk of CHUNK bytes, the last one shorter or empty)

Chunk ``i`` uses nonce ``prefix | i (4 bytes) | last (1 byte: 1 for the final chunk)`` and the
23-byte header as associated data. Each chunk's 16-byte tag authenticates it, its position and
whether it is the last, so an edited byte, reordered chunks, a swapped header or a truncated
file is refused (:class:`DamagedFile`) rather than read back wrongly. Files without the magic
prefix are read as they are (written before encryption was configured).

Short secrets kept in database columns (the TOTP secrets) use the same keys through
:func:`seal_text` / :func:`open_text`: ``cdcenc1:<key id, hex>:<url-safe base64 of nonce (12)
| AES-GCM ciphertext and tag>``, with a ``context`` (e.g. ``user_totp:7``) as associated data so
a value copied to another row does not open there. Text without the prefix is returned as is.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cdcare.errors import N_, ConfigError, StoreError

MAGIC = b"CDCENC01"
KEY_ID_LEN = 8
PREFIX_LEN = 7
HEADER_LEN = len(MAGIC) + KEY_ID_LEN + PREFIX_LEN
CHUNK = 1 << 20  # plaintext bytes per chunk (1 MiB)
TAG = 16


class DamagedFile(StoreError):
    """An encrypted file failed authentication (changed, truncated or not ours)."""


@dataclass(frozen=True)
class MediaKeys:
    """The configured keys; ``keys[0]`` encrypts."""

    keys: tuple[bytes, ...]

    @property
    def current(self) -> bytes:
        return self.keys[0]

    def by_id(self, key_id: bytes) -> bytes | None:
        """The key whose id is ``key_id``, if configured."""
        return next((k for k in self.keys if key_id_of(k) == key_id), None)


def key_id_of(key: bytes) -> bytes:
    """Public identifier of a key stored in each file header (not the key)."""
    return hashlib.sha256(key).digest()[:KEY_ID_LEN]


def generate_key() -> str:
    """A new random 256-bit key in the form ``CDCARE_MEDIA_KEYS`` expects."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_keys(text: str) -> MediaKeys | None:
    """Keys from the setting's text; None when empty. A malformed key is a ConfigError."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None
    keys: list[bytes] = []
    for n, part in enumerate(parts, start=1):
        try:
            key = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ConfigError(
                N_("CDCARE_MEDIA_KEYS: key {n} is not 32 bytes of url-safe base64"), n=n
            )
        keys.append(key)
    return MediaKeys(tuple(keys))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object that encrypts to ``out`` chunk by chunk; call :meth:`close`."""

    def __init__(self, out: BinaryIO, keys: MediaKeys) -> None:
        self.out = out
        self.prefix = secrets.token_bytes(PREFIX_LEN)
        self.header = MAGIC + key_id_of(keys.current) + self.prefix
        self.aead = AESGCM(keys.current)
        self.buffer = bytearray()
        self.index = 0
        out.write(self.header)

    def _emit(self, data: bytes, last: bool) -> None:
        nonce = _nonce(self.prefix, self.index, last)
        self.out.write(self.aead.encrypt(nonce, data, self.header))
        self.index += 1

    def write(self, data: bytes) -> int:
        self.buffer.extend(data)
        while len(self.buffer) > CHUNK:  # keep at least one byte back for the final chunk
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        """Write the final (possibly empty) chunk."""
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()


def is_encrypted(path: Path) -> bool:
    """True when the file starts with the encryption header's magic bytes."""
    with Path(path).open("rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


class DecryptingReader:
    """A read-only file object over an encrypted stream ``src`` (positioned at its start),
    decrypting chunk by chunk; damaged input raises :class:`DamagedFile` when reached."""

    def __init__(self, src: BinaryIO, keys: MediaKeys | None, *, name: str) -> None:
        header = src.read(HEADER_LEN)
        if len(header) < HEADER_LEN or not header.startswith(MAGIC):
            raise DamagedFile(N_("{path} is not an encrypted cdcare file"), path=name)
        if keys is None:
            raise ConfigError(
                N_("{path} is encrypted: set CDCARE_MEDIA_KEYS to read it"), path=name
            )
        key = keys.by_id(header[len(MAGIC) : len(MAGIC) + KEY_ID_LEN])
        if key is None:
            raise ConfigError(
                N_("{path} was encrypted with a key that is not in CDCARE_MEDIA_KEYS"), path=name
            )
        self.src, self.name, self.header = src, name, header
        self.aead, self.prefix = AESGCM(key), header[-PREFIX_LEN:]
        self.block, self.index, self.done = src.read(CHUNK + TAG), 0, False
        self.buffer = bytearray()

    def _next_chunk(self) -> None:
        following = self.src.read(CHUNK + TAG)
        last = not following
        try:
            plain = self.aead.decrypt(
                _nonce(self.prefix, self.index, last), self.block, self.header
            )
        except InvalidTag:
            raise DamagedFile(
                N_("{path} is damaged or was changed (authentication failed); nothing read"),
                path=self.name,
            ) from None
        self.buffer.extend(plain)
        self.done = last
        self.block, self.index = following, self.index + 1

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` plaintext bytes (all that is left if ``size`` < 0); b"" at the end."""
        while not self.done and (size < 0 or len(self.buffer) < size):
            self._next_chunk()
        n = len(self.buffer) if size < 0 else min(size, len(self.buffer))
        out = bytes(self.buffer[:n])
        del self.buffer[:n]
        return out


def decrypt_stream(src: BinaryIO, dst: BinaryIO, keys: MediaKeys | None, *, name: str) -> None:
    """Decrypt ``src`` (positioned at its start) into ``dst``; refuses damaged input."""
    reader = DecryptingReader(src, keys, name=name)
    while block := reader.read(CHUNK):
        dst.write(block)


def encrypt_file(src: Path, dst: Path, keys: MediaKeys) -> None:
    """Encrypt file ``src`` to ``dst`` (written whole, then moved into place)."""
    tmp = dst.with_name(dst.name + ".partial")
    with Path(src).open("rb") as fin, tmp.open("wb") as fout:
        writer = EncryptingWriter(fout, keys)
        for block in iter(lambda: fin.read(CHUNK), b""):
            writer.write(block)
        writer.close()
    os.replace(tmp, dst)


def decrypt_file(src: Path, dst: Path, keys: MediaKeys | None) -> None:
    """Decrypt ``src`` to ``dst``; on failure ``dst`` is not left behind."""
    try:
        with Path(src).open("rb") as fin, Path(dst).open("wb") as fout:
            decrypt_stream(fin, fout, keys, name=str(src))
    except BaseException:
        Path(dst).unlink(missing_ok=True)
        raise


def reencrypt_file(path: Path, keys: MediaKeys) -> bool:
    """Rewrite ``path`` under the current key (rotation); False if it already uses it.

    A plaintext file is encrypted. The plaintext exists only in a private temporary file.
    """
    path = Path(path)
    with path.open("rb") as fh:
        header = fh.read(HEADER_LEN)
    if header.startswith(MAGIC) and header[len(MAGIC) : len(MAGIC) + KEY_ID_LEN] == key_id_of(
        keys.current
    ):
        return False
    with plain_copy(path, keys) as plain:
        encrypt_file(plain, path, keys)
    return True


@contextmanager
def plain_copy(path: Path, keys: MediaKeys | None) -> Iterator[Path]:
    """``path`` itself if it is not encrypted, else a private decrypted copy (deleted after)."""
    path = Path(path)
    if not is_encrypted(path):
        yield path
        return
    # beside the file (same disk, same access rights), mode 0600, hidden name
    fd, name = tempfile.mkstemp(prefix=".cdcare-plain-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        decrypt_file(path, tmp, keys)
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


SEALED = "cdcenc1"


def seal_text(plain: str, keys: MediaKeys, *, context: str) -> str:
    """``plain`` encrypted under the current key, bound to ``context`` (database-safe text)."""
    nonce = secrets.token_bytes(12)
    blob = nonce + AESGCM(keys.current).encrypt(nonce, plain.encode("utf-8"), context.encode())
    encoded = base64.urlsafe_b64encode(blob).decode("ascii")
    return f"{SEALED}:{key_id_of(keys.current).hex()}:{encoded}"


def is_sealed(stored: str) -> bool:
    """True when ``stored`` was written by :func:`seal_text`."""
    return stored.startswith(SEALED + ":")


def sealed_under_current(stored: str, keys: MediaKeys) -> bool:
    """True when ``stored`` is sealed under the current key (nothing to rotate)."""
    return is_sealed(stored) and stored.split(":", 2)[1] == key_id_of(keys.current).hex()


def open_text(stored: str, keys: MediaKeys | None, *, context: str) -> str:
    """The plaintext of a :func:`seal_text` value (text without the prefix as is)."""
    if not is_sealed(stored):
        return stored
    if keys is None:
        raise ConfigError(N_("{path} is encrypted: set CDCARE_MEDIA_KEYS to read it"), path=context)
    _, key_id, encoded = stored.split(":", 2)
    key = keys.by_id(bytes.fromhex(key_id)) if len(key_id) == 2 * KEY_ID_LEN else None
    if key is None:
        raise ConfigError(
            N_("{path} was encrypted with a key that is not in CDCARE_MEDIA_KEYS"), path=context
        )
    try:
        blob = base64.urlsafe_b64decode(encoded)
        plain = AESGCM(key).decrypt(blob[:12], blob[12:], context.encode())
    except (InvalidTag, ValueError):
        raise DamagedFile(
            N_("{path} is damaged or was changed (authentication failed); nothing read"),
            path=context,
        ) from None
    return plain.decode("utf-8")


__all__ = [
    "DamagedFile",
    "DecryptingReader",
    "EncryptingWriter",
    "MediaKeys",
    "decrypt_file",
    "decrypt_stream",
    "encrypt_file",
    "generate_key",
    "is_encrypted",
    "is_sealed",
    "open_text",
    "parse_keys",
    "plain_copy",
    "reencrypt_file",
    "seal_text",
    "sealed_under_current",
]
