"""Request dependencies: database session, current user, local date, CSRF check, audit helper."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cdcare.care.audit import log_event
from cdcare.clock import local_today as centre_today
from cdcare.errors import N_, PermissionDenied, Unauthenticated
from cdcare.store.models import User
from cdcare.web.security import tokens_match


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; routes commit what they change, errors roll back."""
    with request.app.state.sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


DB = Annotated[Session, Depends(get_db)]


def local_today(request: Request) -> date:
    """Today's calendar date in the app's time zone (Asia/Seoul by default), via
    :func:`cdcare.clock.local_today`."""
    return centre_today(request.app.state.settings.timezone)


def optional_user(request: Request, db: DB) -> User | None:
    """The logged-in, active user, or None."""
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    user = db.get(User, uid)
    if user is None or not user.active:
        request.session.clear()
        return None
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The logged-in user; otherwise 401 (API) or a redirect to the login page (pages)."""
    if user is None:
        raise Unauthenticated(N_("Please log in"))
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def client_ip(request: Request) -> str:
    """The client's address as seen by the app (a proxy must be configured to pass it on)."""
    return request.client.host if request.client else ""


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token (403)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    if not tokens_match(request.session.get("csrf"), given):
        raise PermissionDenied(N_("The form has expired; reload the page and try again"))


def audit(
    request: Request,
    db: Session,
    user: User | None,
    action: str,
    *,
    patient_id: int | None = None,
    target: str = "",
    reason: str = "",
    username: str = "",
) -> None:
    """Append an access-log event for this request (committed with the request's work)."""
    log_event(
        db=db,
        action=action,
        actor=user,
        username=username,
        patient_id=patient_id,
        target=target or request.url.path,
        ip=client_ip(request),
        reason=reason,
    )
