"""Gather a patient's report data from the store (patient, centre, scored assessments).

Sections the committed store does not hold yet (video measurements, injection log and plan)
are passed in by the caller as plain data; see :class:`cdcare.reports.model.ReportData`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cdcare.care.demo import DEMO_CENTRE
from cdcare.care.patients import get_patient, latest_assessments
from cdcare.clinical.planning import Finding, InjectionRecord, Plan
from cdcare.clinical.scales import score
from cdcare.errors import N_, InputError
from cdcare.reports.model import ReportData, ReportHeader, ScaleEntry, VideoEntry

#: Longest accepted export reason (characters).
MAX_REASON = 500


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


def collect_report(
    *,
    db: Session,
    patient_id: int,
    generated_by: str,
    demo: bool = False,
    timezone: str = "Asia/Seoul",
    now: datetime | None = None,
    video: Sequence[VideoEntry] = (),
    injections: Sequence[InjectionRecord] = (),
    plan: Plan | None = None,
    plan_findings: Sequence[Finding] = (),
) -> ReportData:
    """Report data of one patient; assessments oldest first, amended versions left out.

    Assessment dates are the local dates (``timezone``) of ``assessed_at``; alerts are
    recomputed from the stored answers by the scale engine. ``demo`` is forced on for the
    demo centre's synthetic patients.
    """
    zone = ZoneInfo(timezone)
    patient = get_patient(db=db, patient_id=patient_id)
    scales = []
    for row in reversed(latest_assessments(db=db, patient_id=patient.id)):
        scales.append(
            ScaleEntry(
                instrument=row.instrument,
                on=row.assessed_at.astimezone(zone).date(),
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
        generated_at=(now or datetime.now(UTC)).astimezone(zone),
    )
    return ReportData(
        header=header,
        scales=tuple(scales),
        video=tuple(video),
        injections=tuple(injections),
        plan=plan,
        plan_findings=tuple(plan_findings),
        demo=demo or patient.centre.code == DEMO_CENTRE,
    )


__all__ = ["MAX_REASON", "collect_report", "export_reason"]
