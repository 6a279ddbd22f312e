"""Every route answers 401 without login, 403 for the wrong role, 404 across centres/patients."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cdcare.care.audit import query_events
from cdcare.store.db import session_scope

from .conftest import World, login

PHQ9 = {f"q{i}": 1 for i in range(1, 10)}


def _routes(w: World) -> list[tuple[str, str]]:
    p = w.other_demo_patient_id
    return [
        ("GET", "/api/me"),
        ("GET", "/api/patients"),
        ("GET", f"/api/patients/{p}"),
        ("POST", f"/api/patients/{p}/assessments"),
        ("GET", "/patients"),
        ("GET", f"/patients/{p}"),
        ("GET", f"/patients/{p}/scales/twstrs"),
        ("POST", f"/patients/{p}/scales/twstrs"),
        ("GET", "/admin/audit"),
    ]


def test_unauthenticated(world: World) -> None:
    client = TestClient(world.app)
    for method, path in _routes(world):
        resp = client.request(
            method,
            path,
            follow_redirects=False,
            json={"instrument": "phq9", "answers": PHQ9}
            if method == "POST" and path.startswith("/api")
            else None,
        )
        if path.startswith("/api"):
            assert resp.status_code in (401, 403), (method, path, resp.status_code)
        else:
            assert resp.status_code in (303, 403), (method, path)
            if resp.status_code == 303:
                assert resp.headers["location"].startswith("/login")


def _token(client: TestClient) -> str:
    resp = client.get("/api/csrf")
    assert resp.status_code == 200
    return str(resp.json()["csrf_token"])


@pytest.mark.parametrize("username", ["demo-doctor", "demo-nurse"])
def test_staff_reach_own_centre_only(world: World, username: str) -> None:
    client = login(TestClient(world.app), username)
    own, other = world.other_demo_patient_id, world.other_centre_patient_id
    assert client.get(f"/api/patients/{own}").status_code == 200
    assert client.get(f"/api/patients/{other}").status_code == 404
    assert client.get(f"/patients/{other}").status_code == 404
    assert client.get(f"/patients/{other}/scales/phq9").status_code == 404
    ids = {p["id"] for p in client.get("/api/patients").json()}
    assert own in ids and other not in ids
    assert client.get("/admin/audit").status_code == 403
    status = client.post(
        f"/api/patients/{other}/assessments",
        json={"instrument": "phq9", "answers": PHQ9},
        headers={"X-CSRF-Token": _token(client)},
    ).status_code
    assert status == 404


def test_other_centre_nurse_sees_nothing_of_demo(world: World) -> None:
    client = login(TestClient(world.app), "other-nurse")
    assert client.get(f"/patients/{world.other_demo_patient_id}").status_code == 404
    assert client.get(f"/api/patients/{world.other_centre_patient_id}").status_code == 200


def test_patient_sees_only_own_record(world: World) -> None:
    client = login(TestClient(world.app), "demo-patient")
    assert client.get(f"/patients/{world.demo_patient_id}").status_code == 200
    assert client.get(f"/patients/{world.other_demo_patient_id}").status_code == 404
    assert client.get(f"/api/patients/{world.other_centre_patient_id}").status_code == 404
    assert client.get("/patients").status_code == 403
    assert client.get("/api/patients").status_code == 403
    # a patient may answer a questionnaire for themself, not rate TWSTRS
    token = _token(client)
    ok = client.post(
        f"/api/patients/{world.demo_patient_id}/assessments",
        json={"instrument": "phq9", "answers": PHQ9},
        headers={"X-CSRF-Token": token},
    )
    assert ok.status_code == 201 and ok.json()["total"] == 9
    twstrs = client.get(f"/patients/{world.demo_patient_id}/scales/twstrs")
    assert twstrs.status_code == 403


def test_admin_sees_audit_not_clinical_pages(world: World) -> None:
    client = login(TestClient(world.app), "demo-admin")
    assert client.get(f"/api/patients/{world.other_demo_patient_id}").status_code == 403
    assert client.get(f"/patients/{world.other_demo_patient_id}").status_code == 403
    assert client.get("/admin/audit").status_code == 200


def test_api_post_needs_csrf_header(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    resp = client.post(
        f"/api/patients/{world.other_demo_patient_id}/assessments",
        json={"instrument": "phq9", "answers": PHQ9},
    )
    assert resp.status_code == 403


def test_api_scale_error_names_item(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    bad = dict(PHQ9, q3=7)
    resp = client.post(
        f"/api/patients/{world.other_demo_patient_id}/assessments",
        json={"instrument": "phq9", "answers": bad},
        headers={"X-CSRF-Token": _token(client)},
    )
    assert resp.status_code == 422 and resp.json()["item"] == "q3"


def test_views_are_audited_with_patient_and_ip(world: World) -> None:
    client = login(TestClient(world.app), "demo-nurse")
    client.get(f"/patients/{world.other_demo_patient_id}")
    with session_scope(world.app.state.engine) as db:
        events = query_events(db=db, patient_id=world.other_demo_patient_id, action="view")
        assert events and events[0].username == "demo-nurse" and events[0].role == "nurse"
        assert events[0].ip == "testclient"
