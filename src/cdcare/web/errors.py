"""CdcareError → HTTP response, in one place: JSON under /api, a page elsewhere.

Not logged in: 401 JSON, or a redirect to the login page. Other errors carry their class's
status (404 not found — also for other centres' records —, 403, 422, 409...) and the message
in the request's language.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cdcare.errors import N_, CdcareError, NotFound, Unauthenticated
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


def install_error_handlers(app: FastAPI) -> None:
    """Answer every CdcareError with its class's HTTP status and a localised message."""

    @app.exception_handler(CdcareError)
    async def _cdcare_error(request: Request, exc: CdcareError) -> Response:
        lang = request_lang(request)
        if isinstance(exc, Unauthenticated) and not _wants_json(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
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
