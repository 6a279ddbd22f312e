"""The centre worklist page (staff): why each patient needs attention, filters, sort, counts,
mark handled (kept, audited)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care import worklist as wl
from cdcare.care.access import Action, authorize
from cdcare.care.appointments import KINDS
from cdcare.clock import centre_zone
from cdcare.clock import local_today as centre_today
from cdcare.errors import N_, InputError
from cdcare.i18n import translate, translate_plural
from cdcare.l10n import date_text
from cdcare.web.deps import DB, CurrentUser, audit, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render

router = APIRouter(tags=["worklist"])
#: Reasons a nurse usually answers with a phone call (the "call list").
CALLS = ("phq9_item9", "mood_rising", "wearing_off", "non_response", "silent")


def _weeks(value: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise InputError(N_("{field} must be a whole number"), field="weeks")
    return int(value)


def explain(hit: wl.Hit, lang: str) -> str:
    """The row's explanation in ``lang`` (labels among the params translated, dates written
    for the locale; a counted explanation through ngettext on its count)."""
    params = {k: _param(v, lang) for k, v in hit.params.items()}
    if isinstance(hit.detail, tuple):
        one, many, count = hit.detail
        return translate_plural(one, many, int(hit.params[count]), lang).format(**params)
    return translate(hit.detail, lang).format(**params)


def _param(value: object, lang: str) -> object:
    if isinstance(value, str):
        return translate(value, lang)
    if isinstance(value, date):
        return date_text(value, lang)
    return value


def _detail(hit: wl.Hit, request: Request) -> str:
    return explain(hit, request_lang(request))


@router.get("/worklist")
def worklist_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    reason: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI query list)
    weeks: str = "",
    sort: str = "reason",
    handled: str = "",
) -> Response:
    """Today's worklist of the user's centre."""
    authorize(user, Action.CARE_VIEW)
    zone = centre_zone(request.app.state.settings.timezone)
    today = centre_today(zone)
    result = wl.build_worklist(
        db=db,
        centre_id=user.centre_id,
        today=today,
        lookahead_weeks=_weeks(weeks),
        reasons=[r for r in reason if r],
        sort=sort,
        include_handled=handled == "1",
    )
    shown = sorted({r.patient_id for r in result.rows})
    audit(
        request,
        db,
        user,
        "list",
        target="/worklist",
        reason="patients=" + ",".join(map(str, shown))[:1000],
    )
    db.commit()
    base = {"weeks": result.lookahead_weeks, "sort": sort}
    return render(
        request,
        "worklist.html",
        {
            "wl": result,
            "reasons": wl.REASONS,
            "selected": set(reason),
            "sort": sort,
            "sorts": {
                "reason": N_("by reason"),
                "date": N_("by date"),
                "patient": N_("by patient"),
            },
            "show_handled": handled == "1",
            "reason_link": lambda code: "/worklist?" + urlencode({**base, "reason": code}),
            "call_list": "/worklist?"
            + urlencode([("sort", "date"), *(("reason", r) for r in CALLS)]),
            "thresholds": wl.thresholds(),
            "kinds": KINDS,
            "detail": lambda hit: _detail(hit, request),
            "back": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        },
        user=user,
    )


@router.post("/worklist/handled", dependencies=[Depends(verify_csrf)])
def worklist_handled(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient_id: Annotated[int, Form()],
    reason: Annotated[str, Form()],
    key: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/worklist",
) -> Response:
    """Mark one row handled; the worklist shows again without it."""
    authorize(user, Action.PATIENT_EDIT)
    row = wl.mark_handled(
        db=db,
        centre_id=user.centre_id,
        patient_id=patient_id,
        reason=reason,
        key=key,
        user_id=user.id,
        note=note,
    )
    audit(
        request,
        db,
        user,
        "amend",
        patient_id=patient_id,
        target=f"worklist:{row.id}:{reason}:{key}:handled",
    )
    db.commit()
    target = back if back.startswith("/worklist") else "/worklist"
    return RedirectResponse(target, status_code=303)
