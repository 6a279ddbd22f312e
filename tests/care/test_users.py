"""Accounts of a real installation: init, add, roles, deactivation, password change, reset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cdcare.care import users
from cdcare.care.accounts import authenticate, change_password
from cdcare.care.patients import create_patient
from cdcare.errors import Conflict, InputError, NotFound
from cdcare.store.clinic_models import PasswordReset
from cdcare.store.db import session_factory
from cdcare.store.models import Role

PW = "first-admin-pw-1"


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s


@pytest.fixture
def admin(db: Session) -> users.User:
    return users.init_installation(
        db=db,
        centre_code="C1",
        centre_name="Centre 1",
        username="boss",
        display_name="B",
        password=PW,
    )


def test_init_creates_centre_and_admin_who_can_log_in(db: Session, admin: users.User) -> None:
    assert admin.role is Role.ADMIN and admin.centre.code == "C1"
    assert authenticate(db=db, username="boss", password=PW) is admin
    assert admin.password_hash and PW not in admin.password_hash


def test_init_refused_when_a_centre_exists_unless_told(db: Session, admin: users.User) -> None:
    with pytest.raises(Conflict):
        users.init_installation(
            db=db, centre_code="C2", centre_name="2", username="x", display_name="x", password=PW
        )
    second = users.init_installation(
        db=db,
        centre_code="C2",
        centre_name="2",
        username="x",
        display_name="x",
        password=PW,
        allow_existing=True,
    )
    assert second.centre_id != admin.centre_id


def test_short_password_refused_at_init(db: Session) -> None:
    with pytest.raises(InputError):
        users.init_installation(
            db=db,
            centre_code="C",
            centre_name="C",
            username="a",
            display_name="a",
            password="short",
        )


def test_patient_account_needs_a_record_of_its_centre(db: Session, admin: users.User) -> None:
    with pytest.raises(NotFound):
        users.add_user(
            db=db,
            centre_id=admin.centre_id,
            username="p",
            display_name="P",
            role="patient",
            record_number="NOPE",
        )
    p = create_patient(
        db=db, centre_id=admin.centre_id, record_number="R1", birth_year=1970, sex="F"
    )
    acc = users.add_user(
        db=db,
        centre_id=admin.centre_id,
        username="p",
        display_name="P",
        role="patient",
        record_number="R1",
    )
    assert acc.patient_id == p.id and acc.password_hash is None
    with pytest.raises(InputError):
        users.set_role(db=db, user=acc, role="nurse")


def test_last_admin_kept(db: Session, admin: users.User) -> None:
    with pytest.raises(Conflict):
        users.set_active(db=db, user=admin, active=False)
    with pytest.raises(Conflict):
        users.set_role(db=db, user=admin, role="nurse")
    other = users.add_user(
        db=db,
        centre_id=admin.centre_id,
        username="a2",
        display_name="A2",
        role="admin",
        password=PW,
    )
    users.set_role(db=db, user=admin, role="physician")
    assert admin.role is Role.PHYSICIAN
    with pytest.raises(Conflict):
        users.set_active(db=db, user=other, active=False)


def test_deactivated_account_cannot_log_in(db: Session, admin: users.User) -> None:
    nurse = users.add_user(
        db=db, centre_id=admin.centre_id, username="n", display_name="N", role="nurse", password=PW
    )
    assert authenticate(db=db, username="n", password=PW) is nurse
    users.set_active(db=db, user=nurse, active=False)
    assert authenticate(db=db, username="n", password=PW) is None


def test_change_password_checks_the_old_one(db: Session, admin: users.User) -> None:
    with pytest.raises(InputError, match="current password is wrong"):
        change_password(db=db, user_id=admin.id, old="wrong-password-x", new="brand-new-pw-2")
    with pytest.raises(InputError, match="differ"):
        change_password(db=db, user_id=admin.id, old=PW, new=PW)
    with pytest.raises(InputError, match="10"):
        change_password(db=db, user_id=admin.id, old=PW, new="short")
    assert authenticate(db=db, username="boss", password=PW) is admin
    change_password(db=db, user_id=admin.id, old=PW, new="brand-new-pw-2")
    assert authenticate(db=db, username="boss", password=PW) is None
    assert authenticate(db=db, username="boss", password="brand-new-pw-2") is admin


def test_reset_token_hashed_single_use_and_expires(db: Session, admin: users.User) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    token = users.issue_reset(db=db, user=admin, issued_by_id=None, now=now)
    stored = db.scalars(select(PasswordReset)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    with pytest.raises(InputError):  # the two entries differ: link stays usable
        users.redeem_reset(db=db, token=token, password="reset-pw-123", repeat="x", now=now)
    users.redeem_reset(db=db, token=token, password="reset-pw-123", repeat="reset-pw-123", now=now)
    assert authenticate(db=db, username="boss", password="reset-pw-123") is admin
    with pytest.raises(InputError, match="not valid"):  # used up
        users.redeem_reset(db=db, token=token, password="again-pw-123", repeat="again-pw-123")
    late = users.issue_reset(db=db, user=admin, issued_by_id=None, now=now)
    users.reset_for_token(db=db, token=late, now=now + users.RESET_VALID - timedelta(seconds=1))
    with pytest.raises(InputError, match="not valid"):
        users.reset_for_token(db=db, token=late, now=now + users.RESET_VALID)


def test_new_reset_link_replaces_the_old_one(db: Session, admin: users.User) -> None:
    first = users.issue_reset(db=db, user=admin, issued_by_id=None)
    second = users.issue_reset(db=db, user=admin, issued_by_id=None)
    with pytest.raises(InputError):
        users.reset_for_token(db=db, token=first)
    assert users.reset_for_token(db=db, token=second).user_id == admin.id
