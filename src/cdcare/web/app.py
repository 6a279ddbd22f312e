"""Application factory: settings, engine, sessions, templates, routers, error handling."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, select, text

from cdcare import __version__
from cdcare.care.accounts import DEMO_PASSWORD
from cdcare.care.audit_key import install_audit_key
from cdcare.care.demo import DEMO_CENTRE
from cdcare.care.patients import latest_assessments, list_patients
from cdcare.config import Settings
from cdcare.errors import N_, ConfigError
from cdcare.jobs.analysis import AnalysisQueue
from cdcare.jobs.cluster import scheduler_from_env
from cdcare.store.crypto import parse_keys
from cdcare.store.db import make_engine, session_factory
from cdcare.store.migrate import current_revision, head_revision
from cdcare.store.models import Centre, User
from cdcare.web import apidocs
from cdcare.web.deps import DB, optional_user
from cdcare.web.errors import install_error_handlers
from cdcare.web.hardening import SecurityHeadersMiddleware, UploadLimitMiddleware
from cdcare.web.render import render
from cdcare.web.routes import (
    account_sessions,
    accounts,
    admin,
    amend,
    api,
    appointments,
    auth,
    calendar,
    care_pages,
    education,
    fhir,
    patients,
    planning,
    portal,
    portal_display,
    reminders,
    reports,
    sources,
    totp,
    videos,
    visit_flow,
    worklist,
)
from cdcare.web.security import LoginThrottle
from cdcare.web.sessions import ServerSessionMiddleware, lifetimes_from
from cdcare.web.templating import LocalizedTemplates

HERE = Path(__file__).parent
logger = logging.getLogger(__name__)
# public by design: used only in demo mode with synthetic patients (_secret refuses it otherwise)
DEMO_SECRET = "cdcare-demo-secret-not-for-real-patients-0000"  # noqa: S105


def _secret(settings: Settings) -> str:
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            raise ConfigError(N_("CDCARE_SECRET_KEY must have at least 32 characters"))
        return settings.secret_key
    if settings.demo:
        return DEMO_SECRET
    raise ConfigError(N_("Set CDCARE_SECRET_KEY (a long random string) outside demo mode"))


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the web app for ``settings`` (default: from the environment)."""
    settings = settings or Settings()
    _secret(settings)  # refuses to start without a real secret outside demo mode
    engine = engine or make_engine(settings.effective_database_url, **settings.engine_options)
    install_audit_key(engine, settings)  # the access-log chain key, held outside the database

    media_keys = parse_keys(settings.media_keys)  # a malformed key stops start-up
    queue = AnalysisQueue(
        engine,
        keep_video=settings.keep_raw_video,
        scheduler=scheduler_from_env(),
        media_keys=settings.media_keys,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        queue.resume()  # analyses interrupted by the last stop
        queue.start()  # claim queued analyses (shared with the other server processes)
        try:
            yield
        finally:
            queue.shutdown()

    app = FastAPI(
        title="cdcare",
        version=__version__,
        description="Cervical dystonia care (Korean / English).",
        lifespan=lifespan,
        docs_url=None,  # served from local files by cdcare.web.apidocs
        redoc_url=None,
    )
    app.state.analysis_queue = queue
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.settings = settings
    app.state.media_keys = media_keys  # parsed CDCARE_MEDIA_KEYS (None: files in clear)
    app.state.templates = LocalizedTemplates(HERE / "templates", settings.timezone)
    app.state.login_throttle = LoginThrottle(app.state.sessions)
    secure = settings.cookie_secure if settings.cookie_secure is not None else not settings.demo
    app.add_middleware(
        ServerSessionMiddleware,
        sessions=app.state.sessions,
        lifetimes=lifetimes_from(settings.session_idle_minutes, settings.session_max_hours),
        secure=secure,
    )
    app.add_middleware(UploadLimitMiddleware, settings=settings)
    app.add_middleware(SecurityHeadersMiddleware, hsts=not settings.demo)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    apidocs.install(app)
    for module in (
        auth,
        totp,
        account_sessions,
        appointments,
        care_pages,
        patients,
        planning,
        amend,
        videos,
        education,
        portal,
        reports,
        sources,
        admin,
        accounts,
        worklist,
        reminders,
        calendar,
        visit_flow,
        portal_display,
        api,
        fhir,
    ):
        app.include_router(module.router)

    @app.get("/healthz", tags=["system"])
    def healthz() -> JSONResponse:
        """Database reachable and at this code's schema revision → 200, else 503."""
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            revision = current_revision(engine)
        except Exception:  # any database failure is "unhealthy"; details stay in the server
            logger.exception("health check: database unreachable")
            return JSONResponse({"status": "error"}, status_code=503)
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

    @app.get("/", tags=["pages"])
    def index(
        request: Request, db: DB, user: Annotated[User | None, Depends(optional_user)]
    ) -> Response:
        """Landing page; in demo mode it lists the synthetic demo patients and logins."""
        if user is not None:
            return RedirectResponse(auth.home_for(user), status_code=303)
        rows: list[dict[str, Any]] = []
        centre = None
        if settings.demo:
            centre = db.scalar(select(Centre).where(Centre.code == DEMO_CENTRE))
            if centre is not None:
                for p in list_patients(db=db, centre_id=centre.id):
                    latest: dict[str, Any] = {}
                    for a in latest_assessments(db=db, patient_id=p.id):
                        latest.setdefault(a.instrument, a)
                    rows.append({"patient": p, "latest": latest})
        return render(
            request, "index.html", {"centre": centre, "rows": rows, "demo_password": DEMO_PASSWORD}
        )

    return app
