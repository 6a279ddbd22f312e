"""The access-log key: held outside the database, so whoever can edit the database (even with
the append-only triggers dropped) cannot recompute a valid chain.

Source, in order: ``CDCARE_AUDIT_KEY`` (settings ``audit_key``, at least 32 characters), else
the key file ``<data_dir>/audit.key`` (created on first use with 32 random bytes, mode 0600).
The web app and the CLI attach the key of their settings to their engine
(:func:`install_audit_key`); code given a bare engine falls back to the process settings.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, Engine

from cdcare.config import Settings, get_settings
from cdcare.errors import N_, InputError

KEY_FILE = "audit.key"
_OPTION = "cdcare_audit_key"
MIN_KEY_CHARS = 32


def key_file(settings: Settings) -> Path:
    """Where the auto-created key lives when ``CDCARE_AUDIT_KEY`` is not set."""
    return settings.data_dir / KEY_FILE


def _checked(value: str, origin: str) -> bytes:
    value = value.strip()
    if len(value) < MIN_KEY_CHARS:
        raise InputError(
            N_("The audit key from {origin} is shorter than {n} characters"),
            origin=origin,
            n=MIN_KEY_CHARS,
        )
    return value.encode()


@lru_cache(maxsize=8)
def _from_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two processes starting together agree on one key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_urlsafe(32) + "\n")
    return _checked(path.read_text(encoding="ascii"), str(path))


def load_audit_key(settings: Settings) -> bytes:
    """The key of ``settings`` (creating the key file if needed)."""
    if settings.audit_key:
        return _checked(settings.audit_key, "CDCARE_AUDIT_KEY")
    return _from_file(key_file(settings).resolve())


def install_audit_key(engine: Engine, settings: Settings) -> None:
    """Make every session on ``engine`` sign the chain with the key of ``settings``."""
    engine.update_execution_options(**{_OPTION: load_audit_key(settings)})


def key_of(bind: Engine | Connection) -> bytes:
    """The key attached to ``bind``, else the key of the process settings."""
    key = bind.get_execution_options().get(_OPTION)
    return key if isinstance(key, bytes) else load_audit_key(get_settings())


def fingerprint(key: bytes) -> str:
    """A short public name of a key (to tell keys apart without showing them)."""
    return hashlib.sha256(b"cdcare-audit-key:" + key).hexdigest()[:12]


def mac(key: bytes, blob: bytes) -> str:
    """HMAC-SHA256 of ``blob`` as hex."""
    return hmac.new(key, blob, hashlib.sha256).hexdigest()
