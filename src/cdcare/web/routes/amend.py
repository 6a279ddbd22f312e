"""Amending a patient's details or a scale assessment, and the version history page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from cdcare.care.access import Action, authorize, scale_action
from cdcare.care.amend import (
    PATIENT_FIELDS,
    amend_assessment,
    assessment_chain,
    update_patient,
    versions,
)
from cdcare.clinical.scales import get_instrument
from cdcare.errors import N_, CdcareError, InputError, NotFound
from cdcare.store.models import Patient, ScaleAssessment
from cdcare.web.deps import DB, CurrentUser, audit, patient_for, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes.patients import answers_from_form, form_page

router = APIRouter(tags=["amend"])


def _assessment(db: DB, patient: Patient, assessment_id: int) -> ScaleAssessment:
    row = db.get(ScaleAssessment, assessment_id)
    if row is None or row.patient_id != patient.id:
        raise NotFound(N_("Assessment {id} not found"), id=assessment_id)
    return row


def _patient_values(p: Patient) -> dict[str, str]:
    fh = {True: "yes", False: "no", None: ""}[p.family_history]
    return {
        "birth_year": str(p.birth_year),
        "sex": p.sex.value,
        "onset_date": p.onset_date.isoformat() if p.onset_date else "",
        "family_history": fh,
        "notes": p.notes,
    }


def _changes(form: dict[str, str]) -> dict[str, Any]:
    year = form.get("birth_year", "").strip()
    if not year.isdigit():
        raise InputError(N_("{field} must be a whole number"), field="birth_year")
    onset = form.get("onset_date", "").strip()
    try:
        onset_date = date.fromisoformat(onset) if onset else None
    except ValueError:
        raise InputError(N_("{field} must be a date like 2026-01-31"), field="onset_date") from None
    fh = {"yes": True, "no": False, "": None}.get(form.get("family_history", ""))
    return {
        "birth_year": int(year),
        "sex": form.get("sex", ""),
        "onset_date": onset_date,
        "family_history": fh,
        "notes": form.get("notes", ""),
    }


@router.get("/patients/{patient_id}/edit")
def edit_form(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_EDIT)],
) -> Response:
    """Form to amend a patient's details (a reason is required)."""
    audit(request, db, user, "view", patient_id=patient.id)  # the form shows the record
    db.commit()
    return render(
        request,
        "patient_edit.html",
        {"patient": patient, "values": _patient_values(patient), "error": ""},
        user=user,
    )


@router.post("/patients/{patient_id}/edit", dependencies=[Depends(verify_csrf)])
async def edit_submit(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_EDIT)],
) -> Response:
    """Apply the amendment; the earlier values are kept as a version."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        update_patient(
            db=db,
            patient_id=patient.id,
            changes=_changes(form),
            changed_by_id=user.id,
            reason=form.get("reason", ""),
        )
    except InputError as err:
        db.rollback()
        values = {f: form.get(f, "") for f in PATIENT_FIELDS}
        return render(
            request,
            "patient_edit.html",
            {
                "patient": patient,
                "values": values,
                "reason": form.get("reason", ""),
                "error": err.text(request_lang(request)),
            },
            user=user,
            status_code=422,
        )
    audit(
        request,
        db,
        user,
        "amend",
        patient_id=patient.id,
        target=f"patient:{patient.id}",
        reason=form.get("reason", ""),
    )
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/history", status_code=303)


@router.get("/patients/{patient_id}/assessments/{assessment_id}/amend")
def amend_form(
    request: Request,
    assessment_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_VIEW)],
) -> Response:
    """The scale form pre-filled with the answers being corrected."""
    row = _assessment(db, patient, assessment_id)
    authorize(user, scale_action(row.instrument), patient)
    values = {k: "" if v is None else str(v) for k, v in row.answers.items()}
    audit(request, db, user, "view", patient_id=patient.id)  # the form shows the old answers
    db.commit()
    return form_page(request, user, patient, row.instrument, values, None, 200, amend_of=row)


@router.post(
    "/patients/{patient_id}/assessments/{assessment_id}/amend", dependencies=[Depends(verify_csrf)]
)
async def amend_submit(
    request: Request,
    assessment_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_VIEW)],
) -> Response:
    """Store the corrected answers as a new version; errors re-show the form at the field."""
    row = _assessment(db, patient, assessment_id)
    authorize(user, scale_action(row.instrument), patient)
    form = await request.form()
    reason = str(form.get("reason", ""))
    values: dict[str, str] = {}
    try:
        values, answers = answers_from_form(get_instrument(row.instrument), form)
        new = amend_assessment(
            db=db, assessment_id=row.id, answers=answers, amended_by_id=user.id, reason=reason
        )
    except CdcareError as err:
        db.rollback()
        return form_page(
            request,
            user,
            patient,
            row.instrument,
            values,
            err,
            err.http_status,
            amend_of=row,
            reason=reason,
        )
    audit(
        request,
        db,
        user,
        "amend",
        patient_id=patient.id,
        target=f"scale_assessment:{row.id}->{new.id}",
        reason=reason,
    )
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/history", status_code=303)


@router.get("/patients/{patient_id}/history")
def history(
    request: Request,
    patient_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_VIEW)],
) -> Response:
    """Every earlier version of the patient's details and every amended assessment."""
    amended = db.scalars(
        select(ScaleAssessment.supersedes_id).where(
            ScaleAssessment.patient_id == patient.id, ScaleAssessment.supersedes_id.is_not(None)
        )
    )
    chains: dict[int, list[ScaleAssessment]] = {}
    for old_id in amended:
        assert old_id is not None
        chain = assessment_chain(db=db, assessment_id=old_id)
        chains[chain[0].id] = chain
    # the reason and snapshot kept for each replaced assessment, keyed by its id
    reasons = {
        v.entity_id: v
        for chain in chains.values()
        for a in chain
        for v in versions(db=db, entity="scale_assessment", entity_id=a.id)
    }
    audit(
        request, db, user, "view", patient_id=patient.id, target=f"/patients/{patient.id}/history"
    )
    db.commit()
    return render(
        request,
        "history.html",
        {
            "patient": patient,
            "patient_versions": versions(db=db, entity="patient", entity_id=patient.id),
            "chains": list(chains.values()),
            "reasons": reasons,
            "current": _patient_values(patient),
        },
        user=user,
    )
