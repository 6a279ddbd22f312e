"""Recorded reviews of the access log: who reviewed which period of their centre, and when.

The review counts the centre's events of the period (local days, both included) and records
whether the chain verified at that moment, so a later auditor sees what the reviewer saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdcare.care.access import Action, authorize
from cdcare.care.audit import verify_chain
from cdcare.clock import centre_zone, today_or
from cdcare.errors import N_, InputError
from cdcare.store.audit_models import AuditReview
from cdcare.store.models import AuditEvent, User


def record_review(
    *,
    db: Session,
    reviewer: User,
    period_from: date,
    period_to: date,
    note: str = "",
    timezone: str | None = None,
    today: date | None = None,
) -> AuditReview:
    """Record that ``reviewer`` reviewed ``period_from``..``period_to`` of their centre."""
    authorize(reviewer, Action.AUDIT_VIEW)
    zone = centre_zone(timezone)
    today = today_or(today, zone)
    if period_to < period_from:
        raise InputError(N_("The review period ends before it starts"))
    if period_to > today:
        raise InputError(N_("The review period may not end in the future"))
    start = datetime.combine(period_from, time(), zone).astimezone(UTC)
    end = datetime.combine(period_to + timedelta(days=1), time(), zone).astimezone(UTC)
    events = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.centre_id == reviewer.centre_id,
            AuditEvent.at >= start,
            AuditEvent.at < end,
        )
    )
    row = AuditReview(
        centre_id=reviewer.centre_id,
        reviewer_id=reviewer.id,
        reviewer=reviewer.username,
        period_from=period_from,
        period_to=period_to,
        events=int(events or 0),
        chain_intact=not verify_chain(db=db),
        note=note.strip()[:2000],
    )
    db.add(row)
    db.flush()
    return row


def reviews(*, db: Session, centre_id: int, limit: int = 24) -> Sequence[AuditReview]:
    """The centre's recorded reviews, newest first."""
    q = select(AuditReview).where(AuditReview.centre_id == centre_id)
    return db.scalars(q.order_by(AuditReview.id.desc()).limit(limit)).all()
