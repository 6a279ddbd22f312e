"""centre keeps raw video

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 19:35:36.839074
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("keep_raw_video", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.drop_column("keep_raw_video")
