"""JSON API (same services and permissions as the pages). Errors: JSON with a message."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from cdcare.care.access import Action, authorize, scale_action
from cdcare.care.patients import (
    latest_assessments,
    list_patients,
    record_assessment,
)
from cdcare.store.models import Patient, ScaleAssessment
from cdcare.web.deps import DB, CurrentUser, audit, patient_for, verify_csrf
from cdcare.web.render import csrf_token

router = APIRouter(prefix="/api", tags=["api"])


class AssessmentIn(BaseModel):
    """A scale answer set: item code → value (see ``cdcare scales show``)."""

    instrument: str
    answers: dict[str, Any]


def _patient_json(p: Patient) -> dict[str, Any]:
    return {
        "id": p.id,
        "record_number": p.record_number,
        "birth_year": p.birth_year,
        "sex": p.sex.value,
        "onset_date": p.onset_date.isoformat() if p.onset_date else None,
        "family_history": p.family_history,
    }


def _assessment_json(a: ScaleAssessment) -> dict[str, Any]:
    return {
        "id": a.id,
        "instrument": a.instrument,
        "version": a.instrument_version,
        "answers": a.answers,
        "subscores": a.subscores,
        "total": a.total,
        "band": a.band,
        "assessed_at": a.assessed_at.isoformat(),
        "supersedes_id": a.supersedes_id,
    }


@router.get("/me")
def me(user: CurrentUser) -> dict[str, Any]:
    """The logged-in account."""
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role.value,
        "centre_id": user.centre_id,
        "patient_id": user.patient_id,
    }


@router.get("/csrf")
def csrf(request: Request, user: CurrentUser) -> dict[str, str]:
    """The session's CSRF token, to send as ``X-CSRF-Token`` on state-changing API calls."""
    return {"csrf_token": csrf_token(request)}


@router.get("/patients")
def patients(request: Request, db: DB, user: CurrentUser) -> list[dict[str, Any]]:
    """Patients of the caller's centre."""
    authorize(user, Action.PATIENT_LIST)
    rows = list_patients(db=db, centre_id=user.centre_id)
    audit(request, db, user, "list")
    db.commit()
    return [_patient_json(p) for p in rows]


@router.get("/patients/{patient_id}")
def patient(
    request: Request,
    db: DB,
    user: CurrentUser,
    p: Annotated[Patient, patient_for(Action.PATIENT_VIEW)],
) -> dict[str, Any]:
    """One patient with their current (non-amended) assessments."""
    out = _patient_json(p)
    out["assessments"] = [_assessment_json(a) for a in latest_assessments(db=db, patient_id=p.id)]
    audit(request, db, user, "view", patient_id=p.id)
    db.commit()
    return out


@router.post(
    "/patients/{patient_id}/assessments", status_code=201, dependencies=[Depends(verify_csrf)]
)
def add_assessment(
    request: Request,
    body: AssessmentIn,
    db: DB,
    user: CurrentUser,
    p: Annotated[Patient, patient_for(None)],
) -> dict[str, Any]:
    """Score and store an answer set (422 naming the item when it cannot be scored)."""
    authorize(user, scale_action(body.instrument), p)
    row = record_assessment(
        db=db,
        patient_id=p.id,
        instrument=body.instrument,
        answers=body.answers,
        assessed_by_id=user.id,
    )
    audit(request, db, user, "create", patient_id=p.id, target=f"scale_assessment:{row.id}")
    db.commit()
    return _assessment_json(row)
