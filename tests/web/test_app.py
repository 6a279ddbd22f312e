"""Landing page, health check and API docs of the foundation web app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cdcare.care.demo import load_demo
from cdcare.config import Settings
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.web.app import create_app


@pytest.fixture
def demo_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        load_demo(db=db, patients=3, today=date(2026, 11, 25))
    yield engine
    engine.dispose()


def test_landing_lists_demo_patients_in_korean_by_default(demo_engine: Engine) -> None:
    client = TestClient(create_app(Settings(), demo_engine))
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="ko">' in page.text
    for n in (1, 2, 3):
        assert f"DEMO-00{n}" in page.text
    assert "등록번호" in page.text


def test_language_switch_sticks_in_cookie(demo_engine: Engine) -> None:
    client = TestClient(create_app(Settings(), demo_engine))
    page = client.get("/?lang=en")
    assert "Record number" in page.text and '<html lang="en">' in page.text
    again = client.get("/")
    assert "Record number" in again.text


def test_healthz_ok_and_docs(demo_engine: Engine) -> None:
    client = TestClient(create_app(Settings(), demo_engine))
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["database"] == "sqlite"
    assert client.get("/docs").status_code == 200
    assert "/healthz" in client.get("/openapi.json").json()["paths"]


def test_healthz_fails_on_unmigrated_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    client = TestClient(create_app(Settings(), engine))
    assert client.get("/healthz").status_code == 503
    engine.dispose()
