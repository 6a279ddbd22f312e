"""clinic day: password-reset links, handled worklist rows, reminder contacts and outbox;
appointments get their centre and slot (one appointment per centre slot); visit plan drafts
and signed visit notes

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 06:18:27.257853
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_outbox_message_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_message_dedupe_key")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_message_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "reminder_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("opt_out", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_reminder_contact_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_contact")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_reminder_contact_patient_id")),
    )
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["user_account.id"],
            name=op.f("fk_password_reset_issued_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_password_reset_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_hash")),
    )
    with op.batch_alter_table("password_reset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_reset_user_id"), ["user_id"], unique=False)

    op.create_table(
        "worklist_handled",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handled_by_id"],
            ["user_account.id"],
            name=op.f("fk_worklist_handled_handled_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_worklist_handled_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worklist_handled")),
        sa.UniqueConstraint(
            "patient_id", "reason", "key", name=op.f("uq_worklist_handled_patient_id")
        ),
    )
    with op.batch_alter_table("worklist_handled", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_worklist_handled_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "visit_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_visit_note_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["user_account.id"],
            name=op.f("fk_visit_note_signed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["visit_note.id"],
            name=op.f("fk_visit_note_supersedes_id_visit_note"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit.id"], name=op.f("fk_visit_note_visit_id_visit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_note")),
    )
    with op.batch_alter_table("visit_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_note_visit_id"), ["visit_id"], unique=False)
    op.create_table(
        "visit_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("lot", sa.String(length=64), nullable=False),
        sa.Column("dilution_u_per_ml", sa.Float(), nullable=True),
        sa.Column("guidance", sa.String(length=20), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("injection_session_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["injection_session_id"],
            ["injection_session.id"],
            name=op.f("fk_visit_plan_injection_session_id_injection_session"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_visit_plan_updated_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit.id"], name=op.f("fk_visit_plan_visit_id_visit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_plan")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_visit_plan_visit_id")),
    )
    _upgrade_appointment()


def _slot(value: datetime, minutes: int = 15) -> datetime:
    value = value.replace(second=0, microsecond=0)
    return value - timedelta(minutes=value.minute % minutes)


def _appointment_slots() -> None:
    """Backfill centre and slot; a later duplicate of an already held slot keeps no slot."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT a.id, p.centre_id, a.starts_at, a.cancelled_at FROM appointment a "
            "JOIN patient p ON p.id = a.patient_id ORDER BY a.id"
        )
    ).all()
    held: set[tuple[int, str]] = set()
    for aid, centre_id, starts_at, cancelled_at in rows:
        if isinstance(starts_at, str):
            starts_at = datetime.fromisoformat(starts_at)
        slot = None if cancelled_at is not None else _slot(starts_at)
        if slot is not None and (centre_id, slot.isoformat()) in held:
            slot = None
        if slot is not None:
            held.add((centre_id, slot.isoformat()))
        update = sa.text(
            "UPDATE appointment SET centre_id = :c, slot_start = :s WHERE id = :i"
        ).bindparams(sa.bindparam("s", type_=sa.DateTime(timezone=True)))
        conn.execute(update, {"c": centre_id, "s": slot, "i": aid})


def _upgrade_appointment() -> None:
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centre_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("slot_start", sa.DateTime(timezone=True), nullable=True))
    _appointment_slots()
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.alter_column("centre_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_appointment_centre_id"), ["centre_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appointment_centre_id_centre"), "centre", ["centre_id"], ["id"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_appointment_centre_id"), ["centre_id", "slot_start"]
        )


def downgrade() -> None:
    op.drop_table("visit_plan")
    with op.batch_alter_table("visit_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_note_visit_id"))
    op.drop_table("visit_note")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_appointment_centre_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_appointment_centre_id_centre"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_appointment_centre_id"))
        batch_op.drop_column("slot_start")
        batch_op.drop_column("centre_id")

    with op.batch_alter_table("worklist_handled", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worklist_handled_patient_id"))

    op.drop_table("worklist_handled")
    with op.batch_alter_table("password_reset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_user_id"))

    op.drop_table("password_reset")
    op.drop_table("reminder_contact")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_patient_id"))

    op.drop_table("outbox_message")
