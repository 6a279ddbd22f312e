"""PostgreSQL roles: the migration owner and the application role.

The owner role (the one ``cdcare db upgrade`` connects as) owns every table, the access-log
triggers and the schema. The application role (the web app and workers) may read and write the
clinical tables but owns nothing: it cannot drop or disable a trigger, alter or truncate a
table, and on ``audit_event`` it may only SELECT and INSERT. So a compromised app cannot erase
or rewrite the access log even before the triggers and the keyed chain are considered.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a plain PostgreSQL identifier: {name!r}")
    return name


def app_role_sql(*, role: str, database: str, owner: str) -> list[str]:
    """Statements (run as ``owner`` or a superuser) that create and grant the app role.

    The role gets no password here: set one with ``ALTER ROLE ... PASSWORD`` (or use peer /
    certificate authentication). ``ALTER DEFAULT PRIVILEGES`` covers tables later migrations
    create, so only the audit table's narrower rights need re-stating after an upgrade.
    """
    r, d, o = _ident(role), _ident(database), _ident(owner)
    return [
        f"CREATE ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT",
        f"REVOKE ALL ON DATABASE {d} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {d} TO {r}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event FROM {r}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
