"""Clinician workspace pages: patient list, patient timeline, scale forms."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import FormData

from cdcare.care.access import Action, authorize
from cdcare.care.appointments import KINDS as APPOINTMENT_KINDS
from cdcare.care.appointments import upcoming
from cdcare.care.patients import latest_assessments, record_assessment, search_patients
from cdcare.care.timeline import angle_trends, patient_events
from cdcare.care.videos import get_analysis, latest_result, twstrs_prefill
from cdcare.clinical.scales import get_instrument, list_instruments, normalise_code
from cdcare.clinical.scales.base import Instrument
from cdcare.clock import centre_zone
from cdcare.errors import N_, CdcareError, ScaleError
from cdcare.i18n import translate
from cdcare.reports.svg_trend import trend_svg
from cdcare.store.models import Patient, ScaleAssessment, User, Visit
from cdcare.store.video_models import VideoAnalysis
from cdcare.web.deps import DB, CurrentUser, ScalePatient, audit, patient_for, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.links import allowed
from cdcare.web.render import render

router = APIRouter(tags=["patients"])

#: Instruments a clinic fills in on the scale form (TWSTRS-2 needs an MDS licence check first).
FORM_INSTRUMENTS = ("twstrs", "tsui", "cdip58", "phq9", "gad7")
PLOTTED = ("twstrs", "tsui", "phq9", "gad7")


@router.get("/patients")
def patient_list(request: Request, db: DB, user: CurrentUser, q: str = "") -> Response:
    """Patients of the user's centre, filtered by record number or note text."""
    authorize(user, Action.PATIENT_LIST)
    patients = search_patients(db=db, centre_id=user.centre_id, text=q)
    audit(request, db, user, "list", target=f"/patients?q={q.strip()}")
    db.commit()
    return render(request, "patients.html", {"patients": patients, "q": q}, user=user)


def _timeline(db: DB, patient: Patient) -> dict[str, Any]:
    assessments = latest_assessments(db=db, patient_id=patient.id)
    visits = db.scalars(
        select(Visit).where(Visit.patient_id == patient.id).order_by(Visit.visit_date.desc())
    ).all()
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for a in assessments:
        if a.instrument in PLOTTED and a.total is not None:
            series[a.instrument.upper()].append((a.assessed_at.date(), a.total))
    return {"assessments": assessments, "visits": visits, "series": dict(series)}


@router.get("/patients/{patient_id}")
def patient_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_VIEW)],
) -> Response:
    """One patient's timeline (visits, scales, videos, injections, medications) with plots."""
    data = _timeline(db, patient)
    lang = request_lang(request)
    plot = (
        trend_svg(
            data["series"],
            title=translate(N_("Scale totals over time"), lang),
            ylabel=translate(N_("points (higher = worse)"), lang),
        )
        if data["series"]
        else ""
    )
    zone = centre_zone(request.app.state.settings.timezone)
    angles = angle_trends(db=db, patient_id=patient.id, zone=zone)
    angle_plot = (
        trend_svg(
            angles,
            title=translate(N_("Head angles from video measurements"), lang),
            ylabel=translate(N_("degrees (+ = patient's left / chin down)"), lang),
        )
        if angles
        else ""
    )
    events = [
        e if allowed(user, e.link) else replace(e, link="")
        for e in patient_events(db=db, patient_id=patient.id, lang=lang, zone=zone)
    ]
    booked = upcoming(db=db, patient_id=patient.id)
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    forms = [i for i in list_instruments() if i.code in FORM_INSTRUMENTS]
    return render(
        request,
        "patient.html",
        {
            "patient": patient,
            "plot": plot,
            "angle_plot": angle_plot,
            "events": events,
            "appointments": booked,
            "appointment_kinds": APPOINTMENT_KINDS,
            "forms": forms,
            **data,
        },
        user=user,
    )


