"""One visit, one page: the visit's scales, its injection plan draft (saved with lot, dilution
and guidance, checked on every save, recorded once) and its note, signed with the password."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care import visit_angles, visits
from cdcare.care.access import Action, authorize
from cdcare.care.injections import add_adverse_event, adverse_event_codes, sessions
from cdcare.clinical.planning import Guidance
from cdcare.clinical.posture import muscles
from cdcare.clinical.toxins import products
from cdcare.errors import N_, CdcareError
from cdcare.reports.collect import collect_report, export_reason
from cdcare.reports.pdf import build_pdf
from cdcare.store.care_models import InjectionSession
from cdcare.store.clinic_models import VisitPlan
from cdcare.store.models import Patient, User, Visit
from cdcare.web.deps import DB, CurrentUser, audit, local_today, patient_for, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render

router = APIRouter(tags=["visits"])
CSRF = [Depends(verify_csrf)]
BLANK_ROWS = 3  # empty injection rows offered under the planned ones
#: Angle labels (signs as in the video measurement: rotation + = chin to the patient's left...).
ANGLE_NAMES = {
    "rotation_deg": N_("rotation"),
    "tilt_deg": N_("tilt"),
    "flexion_deg": N_("flexion"),
}


def _today(request: Request) -> Any:
    return local_today(request)


def _visit(db: DB, patient: Patient, visit_id: int) -> Visit:
    return visits.get_visit(db=db, patient_id=patient.id, visit_id=visit_id)


def _page(
    request: Request,
    db: DB,
    user: User,
    patient: Patient,
    visit: Visit,
    *,
    error: str = "",
    status: int = 200,
    compare: int | None = None,
) -> Response:
    lang = request_lang(request)
    videos = visits.visit_videos(db=db, visit=visit)
    earlier = visits.earlier_visits(db=db, visit=visit)
    chosen = next((v for v in earlier if v.id == compare), earlier[0] if earlier else None)
    before = visits.visit_videos(db=db, visit=chosen) if chosen else []
    now_angles, before_angles, footing = visit_angles.comparable_angles(
        videos[0] if videos else None, before[0] if before else None
    )
    row = visits.plan_of(db=db, visit_id=visit.id)
    evaluation = (
        visits.evaluate(db=db, visit=visit, row=row, lang=lang, today=_today(request))
        if row is not None and row.plan.get("injections")
        else None
    )
    session = (
        db.get(InjectionSession, row.injection_session_id)
        if row and row.injection_session_id
        else None
    )
    notes = visits.notes_of(db=db, visit_id=visit.id)
    audit(request, db, user, "view", patient_id=patient.id, target=f"visit:{visit.id}")
    db.commit()
    mus = muscles()
    ae_sessions = list(reversed(sessions(db=db, patient_id=patient.id)))[:3]
    return render(
        request,
        "visit.html",
        {
            "patient": patient,
            "visit": visit,
            "scales": visits.visit_assessments(db=db, visit=visit),
            "draft": row,
            "evaluation": evaluation,
            "session": session,
            "notes": notes,
            "latest": notes[-1] if notes else None,
            "verified": {n.id: visits.verify_note(n) for n in notes},
            "products": sorted(products().values(), key=lambda p: p.code),
            "muscles": sorted(
                ((code, m.ko if lang == "ko" else m.en) for code, m in mus.items()),
                key=lambda x: x[1],
            ),
            "guidances": [g.value for g in Guidance],
            "blank_rows": BLANK_ROWS,
            "error": error,
            "videos": videos,
            "earlier": earlier,
            "chosen": chosen,
            "now_angles": now_angles,
            "before_angles": before_angles,
            "angle_footing": footing,
            "change": visit_angles.angle_change(now_angles, before_angles),
            "angle_names": ANGLE_NAMES,
            "ae_sessions": ae_sessions,
            "ae_codes": adverse_event_codes(),
            "ae_severities": ("mild", "moderate", "severe"),
        },
        user=user,
        status_code=status,
    )


@router.post("/patients/{patient_id}/visits/today", dependencies=CSRF)
def visit_today(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.CARE_VIEW)],
) -> Response:
    """Open today's visit of the patient (started if none yet)."""
    visit = visits.open_today(
        db=db, patient_id=patient.id, clinician_id=user.id, today=_today(request)
    )
    audit(request, db, user, "create", patient_id=patient.id, target=f"visit:{visit.id}")
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/visits/{visit.id}", status_code=303)


