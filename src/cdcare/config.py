"""Settings from environment variables ``CDCARE_*`` (pydantic-settings).

Nothing is read at import time: call :func:`get_settings` (cached) or build ``Settings()``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from cdcare.clock import DEFAULT_ZONE


class Settings(BaseSettings):
    """Runtime settings.

    - ``data_dir``: where the SQLite file, backups and media live (``CDCARE_DATA_DIR``).
    - ``database_url``: SQLAlchemy URL; empty means SQLite at ``data_dir/cdcare.sqlite3``.
      A PostgreSQL install sets e.g. ``postgresql+psycopg://user:pw@host/cdcare``.
    - ``lang``: default language of messages, 'en' or 'ko' (``CDCARE_LANG``).
    - ``timezone``: zone used to show times (storage is always UTC).
    - ``secret_key``: required outside demo mode (web sessions, CSRF).
    - ``demo``: demo mode (synthetic data, development secret allowed, demo logins).
    - ``cookie_secure``: send the session cookie only over HTTPS (default: on, off in demo
      mode, which serves plain http://127.0.0.1).
    - ``keep_raw_video``: keep uploaded videos after analysis (default off: only the landmark
      and angle series are kept).
    - ``session_idle_minutes`` / ``session_max_hours``: a web session ends after this long
      without a request (default 30 min) and at the latest this long after login (12 h).
    - ``max_upload_mb``: largest accepted video upload (default 500 MB).
    - ``centre_quota_mb``: storage for one centre's kept uploads (default 20480 MB = 20 GB).
    - ``media_keys``: comma-separated AES-256 keys (url-safe base64 of 32 bytes) for videos and
      backups at rest; the first encrypts, all decrypt (rotation, docs/security.md). Empty:
      files are written in clear (demo mode).
    - ``audit_key``: key (≥ 32 characters) of the access-log HMAC chain; empty: the key file
      ``data_dir/audit.key`` (created on first use, mode 0600). Keep it outside the database.
    - ``db_pool_size`` / ``db_max_overflow`` / ``db_pool_timeout``: the connection pool of each
      server process (default 10 + 30 = 40 connections, the size of the web thread pool, so a
      busy process never waits for a connection; a wait longer than 30 s is an error). On
      PostgreSQL ``max_connections`` must cover workers × (size + overflow) plus the CLI.
    - ``sqlite_busy_timeout``: seconds a SQLite writer waits for the write lock before
      "database is locked" (default 30).
    """

    model_config = SettingsConfigDict(env_prefix="CDCARE_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    lang: str = "en"
    timezone: str = DEFAULT_ZONE
    secret_key: str = ""
    demo: bool = False
    cookie_secure: bool | None = None
    keep_raw_video: bool = False
    session_idle_minutes: float = 30.0
    session_max_hours: float = 12.0
    max_upload_mb: int = 500
    centre_quota_mb: int = 20480
    media_keys: str = ""
    audit_key: str = ""
    db_pool_size: int = 10
    db_max_overflow: int = 30
    db_pool_timeout: float = 30.0
    sqlite_busy_timeout: float = 30.0

    @property
    def effective_database_url(self) -> str:
        """The database URL in use: explicit, or the default SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cdcare.sqlite3').resolve()}"

    @property
    def engine_options(self) -> dict[str, Any]:
        """Pool and lock-wait options for :func:`cdcare.store.db.make_engine`."""
        return {
            "pool_size": self.db_pool_size,
            "max_overflow": self.db_max_overflow,
            "pool_timeout": self.db_pool_timeout,
            "busy_timeout": self.sqlite_busy_timeout,
        }


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment on first call."""
    return Settings()


__all__ = ["Settings", "get_settings"]
