"""Second factor pages: the code step of a login, and TOTP enrolment for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care import totp
from cdcare.errors import N_, PermissionDenied
from cdcare.i18n import translate
from cdcare.store.models import User
from cdcare.web.deps import DB, audit, client_ip, optional_user, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes.auth import (
    PENDING_CODE,
    PENDING_ENROL,
    complete_login,
    pending_user,
)
from cdcare.web.security import LoginThrottle

router = APIRouter(tags=["auth"])


def _keys(request: Request, user: User) -> tuple[str, str]:
    return (f"user:{user.username.strip().lower()}", f"ip:{client_ip(request)}")


@router.get("/login/code")
def code_page(request: Request, db: DB) -> Response:
    """Second login step: the 6-digit code from the authenticator app."""
    if pending_user(request, db, PENDING_CODE) is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "login_code.html", {})


@router.post("/login/code", dependencies=[Depends(verify_csrf)])
def code_submit(request: Request, db: DB, code: Annotated[str, Form()] = "") -> Response:
    """Check the code (throttled like passwords; each code works once)."""
    user = pending_user(request, db, PENDING_CODE)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    throttle: LoginThrottle = request.app.state.login_throttle
    keys, lang = _keys(request, user), request_lang(request)
    if throttle.blocked(*keys):
        message = translate(N_("Too many failed logins; try again in 15 minutes"), lang)
        return render(request, "login_code.html", {"error": message}, status_code=429)
    if not totp.verify(db=db, user_id=user.id, code=code, keys=request.app.state.media_keys):
        throttle.fail(*keys)
        audit(request, db, None, "login_failed", username=user.username, reason="second factor")
        db.commit()
        message = translate(N_("Wrong or already used code"), lang)
        return render(request, "login_code.html", {"error": message}, status_code=400)
    db.commit()  # the used step; before the throttle's own transaction (SQLite: one writer)
    throttle.reset(*keys)
    return complete_login(request, db, user, str(request.session.get("next") or ""))


def _offered_secret(request: Request, who: User) -> str | None:
    """The secret being enrolled, kept in the web session encrypted like the stored ones (the
    session row is in the database too), or None."""
    stored = request.session.get("totp_new")
    if not isinstance(stored, str):
        return None
    keys, context = request.app.state.media_keys, f"totp_new:{who.id}"
    return totp.unseal(stored, user_id=who.id, keys=keys, context=context)


def _offer_new_secret(request: Request, who: User) -> str:
    """A new secret to enrol, remembered (encrypted) in the web session."""
    secret = totp.new_secret()
    keys, context = request.app.state.media_keys, f"totp_new:{who.id}"
    request.session["totp_new"] = totp.seal(secret, user_id=who.id, keys=keys, context=context)
    return secret


def _enrolling(request: Request, db: DB, user: User | None) -> tuple[User | None, bool]:
    """(user, pending): a logged-in staff member, or one whose login waits for enrolment."""
    if user is not None:
        if not totp.offered_to(user):
            raise PermissionDenied(N_("Only staff accounts use a second factor"))
        return user, False
    return pending_user(request, db, PENDING_ENROL), True


@router.get("/account/totp")
def enrol_page(
    request: Request, db: DB, user: Annotated[User | None, Depends(optional_user)]
) -> Response:
    """Show a new secret (as text) to add to an authenticator app, and ask for its code."""
    who, pending = _enrolling(request, db, user)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    secret = _offered_secret(request, who) or _offer_new_secret(request, who)
    ctx = {
        "secret": secret,
        "uri": totp.provisioning_uri(secret=secret, username=who.username),
        "enrolled": totp.enrolled(db=db, user_id=who.id),
        "required": pending,
    }
    return render(request, "account_totp.html", ctx, user=user)


@router.post("/account/totp", dependencies=[Depends(verify_csrf)])
def enrol_submit(
    request: Request,
    db: DB,
    user: Annotated[User | None, Depends(optional_user)],
    code: Annotated[str, Form()] = "",
) -> Response:
    """Turn the second factor on once the app shows a matching code."""
    who, pending = _enrolling(request, db, user)
    secret = None if who is None else _offered_secret(request, who)
    if who is None or secret is None:
        return RedirectResponse("/login", status_code=303)
    lang = request_lang(request)
    keys = request.app.state.media_keys
    if not totp.confirm(db=db, user=who, secret=secret, code=code, keys=keys):
        ctx = {
            "secret": secret,
            "uri": totp.provisioning_uri(secret=secret, username=who.username),
            "enrolled": totp.enrolled(db=db, user_id=who.id),
            "required": pending,
            "error": translate(N_("Wrong or already used code"), lang),
        }
        return render(request, "account_totp.html", ctx, user=user, status_code=400)
    audit(request, db, who, "create", target=f"user_totp:{who.id}")
    request.session.pop("totp_new", None)
    db.commit()  # before the throttle's own transaction (SQLite: one writer at a time)
    if pending:
        request.app.state.login_throttle.reset(*_keys(request, who))
        return complete_login(request, db, who, str(request.session.get("next") or ""))
    return RedirectResponse("/account/totp?done=1", status_code=303)
