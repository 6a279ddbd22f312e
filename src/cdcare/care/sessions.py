"""Server-side login sessions: open, look up, touch, revoke, list, prune.

The browser holds only a random 256-bit token (``secrets.token_urlsafe(32)``); the database
keeps its SHA-256, so neither a copied database nor a log line gives a usable cookie. A session
is valid while it is not revoked, is younger than its absolute lifetime (``expires_at``) and has
seen a request within the idle timeout. Revocation happens at logout, at a password change
(:func:`revoke_user_sessions`, called by :func:`cdcare.care.accounts.set_password`) and from the
user's own sessions page ("log out everywhere", or one session).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from cdcare.store.security_models import WebSession
from cdcare.store.types import utcnow

#: A session's ``last_seen_at`` is written at most this often (fewer writes per request).
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Lifetimes:
    """Idle timeout and absolute lifetime of a session."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


def hash_token(token: str) -> str:
    """SHA-256 (hex) of a session token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(
    *,
    db: Session,
    user_id: int | None,
    data: dict[str, Any],
    lifetimes: Lifetimes,
    user_agent: str = "",
    ip: str = "",
) -> tuple[str, WebSession]:
    """A new session; returns ``(token for the cookie, row)``. Prunes dead sessions first."""
    now = utcnow()
    prune_sessions(db=db, lifetimes=lifetimes, now=now)
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=hash_token(token),
        user_id=user_id,
        data=dict(data),
        opened_at=now,
        last_seen_at=now,
        expires_at=now + lifetimes.absolute,
        user_agent=user_agent[:200],
        ip=ip[:64],
    )
    db.add(row)
    db.flush()
    return token, row


def find_session(
    *, db: Session, token: str, lifetimes: Lifetimes, now: datetime | None = None
) -> WebSession | None:
    """The live session of ``token`` (not revoked, not expired, not idle), or None."""
    if not token or len(token) > 128:
        return None
    row = db.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    now = now or utcnow()
    if row is None or not is_live(row, lifetimes=lifetimes, now=now):
        return None
    return row


def is_live(row: WebSession, *, lifetimes: Lifetimes, now: datetime) -> bool:
    """Not revoked, before its absolute expiry and within the idle timeout."""
    return (
        row.revoked_at is None and now < row.expires_at and now - row.last_seen_at < lifetimes.idle
    )


def touch_session(*, db: Session, row: WebSession, now: datetime | None = None) -> bool:
    """Record activity (at most every :data:`TOUCH_EVERY`); True if written."""
    now = now or utcnow()
    if now - row.last_seen_at < TOUCH_EVERY:
        return False
    row.last_seen_at = now
    db.flush()
    return True


def revoke_session(*, db: Session, session_id: int, user_id: int | None = None) -> bool:
    """Revoke one session (only the user's own when ``user_id`` is given); True if revoked."""
    stmt = update(WebSession).where(WebSession.id == session_id, WebSession.revoked_at.is_(None))
    if user_id is not None:
        stmt = stmt.where(WebSession.user_id == user_id)
    result = db.execute(stmt.values(revoked_at=utcnow()))
    return bool(getattr(result, "rowcount", 0))


def revoke_user_sessions(*, db: Session, user_id: int, keep_session_id: int | None = None) -> int:
    """Revoke every session of a user (except ``keep_session_id``); returns how many."""
    stmt = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    if keep_session_id is not None:
        stmt = stmt.where(WebSession.id != keep_session_id)
    result = db.execute(stmt.values(revoked_at=utcnow()))
    return int(getattr(result, "rowcount", 0))


def active_sessions(
    *, db: Session, user_id: int, lifetimes: Lifetimes, now: datetime | None = None
) -> Sequence[WebSession]:
    """The user's live sessions, most recently used first."""
    now = now or utcnow()
    rows = db.scalars(
        select(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc())
    ).all()
    return [r for r in rows if is_live(r, lifetimes=lifetimes, now=now)]


def prune_sessions(*, db: Session, lifetimes: Lifetimes, now: datetime | None = None) -> int:
    """Delete sessions dead for more than a day (revoked, expired or idle); returns how many.

    A day's grace keeps recent revocations visible; anonymous (pre-login) sessions go as soon
    as they are idle. The table stays bounded by the sessions opened within one absolute
    lifetime plus a day.
    """
    now = now or utcnow()
    grace = timedelta(days=1)
    result = db.execute(
        delete(WebSession).where(
            or_(
                WebSession.expires_at < now - grace,
                WebSession.last_seen_at < now - lifetimes.idle - grace,
                WebSession.revoked_at < now - grace,
                and_(WebSession.user_id.is_(None), WebSession.last_seen_at < now - lifetimes.idle),
            )
        )
    )
    return int(getattr(result, "rowcount", 0))


__all__ = [
    "Lifetimes",
    "active_sessions",
    "find_session",
    "hash_token",
    "is_live",
    "open_session",
    "prune_sessions",
    "revoke_session",
    "revoke_user_sessions",
    "touch_session",
]