def form_page(
    request: Request,
    user: User,
    patient: Patient,
    instrument: str,
    values: dict[str, str],
    error: CdcareError | None,
    status: int,
    *,
    amend_of: ScaleAssessment | None = None,
    reason: str = "",
    video: VideoAnalysis | None = None,
    action: str | None = None,
) -> Response:
    """The scale form (new, or an amendment of ``amend_of`` with a reason field), posted to
    ``action`` (default: the clinic's scale or amendment route)."""
    inst = get_instrument(instrument)
    lang = request_lang(request)
    action = action or (
        f"/patients/{patient.id}/assessments/{amend_of.id}/amend"
        if amend_of
        else f"/patients/{patient.id}/scales/{inst.code}"
    )
    return render(
        request,
        "scale_form.html",
        {
            "patient": patient,
            "inst": inst,
            "values": values,
            "status": status,
            "action": action,
            "amend_of": amend_of,
            "reason": reason,
            "video": video,
            "suggested": set(twstrs_prefill(video)) if video else set(),
            "error": error.text(lang) if error else "",
            "error_item": getattr(error, "item", None),
        },
        user=user,
        status_code=status,
    )


def answers_from_form(inst: Instrument, form: FormData) -> tuple[dict[str, str], dict[str, object]]:
    """Form fields → (values as typed, answers); a non-number raises ScaleError naming it."""
    values = {i.code: str(form.get(i.code, "")).strip() for i in inst.items}
    answers: dict[str, object] = {}
    for code, raw in values.items():
        if raw == "":
            answers[code] = None
            continue
        try:
            answers[code] = int(raw)
        except ValueError:
            raise ScaleError(
                N_("Item {item} of {instrument} must be a number, not {given}"),
                item=code,
                instrument=inst.code,
                given=repr(raw),
            ) from None
    return values, answers


@router.get("/patients/{patient_id}/scales/{instrument}")
def scale_form(
    request: Request,
    instrument: str,
    db: DB,
    user: CurrentUser,
    patient: ScalePatient,
    from_video: int | None = None,
) -> Response:
    """The form for one instrument. TWSTRS items a video suggests are pre-filled (marked
    'suggested') from ``from_video``, or else from the latest finished video measurement."""
    values: dict[str, str] = {}
    video: VideoAnalysis | None = None
    if normalise_code(instrument) == "twstrs":  # pre-fill from the chosen, else latest, video
        video = (
            get_analysis(db=db, patient_id=patient.id, analysis_id=from_video)
            if from_video is not None
            else latest_result(db=db, patient_id=patient.id)
        )
        values = {k: str(v) for k, v in twstrs_prefill(video).items()} if video else {}
    reason = f"pre-filled from video analysis {video.id}" if video else ""
    audit(request, db, user, "view", patient_id=patient.id, reason=reason)
    db.commit()
    return form_page(request, user, patient, instrument, values, None, 200, video=video)


@router.post("/patients/{patient_id}/scales/{instrument}", dependencies=[Depends(verify_csrf)])
async def scale_submit(
    request: Request, instrument: str, db: DB, user: CurrentUser, patient: ScalePatient
) -> Response:
    """Score and store the form; a bad field re-shows the form with the error at that field."""
    inst = get_instrument(instrument)
    values: dict[str, str] = {}
    video: VideoAnalysis | None = None
    try:
        form = await request.form()
        video_id = str(form.get("video_analysis_id", ""))
        video = (
            get_analysis(db=db, patient_id=patient.id, analysis_id=int(video_id))
            if video_id.isdigit() and inst.code == "twstrs"
            else None
        )
        values, answers = answers_from_form(inst, form)
        row = record_assessment(
            db=db,
            patient_id=patient.id,
            instrument=inst.code,
            answers=answers,
            assessed_by_id=user.id,
        )
    except ScaleError as err:
        db.rollback()
        return form_page(request, user, patient, instrument, values, err, 422, video=video)
    if video is not None:
        video.assessment_id = row.id  # the clinician confirmed (or edited) the suggestion
    audit(request, db, user, "create", patient_id=patient.id, target=f"scale_assessment:{row.id}")
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}#a{row.id}", status_code=303)
