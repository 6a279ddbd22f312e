"""Optional TOTP second factor (RFC 6238, 30-second steps, 6 digits) for staff accounts.

Enrolment shows the secret as text (base32, and the ``otpauth://`` URI an authenticator app
accepts; no QR code) and stores it only after the user proved it with a valid code. A code
is accepted for the current step ±1 (clock drift up to 30 s) and once only: the last used step
is kept, so a code seen over someone's shoulder cannot be replayed. Patients do not get a
second factor; administrators must have one outside demo mode (:func:`required_for`).

At rest the secret is encrypted (AES-256-GCM under ``CDCARE_MEDIA_KEYS``, the keys of videos
and backups, :func:`cdcare.store.crypto.seal_text`), bound to its row (``user_totp:<user id>``);
:func:`rotate_secrets` rewrites every secret under the current key (``cdcare media rotate``).
Without keys (demo mode) it is stored as is. ``keys`` below is the parsed setting or None.
"""

from __future__ import annotations

import time

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.store.crypto import MediaKeys, open_text, seal_text, sealed_under_current
from cdcare.store.models import Role, User
from cdcare.store.security_models import UserTotp

ISSUER = "cdcare"
STEP_S = 30
VALID_WINDOW = 1  # steps either side of now


def new_secret() -> str:
    """A random base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(*, secret: str, username: str) -> str:
    """The ``otpauth://totp/...`` URI for an authenticator app."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def offered_to(user: User) -> bool:
    """Staff accounts may enrol (patients log in with their password only)."""
    return user.role is not Role.PATIENT


def required_for(user: User, *, demo: bool) -> bool:
    """Administrators must use a second factor outside demo mode."""
    return user.role is Role.ADMIN and not demo


def enrolled(*, db: Session, user_id: int) -> bool:
    """True when the user has a confirmed second factor."""
    return db.get(UserTotp, user_id) is not None


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now) // STEP_S
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if totp.verify(code, for_time=step * STEP_S):
            return step
    return None


def _context(user_id: int) -> str:
    return f"user_totp:{user_id}"


def seal(secret: str, *, user_id: int, keys: MediaKeys | None, context: str = "") -> str:
    """``secret`` as stored for ``user_id`` (encrypted when keys are set)."""
    return secret if keys is None else seal_text(secret, keys, context=context or _context(user_id))


def unseal(stored: str, *, user_id: int, keys: MediaKeys | None, context: str = "") -> str:
    """The base32 secret of a stored value (:func:`seal`)."""
    return open_text(stored, keys, context=context or _context(user_id))


def confirm(
    *,
    db: Session,
    user: User,
    secret: str,
    code: str,
    keys: MediaKeys | None,
    now: float | None = None,
) -> bool:
    """Store ``secret`` as the user's second factor if ``code`` matches it; True if stored."""
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is None:
        return False
    stored = seal(secret, user_id=user.id, keys=keys)
    row = db.get(UserTotp, user.id) or UserTotp(user_id=user.id, secret=stored)
    row.secret, row.last_step = stored, step
    db.add(row)
    db.flush()
    return True


def verify(
    *, db: Session, user_id: int, code: str, keys: MediaKeys | None, now: float | None = None
) -> bool:
    """True if ``code`` is valid now for the user and was not used before (then it is used)."""
    row = db.get(UserTotp, user_id)
    if row is None:
        return False
    secret = unseal(row.secret, user_id=user_id, keys=keys)
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is None or step <= row.last_step:
        return False
    row.last_step = step
    db.flush()
    return True


def remove(*, db: Session, user_id: int) -> None:
    """Remove the user's second factor (e.g. a lost phone; an administrator re-enrols them)."""
    row = db.get(UserTotp, user_id)
    if row is not None:
        db.delete(row)
        db.flush()


def rotate_secrets(*, db: Session, keys: MediaKeys) -> int:
    """Re-encrypt every stored secret under the current key (clear ones too); returns how many
    were rewritten. Secrets under an older key need that key still listed."""
    changed = 0
    for row in db.scalars(select(UserTotp).order_by(UserTotp.user_id)):
        if not sealed_under_current(row.secret, keys):
            plain = unseal(row.secret, user_id=row.user_id, keys=keys)
            row.secret = seal(plain, user_id=row.user_id, keys=keys)
            changed += 1
    db.flush()
    return changed


__all__ = [
    "confirm",
    "enrolled",
    "new_secret",
    "offered_to",
    "provisioning_uri",
    "remove",
    "required_for",
    "rotate_secrets",
    "seal",
    "unseal",
    "verify",
]
