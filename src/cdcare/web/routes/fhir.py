"""FHIR API: ``GET /api/fhir/Patient/{id}/$everything?reason=...`` (FHIR R4B Bundle, JSON).

Staff of the patient's centre with REPORT_EXPORT only: another centre's patient answers 404
(as every API route), a patient account or an admin 403. The export needs a stated reason and
writes an "export" access-log event with it, like the PDF report.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cdcare.care.access import Action
from cdcare.errors import N_, PermissionDenied
from cdcare.interop import export_patient
from cdcare.reports.collect import export_reason
from cdcare.store.models import Patient, Role
from cdcare.web.deps import DB, CurrentUser, audit, patient_for

router = APIRouter(prefix="/api/fhir", tags=["fhir"])
FHIR_JSON = "application/fhir+json"


@router.get("/Patient/{patient_id}/$everything")
def everything(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.REPORT_EXPORT)],
    reason: str = "",
) -> JSONResponse:
    """The patient's record as a FHIR R4B Bundle (type collection); see docs/fhir.md."""
    if user.role is Role.PATIENT:
        raise PermissionDenied(N_("Your role may not do this ({action})"), action="fhir_export")
    why = export_reason(reason)
    bundle = export_patient(db=db, patient_id=patient.id)
    audit(request, db, user, "export", patient_id=patient.id, target="fhir", reason=why)
    db.commit()
    return JSONResponse(bundle, media_type=FHIR_JSON)
