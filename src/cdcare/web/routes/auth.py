"""Login and logout."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care import totp
from cdcare.care.accounts import authenticate
from cdcare.errors import N_
from cdcare.i18n import translate
from cdcare.store.models import Role, User
from cdcare.web.deps import DB, audit, client_ip, optional_user, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.security import LoginThrottle, new_csrf_token

router = APIRouter(tags=["auth"])


def home_for(user: User) -> str:
    """Where a user lands after logging in."""
    if user.role is Role.PATIENT:
        return "/me"
    if user.role is Role.ADMIN:
        return "/admin/audit"
    if user.role is Role.NURSE:
        return "/worklist"
    return "/patients"


def _safe_next(value: str | None) -> str | None:
    """Only local paths are followed after login (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return None


@router.get("/login")
def login_page(
    request: Request, user: Annotated[User | None, Depends(optional_user)], next: str | None = None
) -> Response:
    """The login form (a logged-in user goes home)."""
    if user is not None:
        return RedirectResponse(home_for(user), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next) or ""})


@router.post("/login", dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    db: DB,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the password; throttled per username and per address."""
    throttle: LoginThrottle = request.app.state.login_throttle
    keys = (f"user:{username.strip().lower()}", f"ip:{client_ip(request)}")
    lang = request_lang(request)
    if throttle.blocked(*keys):
        audit(request, db, None, "login_failed", username=username, reason="throttled")
        db.commit()
        message = translate(N_("Too many failed logins; try again in 15 minutes"), lang)
        return render(request, "login.html", {"error": message, "next": next}, status_code=429)
    user = authenticate(db=db, username=username, password=password)
    if user is None:
        throttle.fail(*keys)
        audit(request, db, None, "login_failed", username=username)
        db.commit()
        message = translate(N_("Wrong username or password"), lang)
        return render(request, "login.html", {"error": message, "next": next}, status_code=400)
    if totp.enrolled(db=db, user_id=user.id):
        start_pending(request, user, PENDING_CODE, next)
        db.commit()  # a password rehash, if any
        return RedirectResponse("/login/code", status_code=303)
    if totp.required_for(user, demo=request.app.state.settings.demo):
        start_pending(request, user, PENDING_ENROL, next)
        db.commit()
        return RedirectResponse("/account/totp", status_code=303)
    db.commit()  # a password rehash, before the throttle's own transaction (SQLite: one writer)
    throttle.reset(*keys)
    return complete_login(request, db, user, next)


#: Second login step pending: the password was right, a TOTP code (or enrolment) is due.
PENDING_CODE, PENDING_ENROL = "code", "enrol"
PENDING_SECONDS = 300


def start_pending(request: Request, user: User, kind: str, next: str) -> None:
    """Remember a half-finished login (no ``uid`` yet: nothing is reachable)."""
    request.session.clear()
    request.session.update(
        {
            "pending_uid": user.id,
            "pending_kind": kind,
            "pending_at": time.time(),
            "next": _safe_next(next) or "",
            "csrf": new_csrf_token(),
        }
    )


def pending_user(request: Request, db: DB, kind: str) -> User | None:
    """The user of a pending login step of ``kind`` started within 5 minutes, if any."""
    s = request.session
    uid, started = s.get("pending_uid"), s.get("pending_at")
    if s.get("pending_kind") != kind or not isinstance(uid, int):
        return None
    if not isinstance(started, int | float) or time.time() - started > PENDING_SECONDS:
        return None
    user = db.get(User, uid)
    return user if user is not None and user.active else None


def complete_login(request: Request, db: DB, user: User, next: str) -> Response:
    """Open the user's session (a new token: no fixation) and go on."""
    request.session.clear()  # new session on login: no fixation
    request.session["uid"] = user.id
    request.session["csrf"] = new_csrf_token()
    audit(request, db, user, "login")
    db.commit()
    response = RedirectResponse(_safe_next(next) or home_for(user), status_code=303)
    if "lang" not in request.cookies and user.lang:
        response.set_cookie("lang", user.lang, samesite="lax", httponly=True)
    return response


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(
    request: Request, db: DB, user: Annotated[User | None, Depends(optional_user)]
) -> Response:
    """End the session."""
    if user is not None:
        audit(request, db, user, "logout")
        db.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
