"""Page rendering: every template gets the language, ``_``, the user and the CSRF token."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from cdcare import __version__
from cdcare.care.access import Action, can
from cdcare.i18n import gettext_for
from cdcare.store.models import User
from cdcare.web.i18n import request_lang
from cdcare.web.security import new_csrf_token


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = new_csrf_token()
        request.session["csrf"] = token
    return token


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    user: User | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render template ``name`` with the common context."""
    templates: Jinja2Templates = request.app.state.templates
    zone = ZoneInfo(request.app.state.settings.timezone)
    lang = request_lang(request)

    def localtime(value: datetime) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    ctx: dict[str, Any] = {
        "_": gettext_for(lang),
        "lang": lang,
        "user": user,
        "csrf_token": csrf_token(request),
        "localtime": localtime,
        "version": __version__,
        "Action": Action,
        "can": (lambda action: user is not None and can(user, action)),
        "demo": request.app.state.settings.demo,
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie("lang", lang, samesite="lax", httponly=True)
    return response
