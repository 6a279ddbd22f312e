"""Login throttling and CSRF tokens.

- Throttle: at most ``MAX_FAILURES`` failed logins per username and per client address within
  ``WINDOW`` seconds; further attempts are refused (HTTP 429) until the window passes. Failures
  are rows of the ``login_failure`` table, so every worker process shares the count; rows older
  than the window are deleted on each new failure (the table stays bounded), and a key never
  holds more than ``MAX_FAILURES`` rows (attempts past the limit are refused before counting).
- CSRF: one random token per session, required as form field ``csrf_token`` (or header
  ``X-CSRF-Token``) on every state-changing request.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from cdcare.store.security_models import LoginFailure
from cdcare.store.types import utcnow

MAX_FAILURES = 5
WINDOW = 15 * 60.0  # seconds


class LoginThrottle:
    """Counts recent failures per key (``user:NAME``, ``ip:ADDR``) in the database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW,
    ) -> None:
        self.sessions = sessions
        self.max_failures = max_failures
        self.window = timedelta(seconds=window)

    def blocked(self, *keys: str) -> bool:
        """True if any key has reached the failure limit within the window."""
        since = utcnow() - self.window
        with self.sessions() as db:
            for key in keys:
                count = db.scalar(
                    select(func.count())
                    .select_from(LoginFailure)
                    .where(LoginFailure.key == key[:200], LoginFailure.failed_at > since)
                )
                if (count or 0) >= self.max_failures:
                    return True
        return False

    def fail(self, *keys: str) -> None:
        """Record one failure for each key; forget failures older than the window."""
        now = utcnow()
        with self.sessions() as db:
            db.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - self.window))
            db.add_all(LoginFailure(key=k[:200], failed_at=now) for k in keys)
            db.commit()

    def reset(self, *keys: str) -> None:
        """Forget failures (after a successful login)."""
        with self.sessions() as db:
            db.execute(delete(LoginFailure).where(LoginFailure.key.in_([k[:200] for k in keys])))
            db.commit()


def new_csrf_token() -> str:
    """A fresh random token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; missing tokens never match."""
    return bool(expected) and bool(given) and secrets.compare_digest(str(expected), str(given))
