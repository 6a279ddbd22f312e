"""The clinic's day: password-reset links, handled worklist rows, reminder contacts and outbox.

Same conventions as :mod:`cdcare.store.models`: UTC-aware ``datetime`` columns, local
(centre zone) calendar dates. Nothing secret is stored in clear: a reset link's token is kept as
its SHA-256 hex digest only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, Text, UniqueConstraint, false
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


class VisitPlan(Base):
    """The injection plan of one visit, kept as a draft until recorded.

    ``plan`` = ``{"product", "injections": [{"muscle", "side", "dose"}], "patterns", "naive"}``
    (doses in the product's units); ``lot``, ``dilution_u_per_ml`` (product units per mL),
    ``guidance`` and ``override_reason`` are kept with it so a dose edit loses none of them.
    ``injection_session_id`` is set once recorded; the plan is then frozen.
    """

    __tablename__ = "visit_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), unique=True)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    lot: Mapped[str] = mapped_column(String(64), default="")
    dilution_u_per_ml: Mapped[float | None] = mapped_column(Float, default=None)
    guidance: Mapped[str] = mapped_column(String(20), default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    injection_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("injection_session.id"), default=None
    )
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VisitNote(Base):
    """A visit note; once signed it is frozen (Medical Service Act Art. 22: keep the original).

    ``content`` is the signed snapshot (note text and what the visit records: scales, plan,
    injection session) and ``content_hash`` its SHA-256 over canonical JSON. A later change is a
    new row whose ``supersedes_id`` points at the signed note it amends; the original stays.
    """

    __tablename__ = "visit_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("visit_note.id"), default=None)
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "OutboxMessage",
    "PasswordReset",
    "ReminderContact",
    "VisitNote",
    "VisitPlan",
    "WorklistHandled",
]
