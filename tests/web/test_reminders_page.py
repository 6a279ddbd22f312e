"""The portal's reminders page: messages shown, e-mail and opt-out saved and logged."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.care import reminders
from cdcare.store.clinic_models import ReminderContact
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent

from .conftest import World, csrf_of, login


def test_patient_sees_messages_and_opts_out(world: World) -> None:
    with session_scope(world.app.state.engine) as db:
        reminders.run(db=db, sender=None, now=datetime.now(UTC))
        mine = reminders.messages_for(db=db, patient_id=world.demo_patient_id)
        assert mine  # the demo patient has not written a diary since the demo date
    patient = login(TestClient(world.app), "demo-patient")
    assert 'href="/me/reminders"' in patient.get("/me").text
    page = patient.get("/me/reminders")
    assert page.status_code == 200
    for m in mine:
        assert m.subject in page.text
    bad = patient.post("/me/reminders", data={"email": "nope", "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    ok = patient.post(
        "/me/reminders",
        data={"email": "me@example.kr", "opt_out": "1", "csrf_token": csrf_of(page.text)},
    )
    assert ok.status_code == 200 and "checked" in ok.text
    with session_scope(world.app.state.engine) as db:
        c = db.scalar(
            select(ReminderContact).where(ReminderContact.patient_id == world.demo_patient_id)
        )
        assert c is not None and c.opt_out and c.email == "me@example.kr"
        targets = [e.target for e in db.scalars(select(AuditEvent))]
    assert any(t.startswith("reminder_contact:") and "opt_out=True" in t for t in targets)
    assert "me@example.kr" not in " ".join(targets)  # the address itself is not logged


def test_staff_cannot_open_the_portal_page(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    assert nurse.get("/me/reminders").status_code == 403
