"""Request dependencies: database session, current user, local date, patient access, CSRF
check, audit helper.

Patient access has one dependency per kind, both built on :func:`cdcare.care.access.authorize`
(a record outside the user's reach is 404, like a missing one; an action the role lacks is 403):

- :func:`patient_for` (``{patient_id}`` routes): the patient of the path, if the user may do
  the action on them — staff of the patient's centre, or a patient account on its own record;
- :func:`own_record` (the patient portal, no id in the path): the logged-in patient's own
  record; a staff account is refused (403).

Use them as ``patient: Annotated[Patient, patient_for(Action.CARE_VIEW)]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cdcare.care.access import Action, authorize, ensure_reach, scale_action
from cdcare.care.audit import log_event
from cdcare.care.patients import get_patient
from cdcare.clock import local_today as centre_today
from cdcare.errors import N_, PermissionDenied, Unauthenticated
from cdcare.store.models import Patient, Role, User
from cdcare.web.security import tokens_match
from cdcare.web.upload_spool import read_form


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; routes commit what they change, errors roll back.

    The session is closed when the route function returns, before the response is sent
    (``scope="function"``): its pooled connection is back in the pool before the session
    middleware saves the web session with a connection of its own, so one request never holds
    two connections (nested checkouts exhaust the pool under load, docs/security.md).
    """
    with request.app.state.sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


DB = Annotated[Session, Depends(get_db, scope="function")]


def local_today(request: Request) -> date:
    """Today's calendar date in the app's time zone (``CDCARE_TIMEZONE``, :mod:`cdcare.clock`), via
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


class _PatientOfPath:
    """Callable dependency: the ``{patient_id}`` patient, authorised for ``action`` (None:
    reach only; the route then authorises an action it learns from its input)."""

    def __init__(self, action: Action | None) -> None:
        self.action = action

    def __call__(self, patient_id: int, db: DB, user: CurrentUser) -> Patient:
        patient = get_patient(db=db, patient_id=patient_id)
        if self.action is None:
            ensure_reach(user, patient)
        else:
            authorize(user, self.action, patient)
        return patient


def _scale_patient(patient_id: int, instrument: str, db: DB, user: CurrentUser) -> Patient:
    """The ``{patient_id}`` patient, authorised for the ``{instrument}`` path's scale action
    (clinician-rated or patient-reported)."""
    patient = get_patient(db=db, patient_id=patient_id)
    authorize(user, scale_action(instrument), patient)
    return patient


#: The path's patient, authorised to record the path's ``{instrument}`` scale.
ScalePatient = Annotated[Patient, Depends(_scale_patient)]


class _OwnRecord:
    """Callable dependency: the logged-in patient's own record, authorised for ``action``."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def __call__(self, db: DB, user: CurrentUser) -> Patient:
        return load_own_record(db, user, self.action)


def load_own_record(db: Session, user: User, action: Action) -> Patient:
    """The logged-in patient's own record if their role allows ``action`` (staff: 403); for a
    route that must decide something (e.g. redirect staff) before loading it."""
    if user.role is not Role.PATIENT or user.patient_id is None:
        raise PermissionDenied(N_("These pages are for patients; staff use the patient list"))
    patient = get_patient(db=db, patient_id=user.patient_id)
    authorize(user, action, patient)
    return patient


def patient_for(action: Action | None) -> Any:
    """``Depends`` marker: the path's patient if the user may do ``action`` on them (staff of
    the patient's centre, or that patient themself); else 404 (out of reach) or 403 (role).
    ``None`` checks reach only."""
    return Depends(_PatientOfPath(action))


def own_record(action: Action) -> Any:
    """``Depends`` marker: the logged-in patient's own record if their role allows ``action``;
    a staff account gets 403."""
    return Depends(_OwnRecord(action))


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
        form = await read_form(request)  # file parts spooled encrypted (web/upload_spool.py)
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
