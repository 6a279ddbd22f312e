"""The monthly review of the access log (PIPA safeguards: review access records regularly).

:class:`AuditReview`: who reviewed which period of their centre's access log, when, how many
events the period held, whether the chain verified at that moment, and their note.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cdcare.store.models import Base
from cdcare.store.types import utcnow


class AuditReview(Base):
    """One recorded review of a period (local days ``period_from``..``period_to``, inclusive)."""

    __tablename__ = "audit_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reviewer: Mapped[str] = mapped_column(String(80))
    period_from: Mapped[date]
    period_to: Mapped[date]
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    events: Mapped[int] = mapped_column(Integer, default=0)
    chain_intact: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text, default="")
