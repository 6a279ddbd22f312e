"""The patient's reminders in the portal: messages received, e-mail address and opt-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from cdcare.care import reminders
from cdcare.care.access import Action
from cdcare.errors import CdcareError
from cdcare.store.models import Patient
from cdcare.web.deps import DB, CurrentUser, audit, own_record, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render

router = APIRouter(tags=["portal"])


def _page(
    request: Request, db: DB, user: CurrentUser, *, saved: bool = False, error: str = "",
    status_code: int = 200,
) -> Response:  # fmt: skip
    assert user.patient_id is not None
    return render(
        request,
        "portal/reminders.html",
        {
            "messages": reminders.messages_for(db=db, patient_id=user.patient_id),
            "contact": reminders.contact(db=db, patient_id=user.patient_id),
            "saved": saved,
            "error": error,
        },
        user=user,
        status_code=status_code,
    )


@router.get("/me/reminders")
def reminders_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.DIARY_WRITE)],
) -> Response:
    """Reminders the clinic sent the patient, and how they want them."""
    audit(request, db, user, "view", patient_id=patient.id, target="/me/reminders")
    response = _page(request, db, user)
    db.commit()
    return response


@router.post("/me/reminders", dependencies=[Depends(verify_csrf)])
def reminders_save(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.DIARY_WRITE)],
    email: Annotated[str, Form()] = "",
    opt_out: Annotated[str, Form()] = "",
) -> Response:
    """Save the e-mail address and the opt-out (logged)."""
    try:
        row = reminders.set_contact(
            db=db, patient_id=patient.id, email=email, opt_out=opt_out == "1"
        )
    except CdcareError as err:
        db.rollback()
        return _page(request, db, user, error=err.text(request_lang(request)), status_code=422)
    mail = "set" if row.email else "none"
    target = f"reminder_contact:{row.id}:opt_out={row.opt_out}:email={mail}"
    audit(request, db, user, "amend", patient_id=patient.id, target=target)
    db.commit()
    return _page(request, db, user, saved=True)
