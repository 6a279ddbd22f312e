"""Booking and cancelling appointments from the patient page (staff with PATIENT_EDIT)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care.access import Action
from cdcare.care.appointments import cancel, schedule
from cdcare.clock import centre_zone
from cdcare.errors import N_, InputError
from cdcare.store.models import Patient
from cdcare.web.deps import DB, CurrentUser, audit, patient_for, verify_csrf

router = APIRouter(tags=["appointments"])


def parse_local_time(value: str, zone: ZoneInfo) -> datetime:
    """'2026-12-01T09:30' (a local time in ``zone``) → aware datetime."""
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            N_("{field} must be a date and time like 2026-12-01 09:30"), field="starts_at"
        ) from None
    return naive.replace(tzinfo=zone) if naive.tzinfo is None else naive


@router.post("/patients/{patient_id}/appointments", dependencies=[Depends(verify_csrf)])
async def book(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_EDIT)],
) -> Response:
    """Book an appointment (local time of the app's zone); errors are shown as a page."""
    form = await request.form()
    zone = centre_zone(request.app.state.settings.timezone)
    row = schedule(
        db=db,
        patient_id=patient.id,
        starts_at=parse_local_time(str(form.get("starts_at", "")), zone),
        kind=str(form.get("kind", "")),
        note=str(form.get("note", "")),
        created_by_id=user.id,
    )
    audit(request, db, user, "create", patient_id=patient.id, target=f"appointment:{row.id}")
    db.commit()
    back = str(form.get("back", ""))
    if back.startswith("/worklist"):  # booked from the worklist: go back there
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(f"/patients/{patient.id}#appointments", status_code=303)


@router.post(
    "/patients/{patient_id}/appointments/{appointment_id}/cancel",
    dependencies=[Depends(verify_csrf)],
)
def cancel_booking(
    request: Request,
    appointment_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_EDIT)],
) -> Response:
    """Cancel an appointment (kept, marked cancelled)."""
    cancel(db=db, patient_id=patient.id, appointment_id=appointment_id)
    audit(
        request,
        db,
        user,
        "amend",
        patient_id=patient.id,
        target=f"appointment:{appointment_id}:cancelled",
    )
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}#appointments", status_code=303)
