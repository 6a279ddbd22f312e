"""ASGI middleware: security headers on every response, and request-body limits while streaming.

Headers (every response):

- ``Content-Security-Policy``: scripts only from this site (``script-src 'self'``: no inline
  scripts, no inline event handlers, no ``eval``), nothing may frame the pages
  (``frame-ancestors 'none'``), no plugins, forms post only here. Inline *styles* stay allowed:
  the charts are matplotlib SVGs, which carry their own ``<style>`` and ``style=`` attributes.
- ``X-Frame-Options: DENY`` (older browsers), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: same-origin``, ``Permissions-Policy`` (camera only for this site: the
  recording page), ``Strict-Transport-Security`` outside demo mode (demo serves plain http).
- ``Cache-Control: no-store`` on everything but ``/static``: patient pages, JSON and the PDF are
  never kept by a browser or proxy cache.

Body limits: a request whose ``Content-Length`` is over the limit is answered 413 before any of
its body is read; a body without a length (chunked) is counted as it arrives and refused
(:class:`TooLarge`, 413) as soon as it passes the limit, so nothing larger is ever spooled.
Video uploads (``POST …/videos``) may carry ``max_upload_mb``; every other request 2 MB.
"""

from __future__ import annotations

from typing import ClassVar

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cdcare.config import Settings
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.web.i18n import request_lang

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
OTHER_BODY_LIMIT = 2 * 1024 * 1024  # bytes: forms and JSON are far smaller
FORM_OVERHEAD = 64 * 1024  # bytes of multipart framing and fields around an uploaded file


class TooLarge(InputError):
    """The request body is larger than allowed."""

    http_status: ClassVar[int] = 413


MSG_TOO_LARGE = N_("The upload is larger than {mb} MB")


class SecurityHeadersMiddleware:
    """Adds the headers listed in the module docstring to every HTTP response."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # a route may send a stricter or page-specific policy (the API docs do)
                headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
                if self.hsts:
                    headers["Strict-Transport-Security"] = HSTS
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_wrapper)


def is_upload(scope: Scope) -> bool:
    """A video upload request (``POST /patients/{id}/videos``)."""
    return scope.get("method") == "POST" and str(scope.get("path", "")).rstrip("/").endswith(
        "/videos"
    )


class UploadLimitMiddleware:
    """Refuses request bodies over the limit, early (Content-Length) or while streaming."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def limit(self, scope: Scope) -> int:
        """Largest body accepted for this request, in bytes."""
        if is_upload(scope):
            return self.settings.max_upload_mb * 1024 * 1024 + FORM_OVERHEAD
        return OTHER_BODY_LIMIT

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        mb = max(1, limit // (1024 * 1024))
        request = Request(scope)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(request, mb)(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(MSG_TOO_LARGE, mb=mb)
            return message

        await self.app(scope, counting_receive, send)

    @staticmethod
    def _refuse(request: Request, mb: int) -> JSONResponse | PlainTextResponse:
        text = translate(MSG_TOO_LARGE, request_lang(request)).format(mb=mb)
        headers = {"Connection": "close"}
        if request.url.path.startswith("/api") or "json" in request.headers.get("accept", ""):
            body = {"error": "TooLarge", "message": text}
            return JSONResponse(body, status_code=413, headers=headers)
        return PlainTextResponse(text, status_code=413, headers=headers)


__all__ = ["CSP", "SecurityHeadersMiddleware", "TooLarge", "UploadLimitMiddleware"]
