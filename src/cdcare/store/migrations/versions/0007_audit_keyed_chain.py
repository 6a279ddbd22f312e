"""access log: per-row chain algorithm (keyed HMAC chain), TRUNCATE refused on PostgreSQL,
recorded reviews of the log

Revision ID: 0007
Revises: 0010
Create Date: 2026-12-03 07:25:00

Existing rows keep their unkeyed SHA-256 hashes and are marked ``sha256`` so they stay
verifiable; new rows are written ``hmac-sha256`` (care/audit.py). PostgreSQL row triggers do not
fire on TRUNCATE, so a statement trigger refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_TRUNCATE_POSTGRES = """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
   FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"""


def upgrade() -> None:
    # plain ADD COLUMN (no batch table copy, which would drop the append-only triggers)
    op.add_column(
        "audit_event",
        sa.Column("algo", sa.String(length=16), nullable=False, server_default="sha256"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NO_TRUNCATE_POSTGRES)
    op.create_table(
        "audit_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=80), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("chain_intact", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_audit_review_centre_id_centre")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user_account.id"],
            name=op.f("fk_audit_review_reviewer_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_review")),
    )
    with op.batch_alter_table("audit_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_review_centre_id"), ["centre_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_review_centre_id"))
    op.drop_table("audit_review")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.drop_column("audit_event", "algo")
    else:  # SQLite cannot drop a column of a table with triggers without a copy
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        with op.batch_alter_table("audit_event") as batch_op:
            batch_op.drop_column("algo")
        op.execute(
            """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
               BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
        )
        op.execute(
            """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
               BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
        )
