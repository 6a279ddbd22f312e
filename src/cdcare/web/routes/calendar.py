"""The centre's calendar (staff): a day of slots and a week; book a free slot, reschedule or
cancel from it. A slot taken twice answers 409 with the page and a plain message."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from cdcare.care.access import Action, authorize
from cdcare.care.appointments import (
    KINDS,
    SLOT_MINUTES,
    cancel,
    centre_between,
    reschedule,
    schedule,
    slot_of,
)
from cdcare.care.patients import get_patient
from cdcare.clock import centre_zone
from cdcare.clock import local_today as centre_today
from cdcare.errors import N_, CdcareError, InputError, NotFound
from cdcare.store.care_models import Appointment
from cdcare.store.models import Patient, User
from cdcare.web.deps import DB, CurrentUser, audit, patient_for, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes.appointments import parse_local_time

router = APIRouter(tags=["appointments"])
#: Hours shown as slots in the day view (local convention; bookings outside are listed too).
DAY_START, DAY_END = time(8, 0), time(18, 0)


def _zone(request: Request) -> ZoneInfo:
    return centre_zone(request.app.state.settings.timezone)


def _day(value: str, zone: ZoneInfo) -> date:
    if not value:
        return centre_today(zone)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(N_("{field} must be a date like 2026-01-31"), field="date") from None


def _records(db: DB, rows: list[Appointment]) -> dict[int, str]:
    ids = {r.patient_id for r in rows}
    if not ids:
        return {}
    found = db.execute(select(Patient.id, Patient.record_number).where(Patient.id.in_(ids)))
    return {int(row[0]): str(row[1]) for row in found}


def _context(db: DB, user: User, view: str, day: date, zone: ZoneInfo) -> dict[str, Any]:
    if view == "week":
        first = day - timedelta(days=day.weekday())  # Monday
        days = [first + timedelta(days=i) for i in range(7)]
    else:
        first, days = day, [day]
    start = datetime.combine(first, time(0), zone)
    rows = list(
        centre_between(
            db=db, centre_id=user.centre_id, start=start, end=start + timedelta(days=len(days))
        )
    )
    by_day: dict[date, list[Appointment]] = {d: [] for d in days}
    for r in rows:
        by_day.setdefault(r.starts_at.astimezone(zone).date(), []).append(r)
    slots: list[tuple[datetime, Appointment | None]] = []
    outside: list[Appointment] = []
    if view == "day":
        taken = {slot_of(r.starts_at): r for r in rows}
        t = datetime.combine(day, DAY_START, zone)
        while t < datetime.combine(day, DAY_END, zone):
            slots.append((t, taken.pop(slot_of(t), None)))
            t += timedelta(minutes=SLOT_MINUTES)
        outside = sorted(taken.values(), key=lambda r: r.starts_at)
    step = timedelta(days=7 if view == "week" else 1)
    return {
        "view": view,
        "day": day,
        "days": days,
        "by_day": by_day,
        "slots": slots,
        "outside": outside,
        "rows": rows,
        "records": _records(db, rows),
        "kinds": KINDS,
        "prev": (day - step).isoformat(),
        "next": (day + step).isoformat(),
        "slot_minutes": SLOT_MINUTES,
        "local": lambda v: v.astimezone(zone).strftime("%H:%M"),
        "local_input": lambda v: v.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
    }


def _page(
    request: Request,
    db: DB,
    user: User,
    view: str,
    day: date,
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    ctx = _context(db, user, view, day, _zone(request))
    ids = sorted({r.patient_id for r in ctx["rows"]})
    audit(
        request, db, user, "list", target="/calendar", reason="patients=" + ",".join(map(str, ids))
    )
    db.commit()
    ctx["error"] = error
    return render(request, "calendar.html", ctx, user=user, status_code=status)


@router.get("/calendar")
def calendar_page(
    request: Request, db: DB, user: CurrentUser, view: str = "day", date: str = ""
) -> Response:
    """The centre's day (slots) or week (Monday to Sunday)."""
    authorize(user, Action.CARE_VIEW)
    if view not in ("day", "week"):
        raise InputError(N_("Unknown calendar view {value}"), value=view)
    return _page(request, db, user, view, _day(date, _zone(request)))


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


