"""The centre worklist: who needs a call, a booking or a review today, and why.

Each reason is a small pure function over plain data (dates, numbers) with its threshold from
``care/data/worklist.json`` (value, unit, source or LOCAL convention); :func:`build_worklist`
loads a centre's records and applies them. A row is identified by (patient, reason, key): the
key names the occurrence (e.g. the date the window opens), so marking a row handled hides that
occurrence only, and the next one shows again.

Dates are local (Asia/Seoul) calendar dates; "days" are calendar days; comparisons are stated
in each docstring so the boundary dates are unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdcare.care._checks import load_data, today_or
from cdcare.care.access import CLINICIAN_RATED
from cdcare.care.followup import MET, CycleResponse, followup_summary
from cdcare.care.videos import twstrs_prefill
from cdcare.care.worklist_text import OVERDUE, SILENT, VIDEO_REVIEW, WINDOW_OPENS, Counted
from cdcare.clinical.toxins import min_interval_days
from cdcare.errors import N_, Conflict, InputError, NotFound
from cdcare.store.care_models import Appointment, DiaryEntry, InjectionSession
from cdcare.store.clinic_models import WorklistHandled
from cdcare.store.models import Patient, Role, ScaleAssessment, User
from cdcare.store.video_models import JobStatus, VideoAnalysis

SEOUL = ZoneInfo("Asia/Seoul")

#: Reason code → label (translated at display time); order = default sort priority.
REASONS: dict[str, str] = {
    "phq9_item9": N_("PHQ-9 item 9 answered above 0"),
    "mood_rising": N_("PHQ-9 or GAD-7 rising"),
    "non_response": N_("Possible non-response"),
    "overdue": N_("Re-injection overdue"),
    "window_opens": N_("Re-injection window opens"),
    "wearing_off": N_("Early wearing-off in the diary"),
    "video_review": N_("Video-suggested scores to review"),
    "silent": N_("No diary or questionnaire for a long time"),
}


@dataclass(frozen=True)
class Threshold:
    """One worklist threshold: value in ``unit``, source tag (LOCAL = local convention)."""

    code: str
    value: float
    unit: str
    source: str
    verified: bool
    note: str
    note_ko: str


@cache
def thresholds() -> dict[str, Threshold]:
    """All thresholds by code (the minimum interval is read from the toxin rules)."""
    out = {}
    for code, t in load_data("worklist.json")["thresholds"].items():
        value = min_interval_days() if t["value"] == "toxins.min_interval_days" else t["value"]
        out[code] = Threshold(
            code, float(value), t["unit"], t["source"], t["verified"], t["note"], t["ko"]
        )
    return out


def _t(code: str) -> int:
    return int(thresholds()[code].value)


@dataclass(frozen=True)
class Hit:
    """A reason found for one patient: ``key`` names the occurrence, ``detail`` is an English
    message template with ``params`` (or a counted one, ``worklist_text``); ``on`` its date."""

    reason: str
    key: str
    detail: str | Counted
    params: dict[str, Any]
    on: date


# --- the reasons, each a pure function -------------------------------------------------------


def window_hit(
    last_injection: date | None, today: date, *, lookahead_weeks: int, booked: bool
) -> Hit | None:
    """Re-injection window opening or overdue.

    The window opens on ``last_injection + min interval``. It is listed as ``window_opens``
    when ``today − overdue_after_days ≤ opens ≤ today + lookahead_weeks·7`` and as ``overdue``
    when ``opens < today − overdue_after_days``. A booked injection appointment removes both.
    """
    if last_injection is None or booked:
        return None
    opens = last_injection + timedelta(days=_t("reinjection_min_interval"))
    late = today - timedelta(days=_t("overdue_after_days"))
    if opens < late:
        days = (today - opens).days
        return Hit(
            "overdue",
            opens.isoformat(),
            OVERDUE,
            {"date": opens.isoformat(), "days": days},
            opens,
        )
    if opens <= today + timedelta(weeks=lookahead_weeks):
        days = (opens - today).days
        detail = WINDOW_OPENS if days > 0 else N_("Window open since {date}")
        return Hit(
            "window_opens",
            opens.isoformat(),
            detail,
            {"date": opens.isoformat(), "days": days},
            opens,
        )
    return None


def wearing_off_hit(diary_cycles: Sequence[CycleResponse]) -> Hit | None:
    """The newest diary-measured cycle whose effect wore off before ``early_wearing_off_week``
    (``wearing_off_week < threshold``; whole weeks since that injection)."""
    limit = _t("early_wearing_off_week")
    for c in reversed(diary_cycles):
        if c.wearing_off_week is not None:
            if c.wearing_off_week < limit:
                return Hit(
                    "wearing_off",
                    c.injected_on.isoformat(),
                    N_("Effect faded in week {week} after the injection of {date}"),
                    {"week": c.wearing_off_week, "date": c.injected_on.isoformat()},
                    c.injected_on,
                )
            return None
    return None


def non_response_hit(
    flags: Iterable[tuple[str, str, tuple[int, ...]]], last: date | None
) -> Hit | None:
    """Primary or secondary non-response flag met (care/followup.py); ``flags`` are
    ``(code, status, cycles)``."""
    met = [(code, cycles) for code, status, cycles in flags if status == MET]
    if not met or last is None:
        return None
    code, cycles = met[0]
    label = N_("primary") if code == "primary_non_response" else N_("secondary")
    return Hit(
        "non_response",
        f"{code}:{last.isoformat()}",
        N_("Follow-up screen: {kind} non-response (cycles {cycles})"),
        {"kind": label, "cycles": ", ".join(str(c) for c in cycles)},
        last,
    )


def phq9_item9_hit(latest_phq9: tuple[int, date, int | None] | None) -> Hit | None:
    """The latest PHQ-9 ``(assessment id, date, item 9)`` has item 9 above the threshold."""
    if latest_phq9 is None:
        return None
    aid, on, item9 = latest_phq9
    if item9 is None or item9 <= _t("phq9_item9_above"):
        return None
    return Hit(
        "phq9_item9",
        str(aid),
        N_("Item 9 = {value} on {date}: same-day safety assessment"),
        {"value": item9, "date": on.isoformat()},
        on,
    )


def mood_rising_hit(series: Mapping[str, Sequence[tuple[int, date, float]]]) -> Hit | None:
    """PHQ-9 or GAD-7 latest total ≥ previous total + ``mood_rise_points``; ``series`` maps
    instrument → ``(assessment id, date, total)`` oldest first."""
    rise = _t("mood_rise_points")
    for instrument in ("phq9", "gad7"):
        rows = series.get(instrument, ())
        if len(rows) < 2:
            continue
        (_, _, before), (aid, on, now) = rows[-2], rows[-1]
        if now - before >= rise:
            return Hit(
                "mood_rising",
                f"{instrument}:{aid}",
                N_("{scale} rose from {before} to {now} ({date})"),
                {
                    "scale": "PHQ-9" if instrument == "phq9" else "GAD-7",
                    "before": f"{before:g}",
                    "now": f"{now:g}",
                    "date": on.isoformat(),
                },
                on,
            )
    return None


def silent_hit(last_activity: date | None, account_since: date | None, today: date) -> Hit | None:
    """A portal patient silent for more than ``silent_after_days``: ``today − last > limit``
    where last = newest diary entry or questionnaire, else the account's creation date."""
    if account_since is None:
        return None
    last = last_activity or account_since
    days = (today - last).days
    if days <= _t("silent_after_days"):
        return None
    return Hit(
        "silent",
        last.isoformat(),
        SILENT,
        {"days": days, "date": last.isoformat()},
        last,
    )


