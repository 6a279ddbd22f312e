"""Landing page, health check and API docs."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cdcare.config import Settings
from cdcare.errors import ConfigError
from cdcare.store.db import make_engine
from cdcare.web.app import create_app

from .conftest import World


def test_landing_lists_demo_patients_in_korean_by_default(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="ko">' in page.text
    for n in (1, 2, 3):
        assert f"DEMO-00{n}" in page.text
    assert "등록번호" in page.text and "demo-doctor" in page.text


def test_language_switch_sticks_in_cookie(client: TestClient) -> None:
    page = client.get("/?lang=en")
    assert "Record number" in page.text and '<html lang="en">' in page.text
    assert "Record number" in client.get("/").text


def test_healthz_ok_and_docs(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["database"] == "sqlite"
    assert client.get("/docs").status_code == 200
    assert "/healthz" in client.get("/openapi.json").json()["paths"]


def test_healthz_fails_on_unmigrated_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    client = TestClient(create_app(Settings(demo=True), engine))
    assert client.get("/healthz").status_code == 503
    engine.dispose()


def test_secret_key_required_outside_demo(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError, match="CDCARE_SECRET_KEY"):
        create_app(Settings(demo=False, secret_key=""), engine)
    with pytest.raises(ConfigError, match="32 characters"):
        create_app(Settings(demo=False, secret_key="short"), engine)
    app = create_app(Settings(demo=False, secret_key="x" * 40), engine)
    page = TestClient(app).get("/")
    assert page.status_code == 200 and "DEMO-001" not in page.text  # no demo listing
    engine.dispose()


def test_unknown_page_is_localised_404(world: World) -> None:
    client = TestClient(world.app)
    page = client.get("/no/such/page?lang=ko")
    assert page.status_code == 404 and "찾을 수 없습니다" in page.text


def test_error_page_keeps_the_logged_in_navigation(world: World) -> None:
    from .conftest import login

    client = login(TestClient(world.app), "demo-nurse")
    page = client.get(f"/patients/{world.other_centre_patient_id}?lang=en")
    assert page.status_code == 404
    assert "Log out" in page.text and 'href="/login"' not in page.text
