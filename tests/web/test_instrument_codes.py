"""A clinician-rated scale is refused to a patient whatever the spelling of its code."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cdcare.care.access import Action, scale_action
from cdcare.clinical.scales import get_instrument
from cdcare.store.db import session_scope
from cdcare.store.models import ScaleAssessment

from .conftest import World, login


def _lowest(code: str) -> dict[str, int]:
    """A complete, scorable answer set (every item at its lowest value)."""
    return {i.code: i.values[0] for i in get_instrument(code).items}


@pytest.mark.parametrize("code", ["twstrs", "TWSTRS", " Twstrs ", "TSUI", "Twstrs2", "tsui\t"])
def test_patient_cannot_store_clinician_scale_via_api(world: World, code: str) -> None:
    client = login(TestClient(world.app), "demo-patient")
    token = client.get("/api/csrf").json()["csrf_token"]
    with session_scope(world.app.state.engine) as db:
        before = db.scalar(select(func.count()).select_from(ScaleAssessment))
    resp = client.post(
        f"/api/patients/{world.demo_patient_id}/assessments",
        json={"instrument": code, "answers": _lowest(code)},
        headers={"X-CSRF-Token": token},
    )
    assert resp.status_code == 403, (code, resp.status_code, resp.text)
    with session_scope(world.app.state.engine) as db:
        assert db.scalar(select(func.count()).select_from(ScaleAssessment)) == before


@pytest.mark.parametrize(
    ("code", "action"),
    [
        ("twstrs", Action.SCALE_RECORD),
        (" TWSTRS ", Action.SCALE_RECORD),
        ("TsUi", Action.SCALE_RECORD),
        ("twstrs2 ", Action.SCALE_RECORD),
        ("PHQ9", Action.SCALE_SELF_REPORT),
        (" cdip58", Action.SCALE_SELF_REPORT),
    ],
)
def test_scale_action_normalises_like_the_registry(code: str, action: Action) -> None:
    assert scale_action(code) is action
