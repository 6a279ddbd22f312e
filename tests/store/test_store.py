"""Store: migrations, constraints, UTC timestamps, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError

from cdcare.store.db import session_scope
from cdcare.store.migrate import current_revision, head_revision
from cdcare.store.models import Centre, Patient, Role, ScaleAssessment, Sex, User, Visit


def _centre(engine: Engine, code: str = "C1") -> int:
    with session_scope(engine) as s:
        c = Centre(code=code, name=f"Centre {code}")
        s.add(c)
        s.flush()
        return c.id


def test_migrations_reach_head_and_create_tables(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"centre", "user_account", "patient", "visit", "scale_assessment"} <= tables


def test_record_number_unique_per_centre_only(engine: Engine) -> None:
    c1, c2 = _centre(engine, "A"), _centre(engine, "B")
    with session_scope(engine) as s:
        s.add(Patient(centre_id=c1, record_number="P-1", birth_year=1970, sex=Sex.FEMALE))
        s.add(Patient(centre_id=c2, record_number="P-1", birth_year=1971, sex=Sex.MALE))
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(Patient(centre_id=c1, record_number="P-1", birth_year=1980, sex=Sex.MALE))
    with session_scope(engine) as s:
        assert s.scalar(select(Patient).where(Patient.birth_year == 1980)) is None


def test_foreign_keys_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(Patient(centre_id=999, record_number="X", birth_year=1970, sex=Sex.FEMALE))


def test_timestamps_round_trip_as_aware_utc(engine: Engine) -> None:
    cid = _centre(engine)
    seoul = timezone(timedelta(hours=9))
    when = datetime(2026, 3, 1, 9, 30, tzinfo=seoul)
    with session_scope(engine) as s:
        p = Patient(centre_id=cid, record_number="P-2", birth_year=1965, sex=Sex.OTHER)
        u = User(centre_id=cid, username="dr", display_name="Dr", role=Role.PHYSICIAN)
        s.add_all([p, u])
        s.flush()
        v = Visit(patient_id=p.id, visit_date=date(2026, 3, 1), clinician_id=u.id)
        s.add(v)
        s.flush()
        s.add(
            ScaleAssessment(
                patient_id=p.id,
                visit_id=v.id,
                instrument="phq9",
                instrument_version="1",
                answers={"q1": 1},
                subscores={},
                total=1.0,
                band="minimal",
                assessed_by_id=u.id,
                assessed_at=when,
            )
        )
    with session_scope(engine) as s:
        a = s.scalars(select(ScaleAssessment)).one()
        assert a.assessed_at.tzinfo is not None
        assert a.assessed_at == when
        assert a.assessed_at.astimezone(UTC).hour == 0  # 09:30 KST = 00:30 UTC
        assert a.answers == {"q1": 1}
        assert s.get(User, u.id).role is Role.PHYSICIAN  # type: ignore[union-attr]


def test_naive_datetime_refused(engine: Engine) -> None:
    cid = _centre(engine)
    with pytest.raises(Exception, match="naive datetime"), session_scope(engine) as s:
        s.add(Centre(code="N", name="n", created_at=datetime(2026, 1, 1)))
        s.flush()
    with session_scope(engine) as s:
        assert [c.id for c in s.scalars(select(Centre))] == [cid]


def test_migrations_match_the_models(engine: Engine) -> None:
    """No drift: autogenerate against the migrated database finds nothing to change."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from cdcare.store.models import Base

    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
