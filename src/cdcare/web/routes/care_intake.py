"""Intake & diagnosis support page: the intake form (create / amend with a reason, earlier
versions kept), the risk-factor profile, red flags with work-up and sources, the differential
checklist and the standing disclaimer (support for the clinician, never a diagnosis)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from cdcare.care.access import Action
from cdcare.care.amend import versions
from cdcare.care.intake import (
    ONSET_SPEEDS,
    get_intake,
    intake_to_dict,
    profile_to_dict,
    record_intake,
    risk_profile,
    vocabulary,
)
from cdcare.clinical import diagnosis as dx
from cdcare.errors import N_, InputError
from cdcare.store.care_models import Course, Intake
from cdcare.store.models import Patient, User
from cdcare.web.deps import DB, CurrentUser, audit, patient_for
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes.care_common import (
    POST_DEPS,
    error_field,
    field_str,
    label,
    whole,
)

router = APIRouter(tags=["care"])

LIST_FIELDS = ("first_symptoms", "triggers", "sensory_tricks", "other_neuro_signs")
TRISTATE = ("family_history", "neck_trauma", "stress_fatigue")
_TRI = {"yes": True, "no": False, "": None}
BLANK_DRUG_ROWS = 2


def intake_data(form: FormData) -> dict[str, Any]:
    """Form fields → the mapping :func:`record_intake` validates (blank → not recorded)."""
    data: dict[str, Any] = {
        "onset_age": whole(field_str(form, "onset_age"), "onset_age"),
        "onset_date": field_str(form, "onset_date") or None,
        "onset_speed": field_str(form, "onset_speed") or None,
        "course": field_str(form, "course") or "unknown",
        "neck_trauma_note": field_str(form, "neck_trauma_note"),
        "pain": whole(field_str(form, "pain"), "pain"),
        "infections": [x.strip() for x in re.split(r"[,\n]", field_str(form, "infections"))],
        "prior_treatments": [str(v) for v in form.getlist("prior_treatments")],
    }
    data["infections"] = [x for x in data["infections"] if x]
    for key in LIST_FIELDS:
        data[key] = [str(v) for v in form.getlist(key)]
    for key in TRISTATE:
        raw = field_str(form, key)
        if raw not in _TRI:
            raise InputError(
                N_("Unknown {field} code '{value}'; known: {known}"),
                field=key,
                value=raw,
                known="yes, no",
            )
        data[key] = _TRI[raw]
    rows = zip(
        form.getlist("drb_drug"), form.getlist("drb_start"), form.getlist("drb_stop"), strict=False
    )
    data["dopamine_blockers"] = [
        {"drug": str(d).strip(), "start": str(s).strip() or None, "stop": str(e).strip() or None}
        for d, s, e in rows
        if str(d).strip() or str(s).strip() or str(e).strip()
    ]
    return data


def _values_from_form(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: field_str(form, k) for k in form if k != "csrf_token"}
    for key in (*LIST_FIELDS, "prior_treatments"):
        values[key] = [str(v) for v in form.getlist(key)]
    values["dopamine_blockers"] = [
        {"drug": str(d), "start": str(s), "stop": str(e)}
        for d, s, e in zip(
            form.getlist("drb_drug"),
            form.getlist("drb_start"),
            form.getlist("drb_stop"),
            strict=False,
        )
    ]
    return values


def _values_from_row(row: Intake | None) -> dict[str, Any]:
    if row is None:
        return {"dopamine_blockers": []}
    d = intake_to_dict(row)
    values: dict[str, Any] = {k: ("" if v is None else v) for k, v in d.items()}
    for key in ("onset_age", "pain"):
        values[key] = "" if d[key] is None else str(d[key])
    for key in TRISTATE:
        values[key] = {True: "yes", False: "no", None: ""}[d[key]]
    values["infections"] = ", ".join(d["infections"])
    values["dopamine_blockers"] = [
        {"drug": b["drug"], "start": b["start"] or "", "stop": b["stop"] or ""}
        for b in d["dopamine_blockers"]
    ]
    return values


def _page(
    request: Request,
    db: DB,
    user: User,
    patient: Patient,
    values: dict[str, Any],
    *,
    error: InputError | None = None,
    status: int = 200,
) -> Response:
    lang = request_lang(request)
    row = get_intake(db=db, patient_id=patient.id)
    if row is not None:
        prof = risk_profile(row, patient)
        profile = profile_to_dict(prof, lang)
        checklist = prof.differential
    else:
        profile = {"risk_factors": [], "red_flags": []}
        checklist = dx.assess(dx.Intake()).differential
    values = {**values, "dopamine_blockers": values.get("dopamine_blockers", [])}
    values["dopamine_blockers"] += [{"drug": "", "start": "", "stop": ""}] * BLANK_DRUG_ROWS
    return render(
        request,
        "care/intake.html",
        {
            "patient": patient,
            "intake": row,
            "values": values,
            "vocabulary": vocabulary(),
            "list_fields": LIST_FIELDS,
            "onset_speeds": ONSET_SPEEDS,
            "courses": [c.value for c in Course],
            "label": label,
            "profile": profile,
            "differential": checklist,
            "disclaimer": dx.disclaimer().text(lang),
            "flag_names": {
                code: f["ko" if lang == "ko" else "en"]
                for code, f in dx.data()["red_flags"].items()
            },
            "versions": versions(db=db, entity="intake", entity_id=row.id) if row else [],
            "error": error.text(lang) if error else "",
            "error_field": error_field(error) if error else "",
        },
        user=user,
        status_code=status,
    )


@router.get("/patients/{patient_id}/intake")
def intake_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.CARE_VIEW)],
) -> Response:
    """The intake form (pre-filled when recorded) and the diagnosis-support panel."""
    row = get_intake(db=db, patient_id=patient.id)
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return _page(request, db, user, patient, _values_from_row(row))


@router.post("/patients/{patient_id}/intake", dependencies=POST_DEPS)
async def intake_submit(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.INTAKE_RECORD)],
) -> Response:
    """Create or amend the intake; a bad field re-shows the form (422) with the error there."""
    form = await request.form()
    existing = get_intake(db=db, patient_id=patient.id)
    reason = field_str(form, "reason")
    try:
        data = intake_data(form)
        if existing is not None and not reason:
            raise InputError(N_("An amendment needs a reason"), field="reason")
        row = record_intake(db=db, patient_id=patient.id, data=data, user_id=user.id, reason=reason)
    except InputError as err:
        db.rollback()
        return _page(request, db, user, patient, _values_from_form(form), error=err, status=422)
    action = "amend" if existing is not None else "create"
    audit(
        request, db, user, action, patient_id=patient.id, target=f"intake:{row.id}", reason=reason
    )
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/intake", status_code=303)
