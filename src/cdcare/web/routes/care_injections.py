"""Injection log page: sessions with sites, lot, dilution, guidance, stored warnings, override
reasons and adverse events; recording a session from the planner's checked plan (physician
only); adding an adverse event to a session.

Recording re-runs every planning check on the server against the logged sessions: a refused
plan is not saved and the page shows the refusal reasons (422) with the plan kept, so an early
re-injection can be sent again with an override reason. Doses are in the product's own units.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from cdcare.care.access import Action
from cdcare.care.injections import (
    add_adverse_event,
    adverse_event_codes,
    parse_items,
    record_injection,
    session_to_dict,
    sessions,
)
from cdcare.clinical.planning import Guidance
from cdcare.clinical.posture import muscles
from cdcare.clinical.toxins import get_product
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.store.care_models import InjectionSession
from cdcare.store.models import Patient, User
from cdcare.web.deps import DB, CurrentUser, audit, local_today, patient_for
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes.care_common import (
    POST_DEPS,
    field_str,
    label,
    number,
)

router = APIRouter(tags=["care"])

SEVERITIES = ("mild", "moderate", "severe")


def _finding_text(f: dict[str, Any], lang: str) -> str:
    """A stored warning in ``lang`` (older rows without msgid keep their English text)."""
    msgid, params = f.get("msgid"), f.get("params")
    if isinstance(msgid, str) and isinstance(params, dict):
        try:
            return translate(msgid, lang).format(**params)
        except (KeyError, IndexError, ValueError):
            pass
    return str(f.get("message", ""))


def session_view(s: InjectionSession, lang: str) -> dict[str, Any]:
    """A session for display: names in ``lang``, warnings re-rendered, event labels."""
    ko = lang == "ko"
    d = session_to_dict(s)
    prod = get_product(s.product)
    mus, codes = muscles(), adverse_event_codes()
    d["product_name"] = prod.ko if ko else prod.en
    for site in d["sites"]:
        m = mus.get(site["muscle"])
        site["muscle_name"] = (m.ko if ko else m.en) if m else site["muscle"]
    for f in d["findings"]:
        f["text"] = _finding_text(f, lang)
    for a in d["adverse_events"]:
        spec = codes.get(a["code"], {})
        a["label"] = spec.get("ko" if ko else "en", a["code"])
        a["source"], a["verified"] = spec.get("source", "U"), spec.get("verified", False)
    return d


def _pending(form: FormData, lang: str) -> dict[str, Any]:
    """The submitted plan and record fields, to show again after a refusal."""
    mus = muscles()
    rows = []
    for m, s, dose in zip(
        form.getlist("muscle"), form.getlist("side"), form.getlist("dose"), strict=False
    ):
        spec = mus.get(str(m))
        name = (spec.ko if lang == "ko" else spec.en) if spec else str(m)
        rows.append({"muscle": str(m), "muscle_name": name, "side": str(s), "dose": str(dose)})
    keys = ("product", "lot", "dilution", "guidance", "injected_on", "override_reason", "notes")
    return {"rows": rows, **{k: field_str(form, k) for k in keys}}


def _page(
    request: Request,
    db: DB,
    user: User,
    patient: Patient,
    *,
    pending: dict[str, Any] | None = None,
    error: str = "",
    ae_session: int | None = None,
    ae_values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    lang = request_lang(request)
    rows = [session_view(s, lang) for s in reversed(sessions(db=db, patient_id=patient.id))]
    codes = adverse_event_codes()
    return render(
        request,
        "care/injections.html",
        {
            "patient": patient,
            "sessions": rows,
            "ae_codes": {k: v["ko" if lang == "ko" else "en"] for k, v in codes.items()},
            "severities": SEVERITIES,
            "guidances": [g.value for g in Guidance],
            "label": label,
            "pending": pending,
            "error": error,
            "ae_session": ae_session,
            "ae_values": ae_values or {},
            "today": local_today(request).isoformat(),
        },
        user=user,
        status_code=status,
    )


@router.get("/patients/{patient_id}/injections")
def injection_log(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.CARE_VIEW)],
) -> Response:
    """The patient's injection sessions, newest first."""
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return _page(request, db, user, patient)


def _day(raw: str, field: str, default: date) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(N_("{field} must be a date like 2026-01-31"), field=field) from None


@router.post("/patients/{patient_id}/injections", dependencies=POST_DEPS)
async def injection_record(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.INJECTION_RECORD)],
) -> Response:
    """Log a session from a checked plan; a refusal is shown (422) and nothing is saved."""
    form = await request.form()
    lang = request_lang(request)
    today = local_today(request)
    try:
        product = field_str(form, "product")
        raw_items = [
            {"muscle": str(m), "side": str(s), "dose": _dose(str(d))}
            for m, s, d in zip(
                form.getlist("muscle"), form.getlist("side"), form.getlist("dose"), strict=False
            )
        ]
        row = record_injection(
            db=db,
            patient_id=patient.id,
            on=_day(field_str(form, "injected_on"), "injected_on", today),
            product=product,
            items=parse_items(raw_items, product),
            lot=field_str(form, "lot"),
            dilution_u_per_ml=number(field_str(form, "dilution"), "dilution"),
            guidance=field_str(form, "guidance"),
            injector=user.display_name,
            injector_id=user.id,
            override_reason=field_str(form, "override_reason") or None,
            notes=field_str(form, "notes"),
            lang=lang,
            today=today,
        )
    except InputError as err:
        db.rollback()
        pending = _pending(form, lang)
        return _page(request, db, user, patient, pending=pending, error=err.text(lang), status=422)
    audit(request, db, user, "create", patient_id=patient.id, target=f"injection_session:{row.id}")
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/injections#s{row.id}", status_code=303)


def _dose(raw: str) -> float | str:
    """A dose as typed: a number, or the text itself (the plan check names the muscle)."""
    try:
        return float(raw.strip())
    except ValueError:
        return raw


@router.post(
    "/patients/{patient_id}/injections/{session_id}/adverse-events",
    dependencies=POST_DEPS,
)
async def adverse_event_add(
    request: Request,
    session_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.ADVERSE_EVENT_RECORD)],
) -> Response:
    """Link an adverse event to one of the patient's sessions (another patient's → 404)."""
    form = await request.form()
    values = {k: field_str(form, k) for k in ("onset", "code", "severity", "note")}
    try:
        event = add_adverse_event(
            db=db,
            session_id=session_id,
            patient_id=patient.id,
            onset_on=values["onset"],
            code=values["code"],
            severity=values["severity"],
            note=values["note"],
            today=local_today(request),
        )
    except InputError as err:
        db.rollback()
        lang = request_lang(request)
        return _page(
            request,
            db,
            user,
            patient,
            error=err.text(lang),
            ae_session=session_id,
            ae_values=values,
            status=422,
        )
    audit(request, db, user, "create", patient_id=patient.id, target=f"adverse_event:{event.id}")
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/injections#s{session_id}", status_code=303)
