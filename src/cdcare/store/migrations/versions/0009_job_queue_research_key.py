"""job queue columns on video_analysis; research_key

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-03 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("video_analysis", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("lang", sa.String(length=8), server_default="en", nullable=False)
        )
    op.create_table(
        "research_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.String(length=32), nullable=False),
        sa.Column("date_offset_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_research_key_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research_key")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_research_key_patient_id")),
        sa.UniqueConstraint("study_id", name=op.f("uq_research_key_study_id")),
    )


def downgrade() -> None:
    op.drop_table("research_key")
    with op.batch_alter_table("video_analysis", schema=None) as batch_op:
        batch_op.drop_column("lang")
        batch_op.drop_column("attempts")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("claimed_by")
