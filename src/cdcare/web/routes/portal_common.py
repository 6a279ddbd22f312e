"""Shared helpers of the patient portal routes: local "today", the patient's own record,
one diary day and the diary trend plot."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cdcare.care.diary import entry_on as diary_entry_on
from cdcare.education.statements import Statement
from cdcare.errors import N_
from cdcare.i18n import translate
from cdcare.reports.svg_trend import trend_svg
from cdcare.store.care_models import DiaryEntry
from cdcare.store.models import ScaleAssessment

TREND_DAYS = 28  # trend plot, adherence and the clinician's block cover this many days


def entry_on(db: Session, patient_id: int, day: date) -> DiaryEntry | None:
    """The diary entry of ``day``, or None."""
    return diary_entry_on(db=db, patient_id=patient_id, day=day)


def diary_trend(rows: list[DiaryEntry], lang: str) -> str:
    """Daily symptoms and pain (0–10) as an SVG plot; "" without entries."""
    if not rows:
        return ""
    return trend_svg(
        {
            translate(N_("Symptoms"), lang): [(e.entry_date, float(e.severity)) for e in rows],
            translate(N_("Pain"), lang): [(e.entry_date, float(e.pain)) for e in rows],
        },
        title=translate(N_("Diary, last 4 weeks"), lang),
        ylabel=translate(N_("0 = none, 10 = worst"), lang),
    )


def record_statements(
    db: Session, patient_id: int, today: date, zone: ZoneInfo
) -> tuple[list[Statement], ScaleAssessment | None]:
    """The patient's personal notes from their record (urgent first), and the PHQ-9 used.

    One builder for ``/me`` and ``/learn``: injection log (sessions on or before ``today``,
    a local date), programmes running today, the next booked appointment (local date), the
    latest PHQ-9 (total, answers) and GAD-7 total.
    """
    from cdcare.care.appointments import next_appointment
    from cdcare.care.injections import sessions
    from cdcare.care.patients import latest_assessments
    from cdcare.care.rehab import assignments, library
    from cdcare.web.routes.portal_forms import patient_statements

    latest: dict[str, ScaleAssessment] = {}
    for a in latest_assessments(db=db, patient_id=patient_id):
        latest.setdefault(a.instrument, a)
    phq, gad = latest.get("phq9"), latest.get("gad7")
    lib = library()
    running = [
        {"en": lib[a.programme].en, "ko": lib[a.programme].ko}
        for a in assignments(db=db, patient_id=patient_id)
        if a.start_on <= today and (a.end_on is None or a.end_on >= today) and a.programme in lib
    ]
    nxt = next_appointment(db=db, patient_id=patient_id)
    statements = patient_statements(
        today=today,
        injection_dates=[s.injected_on for s in sessions(db=db, patient_id=patient_id)],
        programmes=running,
        phq9=(phq.total, phq.answers) if phq is not None else None,
        gad7=gad.total if gad is not None else None,
        next_appointment=nxt.starts_at.astimezone(zone).date() if nxt is not None else None,
    )
    return statements, phq
