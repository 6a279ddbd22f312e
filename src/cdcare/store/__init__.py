"""Persistence: SQLAlchemy 2 models, engine/session helpers, Alembic migrations, backup."""

from cdcare.store.db import make_engine, session_factory, session_scope

__all__ = ["make_engine", "session_factory", "session_scope"]