@router.get("/patients/{patient_id}/visits/{visit_id}")
def visit_page(
    request: Request,
    visit_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.CARE_VIEW)],
    compare: str = "",
) -> Response:
    """The visit: video measurement and its change since an earlier visit (``compare``), scales,
    plan draft with its checks, injection, note and signature."""
    visit = _visit(db, patient, visit_id)
    chosen = int(compare) if compare.strip().isdigit() else None
    return _page(request, db, user, patient, visit, compare=chosen)


def _rows(form: Any) -> list[dict[str, str]]:
    return [
        {"muscle": str(m), "side": str(s), "dose": str(d)}
        for m, s, d in zip(
            form.getlist("muscle"), form.getlist("side"), form.getlist("dose"), strict=False
        )
    ]


@router.post("/patients/{patient_id}/visits/{visit_id}/plan/check", dependencies=CSRF)
async def visit_plan_check(
    request: Request,
    visit_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.INJECTION_PLAN)],
) -> Response:
    """Live check (HTMX): save the draft as typed and answer the checks fragment."""
    visit = _visit(db, patient, visit_id)
    form = await request.form()
    lang = request_lang(request)
    error = ""
    row: VisitPlan | None = None
    try:
        row = visits.save_plan(
            db=db,
            visit=visit,
            product=str(form.get("product", "")),
            injections=_rows(form),
            lot=str(form.get("lot", "")),
            dilution=str(form.get("dilution", "")),
            guidance=str(form.get("guidance", "")),
            override_reason=str(form.get("override_reason", "")),
            user_id=user.id,
        )
    except CdcareError as err:
        error = err.text(lang)
        row = visits.plan_of(db=db, visit_id=visit.id)  # kept as typed
    audit(request, db, user, "amend", patient_id=patient.id, target=f"visit:{visit.id}:plan")
    db.commit()
    evaluation = (
        visits.evaluate(db=db, visit=visit, row=row, lang=lang, today=_today(request))
        if row is not None and row.plan.get("injections")
        else None
    )
    if error:
        evaluation = visits.Evaluation(None, True, error)
    return render(
        request, "visit_plan_check.html", {"evaluation": evaluation, "draft": row}, user=user
    )


@router.post("/patients/{patient_id}/visits/{visit_id}/plan", dependencies=CSRF)
async def visit_plan(
    request: Request,
    visit_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.INJECTION_PLAN)],
) -> Response:
    """Save the draft as entered; with action=record also record it as the injection."""
    visit = _visit(db, patient, visit_id)
    form = await request.form()
    rows = _rows(form)
    lang = request_lang(request)
    try:
        visits.save_plan(
            db=db,
            visit=visit,
            product=str(form.get("product", "")),
            injections=rows,
            lot=str(form.get("lot", "")),
            dilution=str(form.get("dilution", "")),
            guidance=str(form.get("guidance", "")),
            override_reason=str(form.get("override_reason", "")),
            user_id=user.id,
        )
    except CdcareError as err:  # the draft is kept as typed; the page says what is wrong
        db.commit()
        return _page(
            request, db, user, patient, visit, error=err.text(lang), status=err.http_status
        )
    audit(request, db, user, "amend", patient_id=patient.id, target=f"visit:{visit.id}:plan")
    db.commit()
    if form.get("action") == "record":
        authorize(user, Action.INJECTION_RECORD, patient)
        try:
            session = visits.record_plan(
                db=db, visit=visit, user=user, lang=lang, today=_today(request)
            )
        except CdcareError as err:
            db.rollback()
            return _page(
                request, db, user, patient, visit, error=err.text(lang), status=err.http_status
            )
        audit(
            request,
            db,
            user,
            "create",
            patient_id=patient.id,
            target=f"injection_session:{session.id}",
        )
        db.commit()
    return RedirectResponse(f"/patients/{patient.id}/visits/{visit.id}#plan", status_code=303)


