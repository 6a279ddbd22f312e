"""Administration: the access-log viewer (centre-scoped, filterable) and its recorded reviews."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care.access import Action, authorize
from cdcare.care.audit import ACTIONS, query_events
from cdcare.care.audit_checkpoint import checkpoint_path, verify
from cdcare.care.audit_review import record_review, reviews
from cdcare.clock import centre_zone
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.store.models import Centre
from cdcare.web.deps import DB, CurrentUser, audit, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render

router = APIRouter(tags=["admin"])


def _local_day(value: str, zone: ZoneInfo, field: str) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(N_("{field} must be a date like 2026-01-31"), field=field) from None
    return datetime.combine(day, time(0), zone).astimezone(UTC)


@router.get("/admin/audit")
def audit_log(
    request: Request,
    db: DB,
    user: CurrentUser,
    username: str = "",
    patient_id: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    """Access-log events of the admin's centre; dates are local (centre zone) days."""
    authorize(user, Action.AUDIT_VIEW)
    zone = centre_zone(request.app.state.settings.timezone)
    pid: int | None = None
    if patient_id.strip():
        if not patient_id.strip().isdigit():
            raise InputError(N_("{field} must be a whole number"), field="patient_id")
        pid = int(patient_id)
    if action and action not in ACTIONS:
        raise InputError(N_("Unknown action {action}"), action=action)
    start = _local_day(since, zone, "since")
    end = _local_day(until, zone, "until")
    events = query_events(
        db=db,
        centre_id=user.centre_id,
        patient_id=pid,
        username=username,
        action=action or None,
        since=start,
        until=end + timedelta(days=1) if end else None,
    )
    report = verify(db=db, path=checkpoint_path(request.app.state.settings))
    lang = request_lang(request)
    problems = [translate(m, lang).format(**p) for m, p in report.problems]
    audit(request, db, user, "view", target="/admin/audit")
    db.commit()
    return render(
        request,
        "audit.html",
        {
            "events": events,
            "broken": report.broken,
            "problems": problems,
            "actions": sorted(ACTIONS),
            "reviews": reviews(db=db, centre_id=user.centre_id),
            "filters": {
                "username": username,
                "patient_id": patient_id,
                "action": action,
                "since": since,
                "until": until,
            },
        },
        user=user,
    )


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(N_("{field} must be a date like 2026-01-31"), field=field) from None


@router.post("/admin/audit/review", dependencies=[Depends(verify_csrf)])
async def audit_review(request: Request, db: DB, user: CurrentUser) -> Response:
    """Record that the admin reviewed a period of the centre's access log."""
    authorize(user, Action.AUDIT_VIEW)
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in ("period_from", "period_to", "note")}
    row = record_review(
        db=db,
        reviewer=user,
        period_from=_day(values["period_from"], "period_from"),
        period_to=_day(values["period_to"], "period_to"),
        note=values["note"],
        timezone=request.app.state.settings.timezone,
    )
    audit(request, db, user, "view", target=f"audit_review:{row.id}", reason="access-log review")
    db.commit()
    return RedirectResponse("/admin/audit", status_code=303)


@router.get("/admin/centre")
def centre_settings(request: Request, db: DB, user: CurrentUser) -> Response:
    """The admin's centre settings (raw-video retention)."""
    authorize(user, Action.CENTRE_SETTINGS)
    centre = db.get(Centre, user.centre_id)
    return render(request, "admin_centre.html", {"centre": centre, "saved": False}, user=user)


@router.post("/admin/centre", dependencies=[Depends(verify_csrf)])
async def centre_settings_save(request: Request, db: DB, user: CurrentUser) -> Response:
    """Change whether the centre keeps raw videos after analysis (logged)."""
    authorize(user, Action.CENTRE_SETTINGS)
    centre = db.get(Centre, user.centre_id)
    assert centre is not None
    keep = (await request.form()).get("keep_raw_video") == "1"
    if keep != centre.keep_raw_video:
        centre.keep_raw_video = keep
        audit(request, db, user, "amend", target=f"centre:{centre.id}:keep_raw_video={keep}")
    db.commit()
    return render(request, "admin_centre.html", {"centre": centre, "saved": True}, user=user)
