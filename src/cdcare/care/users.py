"""Accounts of a real installation: first centre and admin, staff and patient accounts, roles,
deactivation and admin-issued one-time password-reset links.

Rules: an account is deactivated, never deleted (the access log names it); a centre keeps at
least one active admin; a patient account stays linked to one patient record, so it cannot
become a staff account nor the reverse. A reset token is shown once and stored as its
SHA-256 digest; it expires after :data:`RESET_VALID` and works once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cdcare.care.accounts import hash_password, set_password
from cdcare.care.patients import create_centre, create_user
from cdcare.errors import N_, Conflict, InputError, NotFound
from cdcare.store.clinic_models import PasswordReset
from cdcare.store.models import Centre, Patient, Role, User

#: How long an admin-issued reset link works (local convention: one working day).
RESET_VALID = timedelta(hours=24)
STAFF_ROLES = (Role.ADMIN, Role.PHYSICIAN, Role.NURSE)


def init_installation(
    *,
    db: Session,
    centre_code: str,
    centre_name: str,
    username: str,
    display_name: str,
    password: str,
    lang: str = "ko",
    allow_existing: bool = False,
) -> User:
    """Create a centre and its first admin. Refused when any centre exists, unless
    ``allow_existing`` (a second centre on the same installation)."""
    if not allow_existing and db.scalar(select(func.count()).select_from(Centre)):
        raise Conflict(N_("This installation already has a centre; nothing was created"))
    hashed = hash_password(password)
    centre = create_centre(db=db, code=centre_code, name=centre_name)
    return add_user(
        db=db,
        centre_id=centre.id,
        username=username,
        display_name=display_name,
        role=Role.ADMIN,
        password_hash=hashed,
        lang=lang,
    )


def add_user(
    *,
    db: Session,
    centre_id: int,
    username: str,
    display_name: str,
    role: Role | str,
    password: str | None = None,
    password_hash: str | None = None,
    record_number: str | None = None,
    lang: str = "ko",
) -> User:
    """A new account of ``centre_id``; a patient account names its record by ``record_number``.

    Without a password the account cannot log in until an admin issues a reset link.
    """
    username = username.strip()
    if not username or not display_name.strip():
        raise InputError(N_("An account needs a username and a display name"))
    if lang not in ("ko", "en"):
        raise InputError(N_("Language must be ko or en, not {value}"), value=lang)
    patient_id = None
    if record_number and str(role) == Role.PATIENT.value:
        patient = db.scalar(
            select(Patient).where(
                Patient.centre_id == centre_id, Patient.record_number == record_number.strip()
            )
        )
        if patient is None:
            raise NotFound(N_("Patient {id} not found"), id=record_number)
        patient_id = patient.id
    if password is not None:
        password_hash = hash_password(password)
    return create_user(
        db=db,
        centre_id=centre_id,
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=password_hash,
        patient_id=patient_id,
        lang=lang,
    )


def get_user(*, db: Session, centre_id: int | None, user_id: int) -> User:
    """The account ``user_id`` (of ``centre_id`` if given), else NotFound."""
    user = db.get(User, user_id)
    if user is None or (centre_id is not None and user.centre_id != centre_id):
        raise NotFound(N_("Account {id} not found"), id=user_id)
    return user


def user_by_name(*, db: Session, username: str) -> User:
    """The account with this username, else NotFound."""
    user = db.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFound(N_("Account {id} not found"), id=username)
    return user


def list_users(*, db: Session, centre_id: int) -> Sequence[User]:
    """Accounts of a centre, staff first, then by username."""
    rows = db.scalars(select(User).where(User.centre_id == centre_id)).all()
    return sorted(rows, key=lambda u: (u.role is Role.PATIENT, u.username))


def _active_admins(db: Session, centre_id: int) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(User)
            .where(User.centre_id == centre_id, User.role == Role.ADMIN, User.active.is_(True))
        )
        or 0
    )


def _keep_one_admin(db: Session, user: User) -> None:
    if user.role is Role.ADMIN and user.active and _active_admins(db, user.centre_id) <= 1:
        raise Conflict(N_("A centre must keep at least one active admin"))


def set_active(*, db: Session, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account; the last active admin cannot be deactivated."""
    if not active:
        _keep_one_admin(db, user)
    user.active = active
    db.flush()
    return user


def set_role(*, db: Session, user: User, role: Role | str) -> User:
    """Change a staff account's role (admin, physician, nurse)."""
    try:
        new = Role(role)
    except ValueError:
        raise InputError(N_("Unknown role: {role}"), role=str(role)) from None
    if user.role is Role.PATIENT or new is Role.PATIENT:
        raise InputError(N_("A patient account cannot become a staff account, nor the reverse"))
    if new is not Role.ADMIN:
        _keep_one_admin(db, user)
    user.role = new
    db.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset(
    *, db: Session, user: User, issued_by_id: int | None, now: datetime | None = None
) -> str:
    """A new one-time reset token for ``user`` (earlier unused links stop working)."""
    if not user.active:
        raise InputError(N_("This account is deactivated; reactivate it first"))
    now = now or datetime.now(UTC)
    db.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.add(
        PasswordReset(
            user_id=user.id,
            token_hash=_digest(token),
            issued_by_id=issued_by_id,
            created_at=now,
            expires_at=now + RESET_VALID,
        )
    )
    db.flush()
    return token


def reset_for_token(*, db: Session, token: str, now: datetime | None = None) -> PasswordReset:
    """The usable reset of ``token``; an unknown, used or expired token is refused."""
    now = now or datetime.now(UTC)
    row = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == _digest(token)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InputError(N_("This reset link is not valid (used, replaced or expired)"))
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        raise InputError(N_("This reset link is not valid (used, replaced or expired)"))
    return row


def redeem_reset(
    *, db: Session, token: str, password: str, repeat: str, now: datetime | None = None
) -> User:
    """Set a new password through a reset link; the link is then used up."""
    now = now or datetime.now(UTC)
    row = reset_for_token(db=db, token=token, now=now)
    if password != repeat:
        raise InputError(N_("The two new passwords differ"))
    user = db.get(User, row.user_id)
    assert user is not None  # noqa: S101 - the reset row's foreign key guarantees the user (narrowing)
    set_password(db=db, user=user, password=password)
    row.used_at = now
    db.flush()
    return user
