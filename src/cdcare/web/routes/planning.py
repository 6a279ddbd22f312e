"""Injection planning page: patterns → muscles → doses, with live dose checks (HTMX).

The page never invents a dose: suggestions and limits come from ``clinical/planning.py`` and
its sourced data; every check runs again on the server for each change.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from cdcare.care.access import Action
from cdcare.clinical.planning import check_plan, make_plan, plan_document, plan_from_dict
from cdcare.clinical.posture import parse_pattern
from cdcare.clinical.posture import patterns as pattern_defs
from cdcare.clinical.toxins import products
from cdcare.errors import N_, InputError
from cdcare.store.models import Patient, User
from cdcare.web.deps import DB, CurrentUser, audit, local_today, patient_for, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render

router = APIRouter(tags=["planning"])


#: Schematic positions (x, y) on the neck diagram, viewBox 0 0 200 200, seen from BEHIND:
#: the patient's left is the viewer's left; the right side mirrors x → 200 − x. Presentation only.
DIAGRAM_XY: dict[str, tuple[int, int]] = {
    "sternocleidomastoid": (74, 96),
    "splenius_capitis": (86, 80),
    "splenius_cervicis": (84, 110),
    "semispinalis_capitis": (94, 76),
    "semispinalis_cervicis": (94, 104),
    "upper_trapezius": (52, 134),
    "levator_scapulae": (70, 120),
    "scalenes": (66, 104),
    "longissimus_capitis": (80, 88),
    "longissimus_cervicis": (78, 114),
    "multifidi": (97, 116),
    "obliquus_capitis_inferior": (88, 66),
    "obliquus_capitis_superior": (84, 58),
    "rectus_capitis_lateralis": (78, 62),
    "rectus_capitis_posterior": (95, 62),
    "rectus_capitis_anterior": (91, 54),
    "longus_capitis": (90, 90),
    "longus_colli": (93, 98),
    "suprahyoid": (88, 48),
}


def diagram_points(plan: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Marks for the neck diagram: one per planned injection, x mirrored for the right side."""
    points: list[dict[str, Any]] = []
    for inj in (plan or {}).get("injections", []):
        x, y = DIAGRAM_XY.get(inj["muscle"], (100, 150))
        points.append(
            {
                "x": x if inj["side"] == "left" else 200 - x,
                "y": y,
                "label": inj["muscle_name"],
                "dose": inj["dose"],
                "side": inj["side"],
            }
        )
    return points


def _today(request: Request) -> date:
    return local_today(request)


def _date(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(N_("{field} must be a date like 2026-01-31"), field=field) from None


def _page(
    request: Request, user: User, patient: Patient, state: dict[str, Any], status: int = 200
) -> Response:
    template = "plan_result.html" if request.headers.get("hx-request") else "plan.html"
    lang = request_lang(request)
    context = {
        "patient": patient,
        "products": sorted(products().values(), key=lambda p: p.code),
        "pattern_defs": sorted(pattern_defs().values(), key=lambda p: (p.plane, p.code)),
        "lang": lang,
        "points": diagram_points(state.get("plan")),
        **state,
    }
    return render(request, template, context, user=user, status_code=status)


def _evaluate(
    request: Request, plan_dict: dict[str, Any] | None, form: dict[str, str]
) -> dict[str, Any]:
    """Check a plan; InputErrors become an error message on the page (nothing is saved)."""
    lang = request_lang(request)
    state: dict[str, Any] = {"form": form, "plan": None, "error": ""}
    try:
        last = _date(form.get("last_injection", ""), "last_injection")
        if plan_dict is None:
            pats = [parse_pattern(p) for p in form.get("patterns", "").split() if p]
            plan = make_plan(pats, form.get("product", ""), naive=form.get("naive") == "1")
        else:
            plan = plan_from_dict(plan_dict)
        findings = check_plan(
            plan, last, _today(request), form.get("override_reason") or None, today=_today(request)
        )
        doc = plan_document(plan, findings, lang)
        state["plan"], state["refused"] = doc.to_json(), doc.refused
    except InputError as err:
        state["error"] = err.text(lang)
    return state


@router.get("/patients/{patient_id}/plan")
def plan_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.INJECTION_PLAN)],
    product: str = "",
    naive: str = "",
    last_injection: str = "",
) -> Response:
    """The planner; with ``product`` and one or more ``pattern=CODE[:SIDE]`` it suggests."""
    pattern = " ".join(p for p in request.query_params.getlist("pattern") if p.strip())
    form = {
        "product": product,
        "patterns": pattern,
        "naive": naive,
        "last_injection": last_injection,
    }
    state: dict[str, Any] = {"form": form, "plan": None, "error": ""}
    if product and pattern:
        state = _evaluate(request, None, form)
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return _page(request, user, patient, state, 422 if state["error"] else 200)


def _plan_from_form(form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    fields = {
        k: str(form.get(k, ""))
        for k in ("product", "patterns", "naive", "last_injection", "override_reason")
    }
    injections = []
    for muscle, side, dose in zip(
        form.getlist("muscle"), form.getlist("side"), form.getlist("dose"), strict=False
    ):
        raw = str(dose).strip()
        try:
            value: Any = float(raw)
        except ValueError:
            value = raw  # the planner names the muscle whose dose is not a number
        injections.append({"muscle": str(muscle), "side": str(side), "dose": value})
    plan = {
        "product": fields["product"],
        "injections": injections,
        "patterns": fields["patterns"].split(),
        "naive": fields["naive"] == "1",
    }
    return plan, fields


@router.post("/patients/{patient_id}/plan/check", dependencies=[Depends(verify_csrf)])
async def plan_check(
    request: Request,
    patient: Annotated[Patient, patient_for(Action.INJECTION_PLAN)],
    db: DB,
    user: CurrentUser,
) -> Response:
    """Re-check edited doses; returns the result fragment (HTMX) or the whole page."""
    plan, fields = _plan_from_form(await request.form())
    state = _evaluate(request, plan, fields)
    status = 422 if state["error"] else 200
    return _page(request, user, patient, state, status)
