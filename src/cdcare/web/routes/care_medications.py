"""Medications page: current and past oral courses; start, titrate, side-effect and stop forms.

Doses are exactly what the physician enters (a positive number in the chosen unit); nothing
here suggests a dose.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from cdcare.care import medications as meds
from cdcare.care.access import Action
from cdcare.errors import N_, InputError, NotFound
from cdcare.store.models import Patient, User
from cdcare.web.deps import DB, CurrentUser, audit, local_today, patient_for
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes.care_common import (
    POST_DEPS,
    error_field,
    field_str,
    label,
    number,
)

router = APIRouter(tags=["care"])


def _page(
    request: Request,
    db: DB,
    user: User,
    patient: Patient,
    *,
    error: InputError | None = None,
    form_id: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    lang = request_lang(request)
    courses = meds.medications(db=db, patient_id=patient.id)
    classes = meds.classes()
    return render(
        request,
        "care/medications.html",
        {
            "patient": patient,
            "current": [m for m in courses if m.stop_on is None],
            "past": [m for m in courses if m.stop_on is not None],
            "classes": {k: v["ko" if lang == "ko" else "en"] for k, v in classes.items()},
            "class_src": classes,
            "units": meds.units(),
            "label": label,
            "error": error.text(lang) if error else "",
            "error_field": error_field(error) if error else "",
            "form_id": form_id,
            "values": values or {},
            "today": local_today(request).isoformat(),
        },
        user=user,
        status_code=status,
    )


@router.get("/patients/{patient_id}/medications")
def medications_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.CARE_VIEW)],
) -> Response:
    """Current and past medication courses with their titrations and side effects."""
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return _page(request, db, user, patient)


#: (session, patient, form values, local today) → the changed row
Change = Callable[[Session, Patient, dict[str, str], date], Any]


def _start(db: Session, patient: Patient, v: dict[str, str], today: date) -> Any:
    return meds.start_medication(
        db=db,
        patient_id=patient.id,
        drug=v["drug"],
        drug_class=v["drug_class"],
        dose=number(v["dose"], "dose"),
        unit=v["unit"],
        frequency=v["frequency"],
        start_on=v["on"],
        today=today,
    )


def _titrate(db: Session, patient: Patient, v: dict[str, str], today: date) -> Any:
    return meds.titrate(
        db=db,
        medication_id=int(v["mid"]),
        patient_id=patient.id,
        on=v["on"],
        dose=number(v["dose"], "dose"),
        frequency=v["frequency"] or None,
        note=v["note"],
        today=today,
    )


def _side_effect(db: Session, patient: Patient, v: dict[str, str], today: date) -> Any:
    return meds.side_effect(
        db=db,
        medication_id=int(v["mid"]),
        patient_id=patient.id,
        on=v["on"],
        note=v["note"],
        today=today,
    )


def _stop(db: Session, patient: Patient, v: dict[str, str], today: date) -> Any:
    return meds.stop(
        db=db,
        medication_id=int(v["mid"]),
        patient_id=patient.id,
        on=v["on"],
        reason=v["reason"],
        today=today,
    )


#: form name → (service call, audit action)
CHANGES: dict[str, tuple[Change, str]] = {
    "start": (_start, "create"),
    "titrate": (_titrate, "amend"),
    "side-effect": (_side_effect, "create"),
    "stop": (_stop, "amend"),
}
FIELDS = ("drug", "drug_class", "dose", "unit", "frequency", "on", "note", "reason")


async def _change(
    request: Request, db: Session, user: User, patient: Patient, kind: str, mid: int = 0
) -> Response:
    form = await request.form()
    values = {k: field_str(form, k) for k in FIELDS}
    values["mid"] = str(mid)
    call, action = CHANGES[kind]
    try:
        row = call(db, patient, values, local_today(request))
    except InputError as err:
        db.rollback()
        form_id = f"{kind}-{mid}" if mid else kind
        return _page(
            request, db, user, patient, error=err, form_id=form_id, values=values, status=422
        )
    target = f"medication:{mid or row.id}"
    audit(request, db, user, action, patient_id=patient.id, target=target)
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/medications", status_code=303)


@router.post("/patients/{patient_id}/medications", dependencies=POST_DEPS)
async def medication_start(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.MEDICATION_RECORD)],
) -> Response:
    """Start a course (drug, class, dose as entered, unit, frequency, start date)."""
    return await _change(request, db, user, patient, "start")


@router.post(
    "/patients/{patient_id}/medications/{medication_id}/{kind}",
    dependencies=POST_DEPS,
)
async def medication_event(
    request: Request,
    medication_id: int,
    kind: str,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.MEDICATION_RECORD)],
) -> Response:
    """``kind`` titrate / side-effect / stop on one of the patient's courses."""
    if kind not in CHANGES or kind == "start":
        raise NotFound(N_("Page not found"))
    return await _change(request, db, user, patient, kind, medication_id)
