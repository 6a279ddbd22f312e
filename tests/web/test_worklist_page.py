"""The /worklist page: nurses land there, rows say why, filters, handled rows, booking."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.care.patients import record_assessment
from cdcare.store.care_models import Appointment
from cdcare.store.clinic_models import WorklistHandled
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent

from .conftest import World, csrf_of, login


def _item9(world: World, patient_id: int) -> None:
    answers = {f"q{i}": 1 for i in range(1, 10)} | {"q9": 2}
    with session_scope(world.app.state.engine) as db:
        record_assessment(
            db=db,
            patient_id=patient_id,
            instrument="phq9",
            answers=answers,
            assessed_at=datetime.now(UTC) - timedelta(minutes=5),
        )


def _rows(html: str, reason: str) -> list[str]:
    return re.findall(rf'<tr data-reason="{reason}" data-patient="(\d+)"', html)


def test_nurse_sees_why_marks_handled_and_it_is_audited(world: World) -> None:
    _item9(world, world.other_demo_patient_id)
    nurse = login(TestClient(world.app), "demo-nurse")
    page = nurse.get("/worklist")
    assert page.status_code == 200
    assert str(world.other_demo_patient_id) in _rows(page.text, "phq9_item9")
    assert f'href="/patients/{world.other_demo_patient_id}"' in page.text
    assert "same-day safety assessment" not in page.text  # Korean by default
    assert "당일 안전 평가" in page.text
    count = re.search(r'data-reason-count="phq9_item9">(\d+)<', page.text)
    assert count and int(count.group(1)) >= 1
    key = re.search(
        rf'name="patient_id" value="{world.other_demo_patient_id}">\s*'
        r'<input type="hidden" name="reason" value="phq9_item9">\s*'
        r'<input type="hidden" name="key" value="([^"]+)">',
        page.text,
    )
    assert key
    resp = nurse.post(
        "/worklist/handled",
        data={
            "patient_id": world.other_demo_patient_id,
            "reason": "phq9_item9",
            "key": key.group(1),
            "note": "called, safe",
            "back": "/worklist?sort=date",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303 and resp.headers["location"] == "/worklist?sort=date"
    again = nurse.get("/worklist")
    assert str(world.other_demo_patient_id) not in _rows(again.text, "phq9_item9")
    handled = nurse.get("/worklist?handled=1")
    assert str(world.other_demo_patient_id) in _rows(handled.text, "phq9_item9")
    with session_scope(world.app.state.engine) as db:
        row = db.scalars(select(WorklistHandled)).one()
        assert row.note == "called, safe"
        targets = [(e.action, e.target, e.patient_id) for e in db.scalars(select(AuditEvent))]
    assert (
        "amend",
        f"worklist:{row.id}:phq9_item9:{key.group(1)}:handled",
        world.other_demo_patient_id,
    ) in targets
    assert any(a == "list" and t == "/worklist" for a, t, _ in targets)


def test_filter_and_bad_input(world: World) -> None:
    _item9(world, world.other_demo_patient_id)
    nurse = login(TestClient(world.app), "demo-nurse")
    only = nurse.get("/worklist?reason=phq9_item9&sort=patient")
    assert only.status_code == 200
    assert set(re.findall(r'<tr data-reason="(\w+)"', only.text)) == {"phq9_item9"}
    calls = nurse.get("/worklist?sort=date&reason=phq9_item9&reason=silent&reason=mood_rising")
    assert set(re.findall(r'<tr data-reason="(\w+)"', calls.text)) <= {
        "phq9_item9", "silent", "mood_rising"
    } and 'id="call-list"' in calls.text  # fmt: skip
    assert nurse.get("/worklist?reason=bogus").status_code == 422
    assert nurse.get("/worklist?weeks=99").status_code == 422
    assert nurse.get("/worklist?weeks=x").status_code == 422


def test_other_centre_patient_never_listed_nor_markable(world: World) -> None:
    _item9(world, world.other_centre_patient_id)
    nurse = login(TestClient(world.app), "demo-nurse")
    page = nurse.get("/worklist")
    assert str(world.other_centre_patient_id) not in re.findall(r'data-patient="(\d+)"', page.text)
    resp = nurse.post(
        "/worklist/handled",
        data={
            "patient_id": world.other_centre_patient_id,
            "reason": "phq9_item9",
            "key": "1",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert resp.status_code == 404


def test_roles_without_care_view_refused(world: World) -> None:
    for username in ("demo-admin", "demo-patient"):
        client = login(TestClient(world.app), username)
        assert client.get("/worklist").status_code == 403
        assert 'href="/worklist"' not in client.get("/account/password").text


def test_book_from_worklist_returns_to_it(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    page = nurse.get("/worklist")
    when = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    resp = nurse.post(
        f"/patients/{world.demo_patient_id}/appointments",
        data={
            "starts_at": when,
            "kind": "injection",
            "back": "/worklist?weeks=4",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303 and resp.headers["location"] == "/worklist?weeks=4"
    with session_scope(world.app.state.engine) as db:
        assert db.scalars(select(Appointment)).all()
    evil = nurse.post(
        f"/patients/{world.demo_patient_id}/appointments",
        data={
            "starts_at": when.replace("10:00", "11:00"),
            "kind": "injection",
            "back": "https://evil.example/",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert evil.headers["location"].startswith(f"/patients/{world.demo_patient_id}")
