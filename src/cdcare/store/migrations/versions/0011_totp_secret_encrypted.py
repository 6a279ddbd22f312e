"""TOTP secrets encrypted at rest under the media keys

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-03 17:05:00

``user_totp.secret`` grows to 200 characters and every secret still in clear is encrypted
(:func:`cdcare.care.totp.seal`, AES-256-GCM under the first ``CDCARE_MEDIA_KEYS`` key, bound to
its user). Without keys the secrets stay as they are (demo mode; ``cdcare media rotate``
encrypts them once keys are set). The downgrade decrypts them (the keys must be set) and
shrinks the column back.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from cdcare.care.totp import seal, unseal
from cdcare.config import Settings
from cdcare.store.crypto import MediaKeys, is_sealed, parse_keys

revision: str = "0011"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _keys() -> MediaKeys | None:
    text = context.config.attributes.get("media_keys")
    return parse_keys(Settings().media_keys if text is None else text)


def _rewrite(encrypt: bool) -> None:
    keys = _keys()
    if keys is None:
        return
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT user_id, secret FROM user_totp")).all()
    for user_id, stored in rows:
        if encrypt == is_sealed(stored):
            continue
        new = (
            seal(stored, user_id=user_id, keys=keys)
            if encrypt
            else unseal(stored, user_id=user_id, keys=keys)
        )
        conn.execute(
            sa.text("UPDATE user_totp SET secret = :s WHERE user_id = :u"),
            {"s": new, "u": user_id},
        )


def upgrade() -> None:
    with op.batch_alter_table("user_totp", schema=None) as batch_op:
        batch_op.alter_column(
            "secret", existing_type=sa.String(length=64), type_=sa.String(length=200)
        )
    _rewrite(encrypt=True)


def downgrade() -> None:
    _rewrite(encrypt=False)
    stored = op.get_bind().execute(sa.text("SELECT secret FROM user_totp")).scalars().all()
    if any(is_sealed(s) for s in stored):
        raise RuntimeError("TOTP secrets are encrypted: set CDCARE_MEDIA_KEYS to downgrade")
    with op.batch_alter_table("user_totp", schema=None) as batch_op:
        batch_op.alter_column(
            "secret", existing_type=sa.String(length=200), type_=sa.String(length=64)
        )
