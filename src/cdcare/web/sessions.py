"""ASGI middleware: server-side sessions (:mod:`cdcare.care.sessions`) behind ``request.session``.

The cookie ``cdcare_session`` carries only the random token. The session's data (``uid``, the
CSRF token) lives in the ``web_session`` row, so every worker process sees the same sessions
and a revoked, idle or expired session is refused everywhere at once. Behaviour seen by routes:

- ``request.session`` is a plain dict, as with Starlette's cookie sessions.
- Setting a different ``uid`` (login) opens a new session with a new token (no fixation) and
  revokes the old one; ``request.session.clear()`` (logout) revokes the session.
- ``request.scope["session_id"]`` is the row id of the current session (None if none yet).
"""

from __future__ import annotations

import copy
import logging
from datetime import timedelta
from typing import Any

import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cdcare.care.sessions import (
    Lifetimes,
    find_session,
    open_session,
    revoke_session,
    touch_session,
)
from cdcare.store.security_models import WebSession

COOKIE = "cdcare_session"
logger = logging.getLogger(__name__)


class ServerSessionMiddleware:
    """Loads the session before the route runs and saves changes when the response starts."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        sessions: sessionmaker[Session],
        lifetimes: Lifetimes,
        secure: bool,
        cookie: str = COOKIE,
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.lifetimes = lifetimes
        self.secure = secure
        self.cookie = cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        token = conn.cookies.get(self.cookie, "")
        sid: int | None = None
        initial: dict[str, Any] = {}
        if token:
            sid, initial = await anyio.to_thread.run_sync(self._load, token)
        scope["session"] = copy.deepcopy(initial)
        scope["session_id"] = sid
        client = (
            conn.headers.get("user-agent", ""),
            conn.client.host if conn.client else "",
        )

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = await anyio.to_thread.run_sync(
                    self._save, scope["session"], sid, initial, client
                )
                if cookie is not None:
                    MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_wrapper)

    def _load(self, token: str) -> tuple[int | None, dict[str, Any]]:
        try:
            with self.sessions() as db:
                row = find_session(db=db, token=token, lifetimes=self.lifetimes)
                if row is None:
                    return None, {}
                if touch_session(db=db, row=row):
                    db.commit()
                data = dict(row.data or {})
                if row.user_id is not None:
                    data["uid"] = row.user_id
                return row.id, data
        except SQLAlchemyError:  # database down: anonymous; /healthz reports it
            logger.exception("session lookup failed; the request is treated as anonymous")
            return None, {}

    def _save(
        self,
        session: dict[str, Any],
        sid: int | None,
        initial: dict[str, Any],
        client: tuple[str, str],
    ) -> str | None:
        """Persist changes; returns a Set-Cookie value when the cookie must change."""
        if session == initial:
            return None
        uid = session.get("uid")
        try:
            with self.sessions() as db:
                if not session:  # cleared: logout
                    if sid is not None:
                        revoke_session(db=db, session_id=sid)
                        db.commit()
                    return self._cookie("", max_age=0)
                data = {k: v for k, v in session.items() if k != "uid"}
                if sid is not None and uid == initial.get("uid"):
                    row = db.get(WebSession, sid)
                    if row is not None:
                        row.data = data
                        db.commit()
                        return None
                if sid is not None:
                    revoke_session(db=db, session_id=sid)
                token, _row = open_session(
                    db=db,
                    user_id=uid if isinstance(uid, int) else None,
                    data=data,
                    lifetimes=self.lifetimes,
                    user_agent=client[0],
                    ip=client[1],
                )
                db.commit()
        except SQLAlchemyError:
            if uid is not None:
                raise
            logger.exception("anonymous session not saved")
            return None  # an anonymous visitor while the database is down
        return self._cookie(token, max_age=int(self.lifetimes.absolute.total_seconds()))

    def _cookie(self, value: str, *, max_age: int) -> str:
        parts = [f"{self.cookie}={value}", "path=/", f"Max-Age={max_age}", "httponly"]
        parts.append("samesite=lax")
        if self.secure:
            parts.append("secure")
        return "; ".join(parts)


def lifetimes_from(idle_minutes: float, max_hours: float) -> Lifetimes:
    """Lifetimes from the settings (minutes idle, hours absolute)."""
    return Lifetimes(idle=timedelta(minutes=idle_minutes), absolute=timedelta(hours=max_hours))


__all__ = ["COOKIE", "ServerSessionMiddleware", "lifetimes_from"]
