"""Accounts on the web: the admin's account list (create, deactivate, re-role, reset link),
every user's password change, and the one-time reset-link page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care import users
from cdcare.care.access import ROLE_LABELS, Action, authorize
from cdcare.care.accounts import change_password
from cdcare.errors import N_, CdcareError, InputError
from cdcare.i18n import translate
from cdcare.store.models import User
from cdcare.web.deps import DB, CurrentUser, audit, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render

router = APIRouter(tags=["accounts"])
CSRF = [Depends(verify_csrf)]


def _users_page(
    request: Request,
    db: DB,
    user: User,
    *,
    error: str = "",
    link: str = "",
    saved: str = "",
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    rows = users.list_users(db=db, centre_id=user.centre_id)
    return render(
        request,
        "admin_users.html",
        {
            "rows": rows,
            "roles": ROLE_LABELS,
            "staff_roles": users.STAFF_ROLES,
            "error": error,
            "link": link,
            "saved": saved,
            "form": form or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get("/admin/users")
def users_page(request: Request, db: DB, user: CurrentUser) -> Response:
    """The centre's accounts and the form to add one."""
    authorize(user, Action.USER_MANAGE)
    audit(request, db, user, "list", target="/admin/users")
    db.commit()
    return _users_page(request, db, user)


@router.post("/admin/users", dependencies=CSRF)
async def users_create(request: Request, db: DB, user: CurrentUser) -> Response:
    """Add an account (without password: the admin then issues a reset link)."""
    authorize(user, Action.USER_MANAGE)
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        new = users.add_user(
            db=db,
            centre_id=user.centre_id,
            username=form.get("username", ""),
            display_name=form.get("display_name", ""),
            role=form.get("role", ""),
            record_number=form.get("record_number") or None,
            lang=form.get("lang", "ko"),
        )
    except CdcareError as err:  # the form comes back filled in, with the reason
        db.rollback()
        return _users_page(
            request, db, user, error=err.text(request_lang(request)), form=form, status_code=422
        )
    audit(
        request,
        db,
        user,
        "create",
        patient_id=new.patient_id,
        target=f"user:{new.id}:role={new.role.value}",
    )
    db.commit()
    return RedirectResponse(f"/admin/users?saved={new.id}#user-{new.id}", status_code=303)


def _managed(db: DB, admin: User, user_id: int) -> User:
    authorize(admin, Action.USER_MANAGE)
    return users.get_user(db=db, centre_id=admin.centre_id, user_id=user_id)


@router.post("/admin/users/{user_id}/active", dependencies=CSRF)
def users_active(
    request: Request,
    user_id: int,
    db: DB,
    user: CurrentUser,
    active: Annotated[str, Form()] = "",
) -> Response:
    """Deactivate (active=0) or reactivate (active=1) an account."""
    target = _managed(db, user, user_id)
    users.set_active(db=db, user=target, active=active == "1")
    audit(request, db, user, "amend", target=f"user:{target.id}:active={target.active}")
    db.commit()
    return RedirectResponse(f"/admin/users?saved={target.id}#user-{target.id}", status_code=303)


@router.post("/admin/users/{user_id}/role", dependencies=CSRF)
def users_role(
    request: Request, user_id: int, db: DB, user: CurrentUser, role: Annotated[str, Form()] = ""
) -> Response:
    """Change a staff account's role."""
    target = _managed(db, user, user_id)
    users.set_role(db=db, user=target, role=role)
    audit(request, db, user, "amend", target=f"user:{target.id}:role={target.role.value}")
    db.commit()
    return RedirectResponse(f"/admin/users?saved={target.id}#user-{target.id}", status_code=303)


@router.post("/admin/users/{user_id}/reset-link", dependencies=CSRF)
def users_reset_link(request: Request, user_id: int, db: DB, user: CurrentUser) -> Response:
    """Issue a one-time reset link, shown once to the admin (to hand to the person)."""
    target = _managed(db, user, user_id)
    token = users.issue_reset(db=db, user=target, issued_by_id=user.id)
    audit(request, db, user, "create", target=f"user:{target.id}:reset_link")
    db.commit()
    link = str(request.url_for("reset_page", token=token))
    return _users_page(request, db, user, link=link)


@router.get("/account/password")
def password_page(request: Request, user: CurrentUser) -> Response:
    """Form to change one's own password."""
    return render(request, "password.html", {"error": "", "saved": False}, user=user)


@router.post("/account/password", dependencies=CSRF)
def password_change(
    request: Request,
    db: DB,
    user: CurrentUser,
    old: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    """Change one's password: the current one, then the new one twice."""
    try:
        if new != repeat:
            raise InputError(N_("The two new passwords differ"))
        sid = request.scope.get("session_id")
        change_password(
            db=db,
            user_id=user.id,
            old=old,
            new=new,
            keep_session_id=sid if isinstance(sid, int) else None,
        )
    except CdcareError as err:
        db.rollback()
        message = err.text(request_lang(request))
        return render(
            request, "password.html", {"error": message, "saved": False}, user=user, status_code=422
        )
    audit(request, db, user, "amend", target=f"user:{user.id}:password")
    db.commit()
    return render(request, "password.html", {"error": "", "saved": True}, user=user)


@router.get("/reset/{token}", name="reset_page")
def reset_page(request: Request, token: str, db: DB) -> Response:
    """The page behind a reset link: choose a new password (link checked first)."""
    try:
        users.reset_for_token(db=db, token=token)
    except CdcareError as err:
        response = render(
            request,
            "reset.html",
            {"error": err.text(request_lang(request)), "valid": False, "token": ""},
            status_code=410,
        )
    else:
        response = render(request, "reset.html", {"error": "", "valid": True, "token": token})
    return response  # Referrer-Policy same-origin (web/hardening.py): the token stays on site


@router.post("/reset/{token}", dependencies=CSRF)
def reset_submit(
    request: Request,
    token: str,
    db: DB,
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    """Set the new password; the link is used up, and the person logs in."""
    try:
        target = users.redeem_reset(db=db, token=token, password=new, repeat=repeat)
    except CdcareError as err:
        db.rollback()
        valid = True
        try:
            users.reset_for_token(db=db, token=token)
        except CdcareError:
            valid = False
        return render(
            request,
            "reset.html",
            {"error": err.text(request_lang(request)), "valid": valid, "token": token},
            status_code=422,
        )
    audit(request, db, target, "amend", target=f"user:{target.id}:password_reset")
    db.commit()
    message = translate(N_("Password set. You can log in now."), request_lang(request))
    return render(request, "login.html", {"next": "", "notice": message})


__all__ = ["router"]
