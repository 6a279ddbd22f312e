"""The admin records a review of a period of the access log: who, which period, when."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.clock import local_today
from cdcare.store.audit_models import AuditReview
from cdcare.store.db import session_scope

from .conftest import World, csrf_of, login


def test_admin_records_review(world: World) -> None:
    client = login(TestClient(world.app), "demo-admin")
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "아직 기록된 점검이 없습니다" in page.text
    token = csrf_of(page.text)
    today = local_today()  # the period is in local days (the centre zone), not the host's
    resp = client.post(
        "/admin/audit/review",
        data={
            "period_from": (today - timedelta(days=30)).isoformat(),
            "period_to": today.isoformat(),
            "note": "nothing unusual",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    with session_scope(world.app.state.engine) as db:
        (row,) = db.scalars(select(AuditReview)).all()
        assert row.reviewer == "demo-admin" and row.period_to == today
        assert row.events > 0 and row.chain_intact and row.note == "nothing unusual"
    page = client.get("/admin/audit")
    assert "nothing unusual" in page.text and "demo-admin" in page.text
    bad = client.post(
        "/admin/audit/review",
        data={"period_from": today.isoformat(), "period_to": "2020-01-01", "csrf_token": token},
    )
    assert bad.status_code == 422 and "끝이 시작보다 앞섭니다" in bad.text
    future = (today + timedelta(days=3)).isoformat()
    resp = client.post(
        "/admin/audit/review",
        data={"period_from": today.isoformat(), "period_to": future, "csrf_token": token},
        headers={"Accept-Language": "ko"},
    )
    assert resp.status_code == 422


def test_clinician_cannot_record_review(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    token = csrf_of(client.get("/patients").text)
    resp = client.post(
        "/admin/audit/review",
        data={"period_from": "2026-11-01", "period_to": "2026-11-02", "csrf_token": token},
    )
    assert resp.status_code == 403


def test_admin_page_checks_the_checkpoint(world: World) -> None:
    from cdcare.care.audit_checkpoint import write_checkpoint

    settings = world.app.state.settings
    with session_scope(world.app.state.engine) as db:
        write_checkpoint(db=db, path=settings.data_dir / "audit-checkpoint.json")
    client = login(TestClient(world.app), "demo-admin")
    assert "Hash chain intact." in client.get("/admin/audit?lang=en").text
    path = settings.data_dir / "audit-checkpoint.json"
    path.write_text(path.read_text().replace('"count": ', '"count": 1'))  # forged
    page = client.get("/admin/audit?lang=en").text
    assert "does not match the audit key" in page and "Hash chain intact." not in page
