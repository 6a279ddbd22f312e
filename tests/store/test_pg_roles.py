"""PostgreSQL: TRUNCATE of the access log is refused, and the documented app role can log but
can neither rewrite, truncate nor disarm the access log (docs/security.md, store/roles.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError

from cdcare.care.audit import log_event, verify_chain
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import AuditEvent
from cdcare.store.roles import app_role_sql


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    eng = make_engine(pg_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def test_truncate_is_refused(pg_engine: Engine) -> None:
    with session_scope(pg_engine) as s:
        log_event(db=s, action="login_failed", username="x", ip="10.0.0.1")
    with pytest.raises(DBAPIError, match="append-only"), pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_event"))
    with session_scope(pg_engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 1


@pytest.fixture
def app_engine(pg_engine: Engine, pg_url: str) -> Iterator[Engine]:
    role = f"cdcare_app_{uuid.uuid4().hex[:8]}"
    url = make_url(pg_url)
    with pg_engine.begin() as conn:
        for statement in app_role_sql(role=role, database=str(url.database), owner="cdcare"):
            conn.execute(text(statement))
    eng = create_engine(url.set(username=role))
    yield eng
    eng.dispose()
    with pg_engine.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE {role}"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET patient_id = 9",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change",
        "DROP TRIGGER audit_event_no_change ON audit_event",
        "CREATE TABLE evil (id int)",
        "UPDATE alembic_version SET version_num = '0001'",
    ],
)
def test_app_role_cannot_touch_the_log(app_engine: Engine, statement: str) -> None:
    with session_scope(app_engine) as s:
        log_event(db=s, action="view", username="app", patient_id=1)  # it may append
    refused = pytest.raises(ProgrammingError, match=r"permission denied|must be owner")
    with refused, app_engine.begin() as conn:
        conn.execute(text(statement))
    with session_scope(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 1
        assert verify_chain(db=s) == []
