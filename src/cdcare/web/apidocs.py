"""API documentation (Swagger UI at ``/docs``, ReDoc at ``/redoc``) and the favicon, served
from local files: nothing on these pages is loaded from another host, so they work offline.

The Swagger UI and ReDoc bundles come from the ``fastapi-offline`` wheel (MIT; it ships the
upstream swagger-ui-dist, Apache-2.0, and ReDoc, MIT, files); the favicon is the app's own
(``web/static/favicon.svg`` and ``favicon.ico``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
FAVICON = "/favicon.ico"
#: Only this server: the bundles themselves still name other hosts (ReDoc's logo on its CDN), so
#: the browser is told never to fetch from them.
OWN_HOST_ONLY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'"
)
_STATIC = Path(__file__).parent / "static"


def _bundle_dir() -> Path:
    return Path(str(resources.files("fastapi_offline") / "static"))


def _own_host_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = OWN_HOST_ONLY
    return page


def install(app: FastAPI) -> None:
    """Add ``/docs``, ``/redoc``, ``/favicon.ico`` and the assets they load.

    The app must be created with ``docs_url=None, redoc_url=None`` (FastAPI's defaults load
    the bundles from a CDN)."""
    app.mount(ASSETS, StaticFiles(directory=_bundle_dir()), name="docs-assets")
    title = f"{app.title} API"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _own_host_only(
            get_swagger_ui_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=title,
                swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS}/swagger-ui.css",
                swagger_favicon_url=FAVICON,
                swagger_ui_parameters={"validatorUrl": None},
            )
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _own_host_only(
            get_redoc_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=title,
                redoc_js_url=f"{ASSETS}/redoc.standalone.js",
                redoc_favicon_url=FAVICON,
                with_google_fonts=False,
            )
        )

    @app.get(FAVICON, include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(_STATIC / "favicon.ico", media_type="image/x-icon")
