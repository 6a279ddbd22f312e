"""The clinic's day: password-reset links, handled worklist rows, reminder contacts and outbox.

Same conventions as :mod:`cdcare.store.models`: UTC-aware ``datetime`` columns, local
(Asia/Seoul) calendar dates. Nothing secret is stored in clear: a reset link's token is kept as
its SHA-256 hex digest only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from cdcare.store.models import Base
from cdcare.store.types import utcnow


class PasswordReset(Base):
    """A one-time password-reset link issued by an admin.

    ``token_hash`` = SHA-256 hex of the token in the link; the link works until ``expires_at``
    and only once (``used_at`` set on use, or when a newer link replaces it).
    """

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class WorklistHandled(Base):
    """A worklist row marked handled: ``reason`` code and ``key`` (what the row was about,
    e.g. the date it refers to) identify the row; a new occurrence has a new key and shows again.
    """

    __tablename__ = "worklist_handled"
    __table_args__ = (UniqueConstraint("patient_id", "reason", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    handled_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderContact(Base):
    """How a patient wants reminders: e-mail address (empty = portal only) and opt-out."""

    __tablename__ = "reminder_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxMessage(Base):
    """A reminder generated for a patient, in the patient's language.

    ``dedupe_key`` (unique) names the occasion (kind + date or appointment), so generating twice
    creates nothing twice. ``status``: pending → sent / failed / skipped (opted out or no
    address); ``attempts`` counts send tries; ``sent_at`` is when the sender accepted it.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    lang: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    channel: Mapped[str] = mapped_column(String(16), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


__all__ = ["OutboxMessage", "PasswordReset", "ReminderContact", "WorklistHandled"]
