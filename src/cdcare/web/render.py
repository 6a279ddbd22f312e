"""Page rendering: the environment of the request's language, the user and the CSRF token.

``_``/``ngettext``/``pgettext`` and the ``date``/``datetime``/``number`` filters come from the
language's environment (:mod:`cdcare.web.templating`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from cdcare import __version__
from cdcare.care.access import Action, can
from cdcare.store.models import User
from cdcare.web.i18n import request_lang
from cdcare.web.security import new_csrf_token
from cdcare.web.templating import LocalizedTemplates


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
    lang = request_lang(request)
    localized: LocalizedTemplates = request.app.state.templates
    templates = localized.get(lang)
    ctx: dict[str, Any] = {
        "lang": lang,
        "user": user,
        "csrf_token": csrf_token(request),
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
