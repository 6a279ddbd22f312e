"""Engine and session helpers. No global engine: callers create one and pass sessions on.

SQLite connections get ``journal_mode=WAL`` (readers do not block the writer, online backup
works while the app runs), ``foreign_keys=ON`` and a ``busy_timeout`` (how long a writer waits
for the write lock). PostgreSQL is used as is. A file database (SQLite or PostgreSQL) gets a
connection pool sized by the settings (:attr:`cdcare.config.Settings.engine_options`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def is_sqlite(url: str) -> bool:
    """True when the SQLAlchemy URL names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory or other backends."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _sqlite_pragmas(busy_ms: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={busy_ms:d}")
        cur.close()

    return on_connect


def make_engine(
    url: str,
    *,
    pool_size: int | None = None,
    max_overflow: int | None = None,
    pool_timeout: float | None = None,
    busy_timeout: float = 30.0,
    **kwargs: Any,
) -> Engine:
    """Create an engine for ``url``; creates the SQLite file's folder if needed.

    ``pool_size``, ``max_overflow``, ``pool_timeout`` (seconds): the queue pool of a file
    database (None: SQLAlchemy's 5, 10 and 30 s; an in-memory SQLite has no such pool).
    ``busy_timeout`` (seconds): SQLite's wait for the write lock.
    """
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if not is_sqlite(url) or path is not None:
        pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
        kwargs.update({k: v for k, v in pool.items() if v is not None})
    engine = create_engine(url, future=True, **kwargs)
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas(round(busy_timeout * 1000)))
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (nothing half-saved)."""
    with session_factory(engine)() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