@router.post("/calendar/book", dependencies=[Depends(verify_csrf)])
async def calendar_book(request: Request, db: DB, user: CurrentUser) -> Response:
    """Book a slot for a patient named by record number."""
    authorize(user, Action.PATIENT_EDIT)
    form, zone = await _form(request), _zone(request)
    view = form.get("view", "day") if form.get("view") in ("day", "week") else "day"
    try:
        when = parse_local_time(form.get("starts_at", ""), zone)
        rn = form.get("record_number", "").strip()
        patient = db.scalar(
            select(Patient).where(Patient.centre_id == user.centre_id, Patient.record_number == rn)
        )
        if patient is None:
            raise NotFound(N_("Patient {id} not found"), id=rn or "–")
        row = schedule(
            db=db,
            patient_id=patient.id,
            starts_at=when,
            kind=form.get("kind", "followup"),
            note=form.get("note", ""),
            created_by_id=user.id,
        )
    except CdcareError as err:
        db.rollback()
        day = _day(form.get("date", ""), zone)
        return _page(request, db, user, view, day, error=err.text(request_lang(request)),
                     status=err.http_status)  # fmt: skip
    audit(request, db, user, "create", patient_id=patient.id, target=f"appointment:{row.id}")
    db.commit()
    shown = when.astimezone(zone).date().isoformat()
    return RedirectResponse(f"/calendar?view={view}&date={shown}", status_code=303)


@router.post(
    "/patients/{patient_id}/appointments/{appointment_id}/reschedule",
    dependencies=[Depends(verify_csrf)],
)
async def reschedule_booking(
    request: Request,
    appointment_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_EDIT)],
) -> Response:
    """Move an appointment; back to the calendar day it moved to (or the error there)."""
    form, zone = await _form(request), _zone(request)
    view = form.get("view", "day") if form.get("view") in ("day", "week") else "day"
    try:
        when = parse_local_time(form.get("starts_at", ""), zone)
        row = reschedule(
            db=db,
            patient_id=patient.id,
            appointment_id=appointment_id,
            starts_at=when,
            changed_by_id=user.id,
        )
    except CdcareError as err:
        db.rollback()
        day = _day(form.get("date", ""), zone)
        return _page(request, db, user, view, day, error=err.text(request_lang(request)),
                     status=err.http_status)  # fmt: skip
    audit(request, db, user, "amend", patient_id=patient.id,
          target=f"appointment:{row.id}:rescheduled")  # fmt: skip
    db.commit()
    shown = when.astimezone(zone).date().isoformat()
    return RedirectResponse(f"/calendar?view={view}&date={shown}", status_code=303)


@router.post(
    "/calendar/{appointment_id}/cancel",
    dependencies=[Depends(verify_csrf)],
)
async def calendar_cancel(
    request: Request, appointment_id: int, db: DB, user: CurrentUser
) -> Response:
    """Cancel from the calendar (kept, marked cancelled; the slot is free again)."""
    row = db.get(Appointment, appointment_id)
    if row is None or row.centre_id != user.centre_id:
        raise NotFound(N_("Appointment {id} not found"), id=appointment_id)
    patient = get_patient(db=db, patient_id=row.patient_id)
    authorize(user, Action.PATIENT_EDIT, patient)
    form = await _form(request)
    cancel(db=db, patient_id=patient.id, appointment_id=appointment_id)
    audit(request, db, user, "amend", patient_id=patient.id,
          target=f"appointment:{appointment_id}:cancelled")  # fmt: skip
    db.commit()
    view = form.get("view", "day") if form.get("view") in ("day", "week") else "day"
    return RedirectResponse(f"/calendar?view={view}&date={form.get('date', '')}", status_code=303)
