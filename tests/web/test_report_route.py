"""GET /patients/{id}/report.pdf: who may download, the attachment, and the access-log event."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from cdcare.care.injections import sessions
from cdcare.clinical.toxins import get_product
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent, Patient

from .conftest import World, login


def _exports(world: World) -> list[tuple[str, int | None, str]]:
    with session_scope(world.app.state.engine) as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
        return [(r.username, r.patient_id, r.reason) for r in rows]


def _record_number(world: World, pid: int) -> str:
    with session_scope(world.app.state.engine) as db:
        patient = db.get(Patient, pid)
        assert patient is not None
        return patient.record_number


def test_clinician_downloads_pdf_and_export_is_logged(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    page = client.get(f"/patients/{pid}?lang=ko")
    assert 'id="report-pdf"' in page.text and "PDF 보고서 내려받기" in page.text

    resp = client.get(f"/patients/{pid}/report.pdf", params={"reason": "의뢰서 첨부", "lang": "ko"})
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/pdf"
    record = _record_number(world, pid)
    assert resp.headers["content-disposition"].startswith(f'attachment; filename="report-{record}-')
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages)
    assert record in text and "평가 척도" in text and "demo-doctor" in text
    with session_scope(world.app.state.engine) as db:  # the injection log is in the report
        newest = sessions(db=db, patient_id=pid)[-1]
        product, lot = newest.product, newest.lot
    flat = " ".join(text.split())
    assert "주사 기록" in flat and get_product(product).ko in flat and lot in flat
    assert _exports(world) == [("demo-doctor", pid, "의뢰서 첨부")]

    # no reason: 422 with a message naming it, nothing logged
    bad = client.get(f"/patients/{pid}/report.pdf?lang=en", headers={"accept": "application/json"})
    assert bad.status_code == 422 and "reason" in bad.json()["message"]
    assert len(_exports(world)) == 1


def test_report_access_control(world: World) -> None:
    anonymous = TestClient(world.app)
    url = f"/patients/{world.other_demo_patient_id}/report.pdf?reason=x"
    resp = anonymous.get(url, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"].startswith("/login?next=")

    nurse = login(TestClient(world.app), "demo-nurse")
    other = nurse.get(f"/patients/{world.other_centre_patient_id}/report.pdf?reason=x")
    assert other.status_code == 404  # another centre's patient: as if it did not exist

    admin = login(TestClient(world.app), "demo-admin")
    assert admin.get(url).status_code == 403  # admins have no REPORT_EXPORT

    me = login(TestClient(world.app), "demo-patient")
    assert me.get(f"/patients/{world.demo_patient_id}/report.pdf?reason=mine").status_code == 200
    assert me.get(url).status_code == 404  # another patient's record
    assert _exports(world) == [("demo-patient", world.demo_patient_id, "mine")]
