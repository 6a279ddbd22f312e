"""Denials on patient resources are in the access log (who, from where, whose data, what);
and the reads that used to be missed (edit/amend forms, pre-filled scale form) are logged."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.care.audit import query_events, verify_chain
from cdcare.store.db import session_scope
from cdcare.store.models import ScaleAssessment

from .conftest import World, login


def test_other_centre_404_is_logged(world: World) -> None:
    client = login(TestClient(world.app), "demo-nurse")
    other = world.other_centre_patient_id
    assert client.get(f"/patients/{other}").status_code == 404
    assert client.get(f"/api/patients/{other}").status_code == 404
    with session_scope(world.app.state.engine) as db:
        events = query_events(db=db, patient_id=other, action="permission_denied")
        assert [e.target for e in events] == [f"/api/patients/{other}", f"/patients/{other}"]
        e = events[0]
        assert e.username == "demo-nurse" and e.role == "nurse" and e.ip == "testclient"
        assert e.reason.startswith("404")
        assert query_events(db=db, patient_id=other, action="view") == []
        assert verify_chain(db=db) == []


def test_role_403_is_logged(world: World) -> None:
    client = login(TestClient(world.app), "demo-patient")
    own = world.demo_patient_id
    assert client.get(f"/patients/{own}/scales/twstrs").status_code == 403
    with session_scope(world.app.state.engine) as db:
        (e,) = query_events(db=db, patient_id=own, action="permission_denied")
        assert e.username == "demo-patient" and e.reason.startswith("403")
        assert e.target == f"/patients/{own}/scales/twstrs"


def test_anonymous_request_is_not_a_logged_denial(world: World) -> None:
    client = TestClient(world.app)
    client.get(f"/patients/{world.demo_patient_id}", follow_redirects=False)
    with session_scope(world.app.state.engine) as db:
        assert query_events(db=db, action="permission_denied") == []


def test_prefilled_scale_form_read_is_logged(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    with session_scope(world.app.state.engine) as db:
        row = db.scalars(
            select(ScaleAssessment).where(ScaleAssessment.patient_id == pid).limit(1)
        ).first()
        assert row is not None
        before = len(query_events(db=db, patient_id=pid, action="view"))
    paths = [
        f"/patients/{pid}/scales/twstrs",
        f"/patients/{pid}/edit",
        f"/patients/{pid}/assessments/{row.id}/amend",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path
    with session_scope(world.app.state.engine) as db:
        events = query_events(db=db, patient_id=pid, action="view")
        assert len(events) == before + 3
        assert [e.target for e in events[:3]] == paths[::-1]
        assert all(e.username == "demo-doctor" for e in events[:3])
