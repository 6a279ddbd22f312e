"""Gather a patient's report data from the store.

From the store: patient and centre, scored assessments, the injection log (the newest
:data:`FULL_SESSIONS` sessions in full, the :data:`SUMMARY_SESSIONS` before them as one
summary line each, any older ones only counted) and finished video measurements (the newest
:data:`VIDEO_LIMIT`). A plan for the next session is not stored; a caller that has one passes
it in. See :class:`cdcare.reports.model.ReportData`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cdcare.care.demo import DEMO_CENTRE
from cdcare.care.injections import sessions
from cdcare.care.patients import get_patient, latest_assessments
from cdcare.care.videos import list_analyses
from cdcare.clinical.planning import Finding, Guidance, InjectionRecord, Plan, PlanItem
from cdcare.clinical.posture import Side
from cdcare.clinical.scales import score
from cdcare.clock import centre_zone, local_date, to_local
from cdcare.errors import N_, InputError
from cdcare.reports.model import (
    AdverseEntry,
    InjectionEntry,
    ReportData,
    ReportHeader,
    ScaleEntry,
    VideoEntry,
)
from cdcare.store.care_models import InjectionSession
from cdcare.store.video_models import JobStatus

#: Longest accepted export reason (characters).
MAX_REASON = 500
#: Newest injection sessions shown in full (about a year at 12-week intervals).
FULL_SESSIONS = 4
#: Older sessions shown as one summary line each; still older ones are only counted.
SUMMARY_SESSIONS = 12
#: Newest finished video measurements shown.
VIDEO_LIMIT = 5


def export_reason(reason: str | None) -> str:
    """The reason for an export, stripped; InputError when blank or longer than 500 characters.

    Korean PIPA access logs record the task of each access; an export states why.
    """
    text = (reason or "").strip()
    if not text:
        raise InputError(N_("Give a reason for exporting this report (reason=...)"))
    if len(text) > MAX_REASON:
        raise InputError(
            N_("The export reason is too long ({n} characters, at most {max})"),
            n=len(text),
            max=MAX_REASON,
        )
    return text


def injection_entry(s: InjectionSession) -> InjectionEntry:
    """A stored session as report data (doses in the session's product units, as stored)."""
    items = tuple(PlanItem(x.muscle, Side(x.side), x.dose) for x in s.sites)
    adverse = tuple(AdverseEntry(a.code, a.severity, a.onset_on) for a in s.adverse_events)
    record = InjectionRecord(
        on=s.injected_on,
        product=s.product,
        lot=s.lot,
        dilution_u_per_ml=s.dilution_u_per_ml,
        items=items,
        guidance=Guidance(s.guidance),
        injector=s.injector,
        adverse_events=tuple(a.code for a in adverse),
    )
    return InjectionEntry(record, s.unit, adverse, s.override_reason)


def video_entries(
    *, db: Session, patient_id: int, zone: ZoneInfo, limit: int = VIDEO_LIMIT
) -> tuple[VideoEntry, ...]:
    """Finished analyses with a result, newest first, at most ``limit``; dated by upload
    (local date in ``zone``)."""
    done = [
        row
        for row in list_analyses(db=db, patient_id=patient_id)
        if row.status == JobStatus.DONE and row.result
    ]
    return tuple(
        VideoEntry.from_analysis(
            local_date(row.created_at, zone), row.result or {}, source=row.source
        )
        for row in done[:limit]
    )


def collect_report(
    *,
    db: Session,
    patient_id: int,
    generated_by: str,
    demo: bool = False,
    timezone: str | None = None,
    now: datetime | None = None,
    plan: Plan | None = None,
    plan_findings: Sequence[Finding] = (),
) -> ReportData:
    """Report data of one patient; assessments oldest first, amended versions left out.

    Injection sessions newest first (see the module doc for which are shown in full), video
    measurements newest first. Assessment dates are the local dates (``timezone``) of
    ``assessed_at``; alerts are recomputed from the stored answers by the scale engine.
    ``demo`` is forced on for the demo centre's synthetic patients.
    """
    zone = centre_zone(timezone)
    patient = get_patient(db=db, patient_id=patient_id)
    scales = []
    for row in reversed(latest_assessments(db=db, patient_id=patient.id)):
        scales.append(
            ScaleEntry(
                instrument=row.instrument,
                on=local_date(row.assessed_at, zone),
                subscores=dict(row.subscores),
                total=row.total,
                band=row.band,
                alerts=tuple(score(row.instrument, row.answers).alerts),
            )
        )
    header = ReportHeader(
        centre=patient.centre.name,
        record_number=patient.record_number,
        birth_year=patient.birth_year,
        sex=patient.sex.value,
        onset_date=patient.onset_date,
        generated_by=generated_by,
        generated_at=to_local(now or datetime.now(UTC), zone),
    )
    logged = [injection_entry(s) for s in reversed(sessions(db=db, patient_id=patient.id))]
    return ReportData(
        header=header,
        scales=tuple(scales),
        video=video_entries(db=db, patient_id=patient.id, zone=zone),
        injections=tuple(logged[:FULL_SESSIONS]),
        earlier_injections=tuple(logged[FULL_SESSIONS : FULL_SESSIONS + SUMMARY_SESSIONS]),
        omitted_injections=max(0, len(logged) - FULL_SESSIONS - SUMMARY_SESSIONS),
        plan=plan,
        plan_findings=tuple(plan_findings),
        demo=demo or patient.centre.code == DEMO_CENTRE,
    )


__all__ = [
    "FULL_SESSIONS",
    "MAX_REASON",
    "SUMMARY_SESSIONS",
    "VIDEO_LIMIT",
    "collect_report",
    "export_reason",
    "injection_entry",
    "video_entries",
]
