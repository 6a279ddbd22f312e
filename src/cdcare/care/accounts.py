"""Passwords and login: argon2id hashes (argon2-cffi), one-way, never stored in clear.

PIPA safeguard: passwords are stored with one-way encryption
(docs/korea-regulatory.md §1, notice Art. 7①).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.errors import N_, InputError
from cdcare.store.models import User

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (at least 10 characters)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            N_("The password must have at least {n} characters"), n=MIN_PASSWORD_LENGTH
        )
    return _hasher.hash(password)


def set_password(
    *, db: Session, user: User, password: str, keep_session_id: int | None = None
) -> None:
    """Replace the user's password hash and revoke the user's web sessions.

    ``keep_session_id``: the session in which the user changed their own password stays open.
    """
    from cdcare.care.sessions import revoke_user_sessions

    user.password_hash = hash_password(password)
    db.flush()
    revoke_user_sessions(db=db, user_id=user.id, keep_session_id=keep_session_id)


def authenticate(*, db: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None.

    The same work is done for an unknown username as for a wrong password, so timing does
    not reveal which accounts exist. The read transaction ends (``db.commit()``, nothing is
    pending at login) before the slow argon2 check, so the pooled connection is not held while
    the hash is computed (50 simultaneous logins would otherwise starve the pool).
    """
    user = db.scalar(select(User).where(User.username == username.strip()))
    stored = user.password_hash if user is not None and user.active else None
    db.commit()
    try:
        _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    return user


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-0")


#: Password of every synthetic demo account (demo mode only; printed by ``make run``).
DEMO_PASSWORD = "cdcare-demo-2026"  # noqa: S105 - public by design, synthetic demo only


def set_demo_passwords(*, db: Session, centre_id: int) -> list[str]:
    """Give every account of the demo centre the demo password; returns the usernames."""
    users = db.scalars(select(User).where(User.centre_id == centre_id).order_by(User.id)).all()
    hashed = hash_password(DEMO_PASSWORD)
    for user in users:
        user.password_hash = hashed
    db.flush()
    return [u.username for u in users]


def verify_password(user: User, password: str) -> bool:
    """True if ``password`` is the user's current password (active or not)."""
    if not user.password_hash:
        return False
    try:
        return bool(_hasher.verify(user.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def change_password(
    *, db: Session, user_id: int, old: str, new: str, keep_session_id: int | None = None
) -> User:
    """Replace the password of ``user_id`` after checking the ``old`` one.

    The new password must differ from the old one and have at least 10 characters. The user's
    other web sessions are revoked (:func:`set_password`); ``keep_session_id`` stays open.
    """
    user = db.get(User, user_id)
    if user is None or not user.active:
        raise InputError(N_("This account cannot change its password"))
    if not verify_password(user, old):
        raise InputError(N_("The current password is wrong"))
    if new == old:
        raise InputError(N_("The new password must differ from the current one"))
    set_password(db=db, user=user, password=new, keep_session_id=keep_session_id)
    return user
