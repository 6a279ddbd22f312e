"""CdcareError → HTTP response, in one place: JSON under /api, a page elsewhere.

Not logged in: 401 JSON, or a redirect to the login page. Other errors carry their class's
status (404 not found — also for other centres' records —, 403, 422, 409...) and the message
in the request's language. A logged-in user's 403, and a 404 on a patient resource, are written
to the access log as ``permission_denied`` (who, when, address, path, whose record, status).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cdcare.errors import N_, CdcareError, NotFound, PermissionDenied, Unauthenticated
from cdcare.i18n import translate
from cdcare.web.i18n import request_lang


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "application/json" in request.headers.get(
        "accept", ""
    )


def _page(request: Request, status: int, message: str) -> Response:
    from cdcare.store.models import User
    from cdcare.web.render import render

    uid = request.session.get("uid") if "session" in request.scope else None
    with request.app.state.sessions() as db:  # the navigation shows who is logged in
        user = db.get(User, uid) if isinstance(uid, int) else None
        return render(
            request,
            "error.html",
            {"status": status, "message": message},
            user=user if user is not None and user.active else None,
            status_code=status,
        )


_log = logging.getLogger(__name__)


def _patient_param(request: Request) -> int | None:
    """The requested patient id, if it fits the log's integer column (else only in the path)."""
    value = request.path_params.get("patient_id")
    try:
        number = int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and -(2**31) <= number < 2**31 else None


def log_denial(request: Request, exc: CdcareError) -> None:
    """Write a refused request to the access log (own transaction; never masks the error)."""
    from cdcare.care.audit import log_event
    from cdcare.store.models import User
    from cdcare.web.deps import client_ip

    patient_id = _patient_param(request)
    denied = isinstance(exc, PermissionDenied) or (
        isinstance(exc, NotFound) and "patient_id" in request.path_params
    )
    uid = request.session.get("uid") if "session" in request.scope else None
    if not denied or not isinstance(uid, int):
        return
    try:
        with request.app.state.sessions() as db:
            user = db.get(User, uid)
            log_event(
                db=db,
                action="permission_denied",
                actor=user,
                username="" if user else f"user:{uid}",
                patient_id=patient_id,
                target=request.url.path[:120],
                ip=client_ip(request),
                reason=f"{exc.http_status} {request.method} {exc.text('en')}",
            )
            db.commit()
    except SQLAlchemyError:  # the refusal itself must still be answered
        _log.exception("could not write a denial to the access log")


def install_error_handlers(app: FastAPI) -> None:
    """Answer every CdcareError with its class's HTTP status and a localised message."""

    @app.exception_handler(CdcareError)
    async def _cdcare_error(request: Request, exc: CdcareError) -> Response:
        lang = request_lang(request)
        if isinstance(exc, Unauthenticated) and not _wants_json(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        # a database write that may wait for the access-log writer lock: never on the event loop
        await anyio.to_thread.run_sync(log_denial, request, exc)
        if _wants_json(request):
            body: dict[str, object] = {"error": type(exc).__name__, "message": exc.text(lang)}
            item = getattr(exc, "item", None)
            if item:
                body["item"] = item
            return JSONResponse(body, status_code=exc.http_status)
        return _page(request, exc.http_status, exc.text(lang))

    @app.exception_handler(OverflowError)
    async def _id_out_of_range(request: Request, exc: OverflowError) -> Response:
        # SQLite refuses to bind an integer beyond 64 bits: such an id names no record.
        return await _cdcare_error(request, NotFound(N_("Page not found")))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = request_lang(request)
        message = (
            translate(N_("Page not found"), lang) if exc.status_code == 404 else str(exc.detail)
        )
        if _wants_json(request):
            return JSONResponse(
                {"error": "HTTPError", "message": message}, status_code=exc.status_code
            )
        return _page(request, exc.status_code, message)
