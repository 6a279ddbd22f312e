"""Application factory. The engine is created here and handed to routes via app.state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from cdcare import __version__
from cdcare.care.demo import DEMO_CENTRE
from cdcare.care.patients import latest_assessments, list_patients
from cdcare.config import Settings
from cdcare.i18n import gettext_for
from cdcare.store.db import make_engine, session_factory
from cdcare.store.migrate import current_revision, head_revision
from cdcare.store.models import Centre
from cdcare.web.errors import install_error_handlers
from cdcare.web.i18n import request_lang

HERE = Path(__file__).parent


def get_db(request: Request) -> Iterator[Session]:
    """One database session per request, from the app's session factory."""
    with request.app.state.sessions() as session:
        yield session


DB = Annotated[Session, Depends(get_db)]


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the web app for ``settings`` (default: from the environment)."""
    settings = settings or Settings()
    engine = engine or make_engine(settings.effective_database_url)
    sessions = session_factory(engine)
    templates = Jinja2Templates(directory=HERE / "templates")
    zone = ZoneInfo(settings.timezone)

    app = FastAPI(
        title="cdcare",
        version=__version__,
        description="Cervical dystonia care (Korean / English).",
    )
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.settings = settings
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def localtime(value: datetime) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    @app.get("/healthz", tags=["system"])
    def healthz() -> JSONResponse:
        """Database reachable and at this code's schema revision → 200, else 503."""
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            revision = current_revision(engine)
        except Exception as exc:  # any database failure is "unhealthy", with its reason
            return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
        ok = revision == head_revision()
        return JSONResponse(
            {
                "status": "ok" if ok else "error",
                "database": engine.dialect.name,
                "revision": revision,
                "expected_revision": head_revision(),
            },
            status_code=200 if ok else 503,
        )

    @app.get("/", response_class=HTMLResponse, tags=["pages"])
    def index(request: Request, db: DB) -> HTMLResponse:
        """Landing page: the demo centre's patients with their latest scores."""
        lang = request_lang(request)
        centre = db.scalar(select(Centre).where(Centre.code == DEMO_CENTRE))
        rows: list[dict[str, Any]] = []
        if centre is not None:
            for p in list_patients(db=db, centre_id=centre.id):
                latest: dict[str, Any] = {}
                for a in latest_assessments(db=db, patient_id=p.id):
                    latest.setdefault(a.instrument, a)
                rows.append({"patient": p, "latest": latest})
        response = templates.TemplateResponse(
            request,
            "index.html",
            {
                "_": gettext_for(lang),
                "lang": lang,
                "centre": centre,
                "rows": rows,
                "localtime": localtime,
                "version": __version__,
            },
        )
        if request.query_params.get("lang") == lang:
            response.set_cookie("lang", lang, samesite="lax", httponly=True)
        return response

    return app
