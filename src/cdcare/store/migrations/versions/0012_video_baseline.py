"""video baseline: the neutral reference chosen at upload (none, a segment of the clip, or an
earlier analysis of the same patient) and the clinician's "neutral reference" mark

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("video_analysis", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reference_kind", sa.String(length=16), server_default="none", nullable=False)
        )
        batch_op.add_column(sa.Column("neutral_start_s", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("neutral_end_s", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("reference_analysis_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "is_neutral_reference", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_video_analysis_reference_analysis_id_video_analysis"),
            "video_analysis",
            ["reference_analysis_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("video_analysis", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_video_analysis_reference_analysis_id_video_analysis"),
            type_="foreignkey",
        )
        batch_op.drop_column("is_neutral_reference")
        batch_op.drop_column("reference_analysis_id")
        batch_op.drop_column("neutral_end_s")
        batch_op.drop_column("neutral_start_s")
        batch_op.drop_column("reference_kind")
