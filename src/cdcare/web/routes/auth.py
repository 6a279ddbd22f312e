"""Login and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

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
    throttle.reset(*keys)
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