async def _note_action(
    request: Request, patient: Patient, visit_id: int, db: DB, user: User, what: str
) -> Response:
    visit = _visit(db, patient, visit_id)
    form = await request.form()
    text = str(form.get("text", ""))
    try:
        if what == "save":
            note = visits.save_note(db=db, visit=visit, text=text, author_id=user.id)
        elif what == "amend":
            note = visits.amend_note(db=db, visit=visit, text=text, author_id=user.id)
        else:
            note = visits.sign_note(
                db=db, visit=visit, user=user, password=str(form.get("password", ""))
            )
    except CdcareError as err:
        db.rollback()
        return _page(
            request,
            db,
            user,
            patient,
            visit,
            error=err.text(request_lang(request)),
            status=err.http_status,
        )
    action = "create" if what == "amend" else "amend"
    audit(request, db, user, action, patient_id=patient.id, target=f"visit_note:{note.id}:{what}")
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/visits/{visit.id}#note", status_code=303)


@router.post("/patients/{patient_id}/visits/{visit_id}/note", dependencies=CSRF)
async def visit_note(
    request: Request,
    visit_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.INJECTION_RECORD)],
) -> Response:
    """Write or edit the unsigned note."""
    return await _note_action(request, patient, visit_id, db, user, "save")


@router.post("/patients/{patient_id}/visits/{visit_id}/note/sign", dependencies=CSRF)
async def visit_note_sign(
    request: Request,
    visit_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.INJECTION_RECORD)],
) -> Response:
    """Sign the note: the password again, then it is frozen with its hash."""
    return await _note_action(request, patient, visit_id, db, user, "sign")


@router.post("/patients/{patient_id}/visits/{visit_id}/note/amend", dependencies=CSRF)
async def visit_note_amend(
    request: Request,
    visit_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.INJECTION_RECORD)],
) -> Response:
    """Start an amendment of the signed note (the original is kept)."""
    return await _note_action(request, patient, visit_id, db, user, "amend")


@router.get("/patients/{patient_id}/visits/{visit_id}/report.pdf")
def visit_pdf(
    request: Request,
    visit_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.REPORT_EXPORT)],
    reason: str = "",
) -> Response:
    """The patient's report with the plan recorded at this visit (export reason required)."""
    visit = _visit(db, patient, visit_id)
    authorize(user, Action.CARE_VIEW, patient)
    why = export_reason(reason)
    settings = request.app.state.settings
    recorded = visits.recorded_plan(db=db, visit=visit, today=_today(request))
    data = collect_report(
        db=db,
        patient_id=patient.id,
        generated_by=f"{user.display_name} ({user.username})",
        demo=settings.demo,
        timezone=settings.timezone,
        plan=recorded[0] if recorded else None,
        plan_findings=recorded[1] if recorded else (),
    )
    pdf = build_pdf(data, lang=request_lang(request), timezone=settings.timezone)
    audit(request, db, user, "export", patient_id=patient.id, target=f"visit:{visit.id}:pdf",
          reason=why)  # fmt: skip
    db.commit()
    name = re.sub(r"[^A-Za-z0-9._-]", "_", patient.record_number)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="visit-{name}-{visit.visit_date}.pdf"'
        },
    )


@router.post("/patients/{patient_id}/visits/{visit_id}/adverse-events", dependencies=CSRF)
async def visit_adverse_event(
    request: Request,
    visit_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.ADVERSE_EVENT_RECORD)],
) -> Response:
    """Report an adverse event of one of the patient's recent sessions from the visit."""
    visit = _visit(db, patient, visit_id)
    form = await request.form()
    sid = str(form.get("session_id", ""))
    try:
        event = add_adverse_event(
            db=db,
            session_id=int(sid) if sid.isdigit() else -1,
            patient_id=patient.id,
            onset_on=str(form.get("onset", "")),
            code=str(form.get("code", "")),
            severity=str(form.get("severity", "")),
            note=str(form.get("note", "")),
            today=_today(request),
        )
    except CdcareError as err:
        db.rollback()
        lang = request_lang(request)
        return _page(
            request, db, user, patient, visit, error=err.text(lang), status=err.http_status
        )
    audit(request, db, user, "create", patient_id=patient.id, target=f"adverse_event:{event.id}")
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/visits/{visit.id}#ae", status_code=303)
