"""Every ``{patient_id}`` route loads its patient through one of the access dependencies of
cdcare.web.deps (no route reads the patient by hand), and the portal's own-record dependency
refuses staff."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from cdcare.care.access import Action
from cdcare.errors import PermissionDenied
from cdcare.web import deps

from .conftest import World, login


def _calls(d: Dependant) -> list[Any]:
    out = [d.call]
    for sub in d.dependencies:
        out.extend(_calls(sub))
    return out


def _patient_routes(routes: list[Any]) -> list[APIRoute]:
    found: list[APIRoute] = []
    for r in routes:
        inner = getattr(r, "original_router", None)
        if inner is not None:
            found.extend(_patient_routes(list(inner.routes)))
        elif isinstance(r, APIRoute) and "{patient_id}" in r.path:
            found.append(r)
    return found


def _loads_patient(call: Any) -> bool:
    return isinstance(call, deps._PatientOfPath) or call is deps._scale_patient


def test_every_patient_route_uses_an_access_dependency(world: World) -> None:
    routes = _patient_routes(list(world.app.routes))
    assert len(routes) >= 20
    missing = [
        f"{sorted(r.methods)} {r.path}"
        for r in routes
        if not any(_loads_patient(c) for c in _calls(r.dependant))
    ]
    assert missing == []


def test_own_record_refuses_staff_and_returns_the_patient(world: World) -> None:
    check = deps._OwnRecord(Action.DIARY_WRITE)
    with world.app.state.sessions() as db:
        from cdcare.store.models import User

        staff = db.query(User).filter_by(username="demo-doctor").one()
        with pytest.raises(PermissionDenied):
            check(db=db, user=staff)
        patient_user = db.query(User).filter_by(username="demo-patient").one()
        assert check(db=db, user=patient_user).id == world.demo_patient_id


def test_out_of_reach_patient_is_404_for_staff_and_patient(world: World) -> None:
    doctor = login(TestClient(world.app), "demo-doctor")
    assert doctor.get(f"/patients/{world.other_centre_patient_id}/followup").status_code == 404
    assert doctor.get(f"/patients/{world.other_demo_patient_id}/followup").status_code == 200
    me = login(TestClient(world.app), "demo-patient")
    assert me.get(f"/api/patients/{world.other_demo_patient_id}").status_code == 404
    assert me.get("/me/display").status_code == 200
