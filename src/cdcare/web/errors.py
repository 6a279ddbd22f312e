"""CdcareError → HTTP response, in one place (JSON for the API, the message localised)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from cdcare.errors import CdcareError
from cdcare.web.i18n import request_lang


def install_error_handlers(app: FastAPI) -> None:
    """Answer every CdcareError with its class's HTTP status and a localised message."""

    @app.exception_handler(CdcareError)
    async def _cdcare_error(request: Request, exc: CdcareError) -> JSONResponse:
        lang = request_lang(request)
        body: dict[str, object] = {"error": type(exc).__name__, "message": exc.text(lang)}
        item = getattr(exc, "item", None)
        if item:
            body["item"] = item
        return JSONResponse(body, status_code=exc.http_status)
