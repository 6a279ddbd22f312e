"""The centre calendar: day slots, week, booking a free slot, double booking, rescheduling."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.store.care_models import Appointment
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent, Patient

from .conftest import World, csrf_of, login

KST = ZoneInfo("Asia/Seoul")


def _record(world: World, pid: int) -> str:
    with session_scope(world.app.state.engine) as db:
        p = db.get(Patient, pid)
        assert p is not None
        return p.record_number


def _day() -> str:
    return (datetime.now(KST) + timedelta(days=2)).date().isoformat()


def test_book_double_book_reschedule_cancel(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    day = _day()
    page = nurse.get(f"/calendar?date={day}")
    assert page.status_code == 200 and 'data-slot="09:00"' in page.text
    token = csrf_of(page.text)
    rec1 = _record(world, world.demo_patient_id)
    rec2 = _record(world, world.other_demo_patient_id)
    ok = nurse.post("/calendar/book", data={
        "csrf_token": token, "view": "day", "date": day, "starts_at": f"{day}T09:00",
        "record_number": rec1, "kind": "injection"}, follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"] == f"/calendar?view=day&date={day}"
    shown = nurse.get(f"/calendar?date={day}&lang=en").text
    row = re.search(r'<tr data-slot="09:00" data-appointment="(\d+)">(.*?)</tr>', shown, re.S)
    assert row and rec1 in row.group(2)
    twice = nurse.post("/calendar/book?lang=en", data={
        "csrf_token": token, "view": "day", "date": day, "starts_at": f"{day}T09:10",
        "record_number": rec2, "kind": "followup"})  # fmt: skip
    assert twice.status_code == 409
    assert "15-minute slot at" in twice.text and "9:00\u202fAM is already booked" in twice.text
    ko = nurse.post("/calendar/book?lang=ko", data={
        "csrf_token": token, "view": "day", "date": day, "starts_at": f"{day}T09:00",
        "record_number": rec2, "kind": "followup"})  # fmt: skip
    assert ko.status_code == 409 and "이미 예약" in ko.text
    aid = int(row.group(1))
    moved = nurse.post(
        f"/patients/{world.demo_patient_id}/appointments/{aid}/reschedule",
        data={"csrf_token": token, "view": "week", "date": day, "starts_at": f"{day}T11:30"},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and "view=week" in moved.headers["location"]
    week = nurse.get(f"/calendar?view=week&date={day}").text
    # the clock time is written for the reader's language (Korean by default)
    assert re.search(rf'data-appointment="{aid}">오전 11:30 <a href="/patients/', week)
    en_week = nurse.get(f"/calendar?view=week&date={day}&lang=en").text
    assert re.search(rf'data-appointment="{aid}">11:30\s?AM <a href="/patients/', en_week)
    # the freed 09:00 slot can take the other patient now
    again = nurse.post("/calendar/book", data={
        "csrf_token": token, "view": "day", "date": day, "starts_at": f"{day}T09:00",
        "record_number": rec2, "kind": "followup"}, follow_redirects=False)  # fmt: skip
    assert again.status_code == 303
    gone = nurse.post(f"/calendar/{aid}/cancel", data={
        "csrf_token": token, "view": "day", "date": day}, follow_redirects=False)  # fmt: skip
    assert gone.status_code == 303
    with session_scope(world.app.state.engine) as db:
        a = db.get(Appointment, aid)
        assert a is not None and a.cancelled_at is not None and a.slot_start is None
        targets = [e.target for e in db.scalars(select(AuditEvent))]
    assert f"appointment:{aid}:rescheduled" in targets
    assert f"appointment:{aid}:cancelled" in targets


def test_unknown_record_and_bad_input(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    page = nurse.get("/calendar")
    resp = nurse.post("/calendar/book", data={
        "csrf_token": csrf_of(page.text), "starts_at": f"{_day()}T10:00",
        "record_number": "OTH-1", "kind": "followup"})  # fmt: skip
    assert resp.status_code == 404  # another centre's record is not bookable here
    assert nurse.get("/calendar?date=2026-13-01").status_code == 422
    assert nurse.get("/calendar?view=month").status_code == 422


def test_other_centre_appointment_invisible(world: World) -> None:
    other = login(TestClient(world.app), "other-nurse")
    page = other.get("/calendar")
    when = (datetime.now(KST) + timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    assert other.post("/calendar/book", data={
        "csrf_token": csrf_of(page.text), "starts_at": when, "record_number": "OTH-1",
        "kind": "followup"}, follow_redirects=False).status_code == 303  # fmt: skip
    with session_scope(world.app.state.engine) as db:
        aid = db.scalars(select(Appointment.id).order_by(Appointment.id.desc())).first()
    nurse = login(TestClient(world.app), "demo-nurse")
    week = nurse.get(f"/calendar?view=week&date={when[:10]}").text
    assert f'data-appointment="{aid}"' not in week
    token = csrf_of(week)
    assert nurse.post(f"/calendar/{aid}/cancel", data={"csrf_token": token}).status_code == 404


def test_patient_and_admin_refused(world: World) -> None:
    for username in ("demo-patient", "demo-admin"):
        client = login(TestClient(world.app), username)
        assert client.get("/calendar").status_code == 403
