"""GET /api/fhir/Patient/{id}/$everything: staff of the patient's centre only, logged with a
reason, a Bundle that validates."""

from __future__ import annotations

from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import select

from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent

from .conftest import World, login


def _exports(world: World) -> list[tuple[str, int | None, str, str]]:
    with session_scope(world.app.state.engine) as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
        return [(r.username, r.patient_id, r.target, r.reason) for r in rows]


def _url(pid: int, reason: str = "EMR 전송") -> str:
    return f"/api/fhir/Patient/{pid}/$everything?reason={reason}"


def test_staff_get_a_valid_bundle_and_the_export_is_logged(world: World) -> None:
    client = login(TestClient(world.app), "demo-nurse")
    pid = world.other_demo_patient_id
    resp = client.get(_url(pid))
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/fhir+json")
    bundle = resp.json()
    get_fhir_model_class("Bundle").model_validate(bundle)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Condition", "Encounter", "Observation", "Procedure"} <= kinds
    assert sum(e["resource"]["resourceType"] == "Patient" for e in bundle["entry"]) == 1
    assert _exports(world) == [("demo-nurse", pid, "fhir", "EMR 전송")]

    no_reason = client.get(f"/api/fhir/Patient/{pid}/$everything")
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["message"]
    assert len(_exports(world)) == 1


def test_others_are_refused_as_elsewhere_in_the_api(world: World) -> None:
    anonymous = TestClient(world.app).get(_url(world.other_demo_patient_id))
    assert anonymous.status_code == 401
    nurse = login(TestClient(world.app), "demo-nurse")
    assert nurse.get(_url(world.other_centre_patient_id)).status_code == 404
    assert nurse.get(f"/api/patients/{world.other_centre_patient_id}").status_code == 404
    me = login(TestClient(world.app), "demo-patient")
    assert me.get(_url(world.demo_patient_id)).status_code == 403
    assert me.get(_url(world.other_demo_patient_id)).status_code == 404
    admin = login(TestClient(world.app), "demo-admin")
    assert admin.get(_url(world.other_demo_patient_id)).status_code == 403
    assert _exports(world) == []
