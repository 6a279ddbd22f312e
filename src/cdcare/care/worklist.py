"""The centre worklist: who needs a call, a booking or a review today, and why.

Each reason is a small pure function over plain data (dates, numbers) with its threshold from
``care/data/worklist.json`` (value, unit, source or LOCAL convention), in
:mod:`cdcare.care.worklist_rules`; :func:`build_worklist` loads a centre's records and applies
them. A row is identified by (patient, reason, key): the key names the occurrence (e.g. the date
the window opens), so marking a row handled hides that occurrence only, and the next one shows
again.

Dates are local (centre zone) calendar dates; "days" are calendar days; comparisons are stated
in each docstring so the boundary dates are unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdcare.care._checks import today_or
from cdcare.care.access import CLINICIAN_RATED
from cdcare.care.followup import followup_summary
from cdcare.care.videos import twstrs_prefill
from cdcare.care.worklist_rules import (
    REASONS,
    Hit,
    Threshold,
    mood_rising_hit,
    non_response_hit,
    phq9_item9_hit,
    silent_hit,
    thresholds,
    video_review_hits,
    wearing_off_hit,
    window_hit,
)
from cdcare.clock import local_date
from cdcare.errors import N_, Conflict, InputError, NotFound
from cdcare.store.care_models import Appointment, DiaryEntry, InjectionSession
from cdcare.store.clinic_models import WorklistHandled
from cdcare.store.models import Patient, Role, ScaleAssessment, User
from cdcare.store.video_models import JobStatus, VideoAnalysis

__all__ = [
    "REASONS",
    "SORTS",
    "Hit",
    "Row",
    "Threshold",
    "Worklist",
    "build_worklist",
    "mark_handled",
    "mood_rising_hit",
    "non_response_hit",
    "patient_hits",
    "phq9_item9_hit",
    "silent_hit",
    "thresholds",
    "video_review_hits",
    "wearing_off_hit",
    "window_hit",
]


@dataclass(frozen=True)
class Row:
    """One worklist row."""

    patient_id: int
    record_number: str
    hit: Hit
    handled: bool = False


@dataclass(frozen=True)
class Worklist:
    """Rows (filtered, sorted) and counts per reason over all open rows."""

    today: date
    lookahead_weeks: int
    rows: tuple[Row, ...]
    counts: dict[str, int] = field(default_factory=dict)


def patient_hits(
    *, db: Session, patient: Patient, today: date, lookahead_weeks: int, now: datetime
) -> list[Hit]:
    """Every reason that applies to one patient today."""
    hits: list[Hit | None] = []
    last_inj = db.scalar(
        select(func.max(InjectionSession.injected_on)).where(
            InjectionSession.patient_id == patient.id
        )
    )
    booked = db.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.patient_id == patient.id,
            Appointment.kind == "injection",
            Appointment.cancelled_at.is_(None),
            Appointment.starts_at > now,
        )
    )
    hits.append(window_hit(last_inj, today, lookahead_weeks=lookahead_weeks, booked=bool(booked)))
    if last_inj is not None:
        summary = followup_summary(db=db, patient_id=patient.id, today=today)
        hits.append(wearing_off_hit(summary.diary_cycles))
        flags = [(f.code, f.status, f.cycles) for f in summary.flags]
        hits.append(non_response_hit(flags, last_inj))
    rows = db.scalars(
        select(ScaleAssessment)
        .where(ScaleAssessment.patient_id == patient.id)
        .order_by(ScaleAssessment.assessed_at, ScaleAssessment.id)
    ).all()
    replaced = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    current = [r for r in rows if r.id not in replaced]
    series: dict[str, list[tuple[int, date, float]]] = {}
    for r in current:
        if r.instrument in ("phq9", "gad7") and r.total is not None:
            series.setdefault(r.instrument, []).append((r.id, local_date(r.assessed_at), r.total))
    phq = [r for r in current if r.instrument == "phq9"]
    if phq:
        item9 = phq[-1].answers.get("q9")
        hits.append(
            phq9_item9_hit(
                (
                    phq[-1].id,
                    local_date(phq[-1].assessed_at),
                    item9 if isinstance(item9, int) else None,
                )
            )
        )
    hits.append(mood_rising_hit(series))
    account = db.scalar(
        select(User).where(
            User.patient_id == patient.id, User.role == Role.PATIENT, User.active.is_(True)
        )
    )
    if account is not None:
        last_diary = db.scalar(
            select(func.max(DiaryEntry.entry_date)).where(DiaryEntry.patient_id == patient.id)
        )
        self_dates = [
            local_date(r.assessed_at) for r in current if r.instrument not in CLINICIAN_RATED
        ]
        last = max([d for d in (last_diary, *self_dates) if d is not None], default=None)
        hits.append(silent_hit(last, local_date(account.created_at), today))
    videos = db.scalars(
        select(VideoAnalysis).where(
            VideoAnalysis.patient_id == patient.id,
            VideoAnalysis.status == JobStatus.DONE,
            VideoAnalysis.assessment_id.is_(None),
        )
    ).all()
    hits.extend(
        video_review_hits((v.id, local_date(v.created_at), twstrs_prefill(v)) for v in videos)
    )
    return [h for h in hits if h is not None]


SORTS = ("reason", "date", "patient")


def build_worklist(
    *,
    db: Session,
    centre_id: int,
    today: date | None = None,
    lookahead_weeks: int | None = None,
    reasons: Iterable[str] = (),
    sort: str = "reason",
    include_handled: bool = False,
    now: datetime | None = None,
) -> Worklist:
    """The centre's worklist. ``reasons`` filters (empty = all); counts are per reason over
    the open (not handled) rows before filtering; ``sort``: reason priority, date, patient."""
    today = today_or(today)
    now = now or datetime.now(UTC)
    weeks = (
        lookahead_weeks
        if lookahead_weeks is not None
        else int(thresholds()["window_lookahead_weeks"].value)
    )
    if not 1 <= weeks <= 8:
        raise InputError(N_("The horizon must be 1 to 8 weeks, not {value}"), value=weeks)
    wanted = set(reasons)
    unknown = wanted - set(REASONS)
    if unknown:
        raise InputError(N_("Unknown worklist reason {reason}"), reason=", ".join(sorted(unknown)))
    if sort not in SORTS:
        raise InputError(N_("Unknown sort order {value}"), value=sort)
    handled = {
        (h.patient_id, h.reason, h.key)
        for h in db.scalars(
            select(WorklistHandled).join(Patient).where(Patient.centre_id == centre_id)
        )
    }
    rows: list[Row] = []
    counts = dict.fromkeys(REASONS, 0)
    patients = db.scalars(select(Patient).where(Patient.centre_id == centre_id)).all()
    for p in patients:
        for hit in patient_hits(db=db, patient=p, today=today, lookahead_weeks=weeks, now=now):
            done = (p.id, hit.reason, hit.key) in handled
            if not done:
                counts[hit.reason] += 1
            if (done and not include_handled) or (wanted and hit.reason not in wanted):
                continue
            rows.append(Row(p.id, p.record_number, hit, done))
    order = list(REASONS)
    keys = {
        "reason": lambda r: (order.index(r.hit.reason), r.hit.on, r.record_number),
        "date": lambda r: (r.hit.on, order.index(r.hit.reason), r.record_number),
        "patient": lambda r: (r.record_number, order.index(r.hit.reason)),
    }
    rows.sort(key=keys[sort])
    return Worklist(today, weeks, tuple(rows), counts)


def mark_handled(
    *,
    db: Session,
    centre_id: int,
    patient_id: int,
    reason: str,
    key: str,
    user_id: int,
    note: str = "",
) -> WorklistHandled:
    """Keep that this row was handled (by whom, when, optional note); twice is a Conflict."""
    patient = db.get(Patient, patient_id)
    if patient is None or patient.centre_id != centre_id:
        raise NotFound(N_("Patient {id} not found"), id=patient_id)
    if reason not in REASONS or not key or len(key) > 80:
        raise InputError(N_("Unknown worklist reason {reason}"), reason=reason)
    exists = db.scalar(
        select(WorklistHandled).where(
            WorklistHandled.patient_id == patient_id,
            WorklistHandled.reason == reason,
            WorklistHandled.key == key,
        )
    )
    if exists is not None:
        raise Conflict(N_("This worklist row was already marked handled"))
    row = WorklistHandled(
        patient_id=patient_id, reason=reason, key=key, note=note.strip(), handled_by_id=user_id
    )
    db.add(row)
    db.flush()
    return row
