"""Server-side web sessions and the shared login-throttle table.

- :class:`WebSession`: one row per browser session. The cookie carries only a random 256-bit
  token; the row keeps its SHA-256 (a stolen database does not yield usable cookies), the user
  (None before login), the session's small data (CSRF token), when it was opened, last seen,
  when it expires at the latest, the client's user agent and address, and when it was revoked.
- :class:`UserTotp`: a staff account's confirmed TOTP secret (RFC 6238) and the last time
  step used, so a code is accepted once only.
- :class:`LoginFailure`: one row per failed login per key (``user:NAME`` / ``ip:ADDR``); rows
  older than the throttle window are pruned, so the table stays bounded.

Time columns are deliberately not named ``created_at``/``at``: they are bookkeeping, not
clinical writes, and must not move the backup watermark (:mod:`cdcare.store.backup`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cdcare.store.models import Base
from cdcare.store.types import utcnow


class WebSession(Base):
    """A login session of the web app (revocable, idle timeout and absolute lifetime)."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), index=True, default=None
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class LoginFailure(Base):
    """One failed login attempt for one throttle key."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class UserTotp(Base):
    """A confirmed TOTP second factor of one user (secret encrypted under the media keys,
    :func:`cdcare.care.totp.seal`; last accepted time step)."""

    __tablename__ = "user_totp"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(200))
    enabled_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_step: Mapped[int] = mapped_column(Integer, default=0)


__all__ = ["LoginFailure", "UserTotp", "WebSession"]
