"""Alembic migrations, driven from code (no alembic.ini needed).

``upgrade(engine)`` brings a database to the newest schema; ``current_revision`` and
``head_revision`` tell where a database and the code stand.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None, media_keys: str | None = None) -> Config:
    """An Alembic config for our migrations; ``engine`` is handed to env.py directly.

    ``media_keys``: the ``CDCARE_MEDIA_KEYS`` text for migrations that encrypt data (0011);
    None: read from the environment's settings.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    if media_keys is not None:
        cfg.attributes["media_keys"] = media_keys
    return cfg


def upgrade(engine: Engine, revision: str = "head", *, media_keys: str | None = None) -> None:
    """Apply migrations up to ``revision`` (default: newest)."""
    command.upgrade(alembic_config(engine, media_keys), revision)


def downgrade(engine: Engine, revision: str, *, media_keys: str | None = None) -> None:
    """Undo migrations down to ``revision``."""
    command.downgrade(alembic_config(engine, media_keys), revision)


def head_revision() -> str:
    """The newest migration revision known to this code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("the migration scripts define no head revision")
    return head


def known_revisions() -> set[str]:
    """Every migration revision this code knows."""
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at, or None if it has never been migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
