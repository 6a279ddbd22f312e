"""Patient portal questionnaires: the self-reported instruments (PHQ-9, GAD-7, CDIP-58) with
the clinic's form and checks, and a plain-language result page (safety message first)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care.access import Action, authorize, scale_action
from cdcare.care.patients import latest_assessments, record_assessment
from cdcare.clinical.scales import get_instrument
from cdcare.errors import N_, NotFound, ScaleError
from cdcare.store.models import Patient, ScaleAssessment, User
from cdcare.web.deps import DB, CurrentUser, audit, own_record, verify_csrf
from cdcare.web.render import render
from cdcare.web.routes.patients import FORM_INSTRUMENTS, answers_from_form, form_page
from cdcare.web.routes.portal_forms import questionnaire_statements

router = APIRouter(tags=["portal"])

#: Questionnaires a patient fills in: the form instruments that are self-reported.
QUESTIONNAIRES = tuple(c for c in FORM_INSTRUMENTS if scale_action(c) is Action.SCALE_SELF_REPORT)


@router.get("/me/questionnaires")
def questionnaires(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.SCALE_SELF_REPORT)],
) -> Response:
    """The questionnaires the patient fills in, with the date and total of the latest."""
    latest: dict[str, ScaleAssessment] = {}
    for a in latest_assessments(db=db, patient_id=patient.id):
        latest.setdefault(a.instrument, a)
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return render(
        request,
        "portal/questionnaires.html",
        {"instruments": [get_instrument(c) for c in QUESTIONNAIRES], "latest": latest},
        user=user,
    )


def _questionnaire(user: User, patient: Patient, code: str) -> Patient:
    if code not in FORM_INSTRUMENTS:
        raise NotFound(N_("Questionnaire {code} not found"), code=code)
    authorize(user, scale_action(code), patient)  # clinician-rated scales: 403
    return patient


@router.get("/me/questionnaires/{code}")
def questionnaire_form(
    request: Request,
    code: str,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.SCALE_SELF_REPORT)],
) -> Response:
    """The same form as the clinic's (items by code and neutral label)."""
    _questionnaire(user, patient, code)
    return form_page(
        request, user, patient, code, {}, None, 200, action=f"/me/questionnaires/{code}"
    )


@router.post("/me/questionnaires/{code}", dependencies=[Depends(verify_csrf)])
async def questionnaire_submit(
    request: Request,
    code: str,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.SCALE_SELF_REPORT)],
) -> Response:
    """Score and store the answers, then show the result; a bad item re-shows the form (422)."""
    _questionnaire(user, patient, code)
    values: dict[str, str] = {}
    try:
        values, answers = answers_from_form(get_instrument(code), await request.form())
        row = record_assessment(
            db=db, patient_id=patient.id, instrument=code, answers=answers, assessed_by_id=user.id
        )
    except ScaleError as err:
        db.rollback()
        return form_page(
            request, user, patient, code, values, err, 422, action=f"/me/questionnaires/{code}"
        )
    audit(request, db, user, "create", patient_id=patient.id, target=f"scale_assessment:{row.id}")
    db.commit()
    return RedirectResponse(f"/me/results/{row.id}", status_code=303)


@router.get("/me/results/{assessment_id}")
def questionnaire_result(
    request: Request,
    assessment_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.SCALE_SELF_REPORT)],
) -> Response:
    """One of the patient's own questionnaire results in plain words (another's: 404)."""
    row = db.get(ScaleAssessment, assessment_id)
    if row is None or row.patient_id != patient.id or row.instrument not in QUESTIONNAIRES:
        raise NotFound(N_("Assessment {id} not found"), id=assessment_id)
    inst = get_instrument(row.instrument)
    band = next((b for b in inst.bands if b.code == row.band), None)
    audit(request, db, user, "view", patient_id=patient.id, target=f"scale_assessment:{row.id}")
    db.commit()
    return render(
        request,
        "portal/result.html",
        {
            "row": row,
            "inst": inst,
            "band": band,
            "statements": questionnaire_statements(row.instrument, row.total, row.answers),
        },
        user=user,
    )
