"""Alembic environment: uses the engine passed in ``config.attributes['engine']``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from cdcare.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):  # e.g. `alembic revision --autogenerate` by a developer
    from cdcare.config import Settings
    from cdcare.store.db import make_engine

    engine = make_engine(Settings().effective_database_url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
