"""Clinician pages: search, timeline with plot, scale form validation, access-log viewer."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cdcare.clinical.scales import get_instrument
from cdcare.store.db import session_scope
from cdcare.store.models import ScaleAssessment

from .conftest import World, csrf_of, login


def _count(world: World) -> int:
    with session_scope(world.app.state.engine) as db:
        return int(db.scalar(select(func.count()).select_from(ScaleAssessment)) or 0)


def test_search_filters_patients(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    page = client.get("/patients?q=DEMO-002")
    assert "DEMO-002" in page.text and "DEMO-001" not in page.text
    assert "OTH-1" not in client.get("/patients?q=OTH").text


def test_timeline_has_scores_and_svg_plot(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    page = client.get(f"/patients/{world.other_demo_patient_id}?lang=en")
    assert page.status_code == 200
    assert "<svg" in page.text and "TWSTRS" in page.text
    assert "Scale totals over time" in page.text


def test_twstrs_form_invalid_value_shows_field_error(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    form = client.get(f"/patients/{pid}/scales/twstrs?lang=en")
    before = _count(world)
    data = {i.code: "0" for i in get_instrument("twstrs").items}
    data["rotation"] = "9"
    data["csrf_token"] = csrf_of(form.text)
    resp = client.post(f"/patients/{pid}/scales/twstrs", data=data)
    assert resp.status_code == 422
    field = re.search(r'<div class="field invalid">.*?</div>', resp.text, re.S)
    assert field and 'name="rotation"' in field.group(0) and 'value="9"' in field.group(0)
    assert "0–4" in field.group(0) and 'class="field-error"' in field.group(0)
    assert _count(world) == before  # nothing saved
    # the other entered values are kept for correction
    assert 'name="laterocollis" value="0"' in resp.text


def test_twstrs_form_saves_a_scored_assessment(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    form = client.get(f"/patients/{pid}/scales/twstrs")
    data = {i.code: "1" for i in get_instrument("twstrs").items}
    data["retrocollis"] = "0"
    data["csrf_token"] = csrf_of(form.text)
    before = _count(world)
    resp = client.post(f"/patients/{pid}/scales/twstrs", data=data, follow_redirects=False)
    assert resp.status_code == 303
    assert _count(world) == before + 1
    api = client.get(f"/api/patients/{pid}").json()
    newest = max(api["assessments"], key=lambda a: a["id"])
    assert newest["instrument"] == "twstrs" and newest["answers"]["rotation"] == 1


def test_text_in_number_field_is_a_field_error(world: World) -> None:
    client = login(TestClient(world.app), "demo-nurse")
    pid = world.other_demo_patient_id
    form = client.get(f"/patients/{pid}/scales/phq9?lang=ko")
    data = {f"q{i}": "0" for i in range(1, 10)}
    data["q2"] = "abc"
    data["csrf_token"] = csrf_of(form.text)
    resp = client.post(f"/patients/{pid}/scales/phq9", data=data)
    assert resp.status_code == 422 and 'id="e-q2"' in resp.text


def test_audit_viewer_filters(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    nurse.get(f"/patients/{world.other_demo_patient_id}")
    admin = login(TestClient(world.app), "demo-admin")
    page = admin.get("/admin/audit?username=demo-nurse&action=view&lang=en")
    assert page.status_code == 200 and "Hash chain intact." in page.text
    rows = re.findall(r"<tr><td>.*?</tr>", page.text)
    assert rows and all("demo-nurse" in r and "<td>view</td>" in r for r in rows)
    assert admin.get("/admin/audit?since=2026-13-01").status_code == 422
    assert admin.get("/admin/audit?patient_id=abc").status_code == 422


def test_timeline_lists_every_kind_of_record(world: World) -> None:
    from datetime import UTC, datetime

    from cdcare.store.video_models import JobStatus, VideoAnalysis

    with session_scope(world.app.state.engine) as db:
        db.add(
            VideoAnalysis(
                patient_id=world.other_demo_patient_id,
                status=JobStatus.DONE,
                filename="clinic.mp4",
                created_at=datetime(2026, 11, 20, tzinfo=UTC),
                result={"posture": {"rotation_deg": 31.5, "tilt_deg": -4.0, "flexion_deg": 2.0}},
            )
        )
    client = login(TestClient(world.app), "demo-doctor")
    page = client.get(f"/patients/{world.other_demo_patient_id}?lang=en")
    timeline = page.text.split('id="timeline"')[1].split("</ul>")[0]
    assert "Rotation +31.5°" in timeline and "/videos/" in timeline
    assert "TWSTRS" in timeline and "Visit" in timeline
    assert 'id="angle-plot"' in page.text and "Head angles from video measurements" in page.text
    with session_scope(world.app.state.engine) as db:
        from cdcare.store.care_models import InjectionSession

        has_injections = (
            db.scalars(
                select(InjectionSession).where(
                    InjectionSession.patient_id == world.other_demo_patient_id
                )
            ).first()
            is not None
        )
    assert ("Injection:" in timeline) == has_injections
