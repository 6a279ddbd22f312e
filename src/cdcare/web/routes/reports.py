"""PDF visit report download: ``GET /patients/{id}/report.pdf?reason=...``.

Needs REPORT_EXPORT on a patient in reach (another centre's patient answers 404), a stated
reason, and writes an "export" access-log event with that reason. The report holds what the
store has (scales, finished video measurements, the injection log; see ``collect_report``).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cdcare.care.access import Action
from cdcare.reports.collect import collect_report, export_reason
from cdcare.reports.pdf import build_pdf
from cdcare.store.models import Patient
from cdcare.web.deps import DB, CurrentUser, audit, patient_for
from cdcare.web.i18n import request_lang

router = APIRouter(tags=["reports"])


@router.get("/patients/{patient_id}/report.pdf")
def report_pdf(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.REPORT_EXPORT)],
    reason: str = "",
) -> Response:
    """The patient's visit report as a PDF attachment, in the request's language."""
    why = export_reason(reason)
    settings = request.app.state.settings
    data = collect_report(
        db=db,
        patient_id=patient.id,
        generated_by=f"{user.display_name} ({user.username})",
        demo=settings.demo,
        timezone=settings.timezone,
    )
    pdf = build_pdf(data, lang=request_lang(request), timezone=settings.timezone)
    audit(request, db, user, "export", patient_id=patient.id, reason=why)
    db.commit()
    name = re.sub(r"[^A-Za-z0-9._-]", "_", patient.record_number)
    stamp = data.header.generated_at.strftime("%Y%m%d")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="report-{name}-{stamp}.pdf"'},
    )