def video_review_hits(analyses: Iterable[tuple[int, date, dict[str, int]]]) -> list[Hit]:
    """Finished analyses ``(id, date, suggested items)`` with a TWSTRS suggestion that no
    assessment has confirmed yet."""
    return [
        Hit(
            "video_review",
            str(aid),
            VIDEO_REVIEW,
            {"date": on.isoformat(), "n": len(items)},
            on,
        )
        for aid, on, items in analyses
        if items
    ]


# --- loading a centre -----------------------------------------------------------------------


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


def _local(value: datetime) -> date:
    return value.astimezone(SEOUL).date()


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
            series.setdefault(r.instrument, []).append((r.id, _local(r.assessed_at), r.total))
    phq = [r for r in current if r.instrument == "phq9"]
    if phq:
        item9 = phq[-1].answers.get("q9")
        hits.append(
            phq9_item9_hit(
                (phq[-1].id, _local(phq[-1].assessed_at), item9 if isinstance(item9, int) else None)
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
        self_dates = [_local(r.assessed_at) for r in current if r.instrument not in CLINICIAN_RATED]
        last = max([d for d in (last_diary, *self_dates) if d is not None], default=None)
        hits.append(silent_hit(last, _local(account.created_at), today))
    videos = db.scalars(
        select(VideoAnalysis).where(
            VideoAnalysis.patient_id == patient.id,
            VideoAnalysis.status == JobStatus.DONE,
            VideoAnalysis.assessment_id.is_(None),
        )
    ).all()
    hits.extend(video_review_hits((v.id, _local(v.created_at), twstrs_prefill(v)) for v in videos))
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
    weeks = lookahead_weeks if lookahead_weeks is not None else _t("window_lookahead_weeks")
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
