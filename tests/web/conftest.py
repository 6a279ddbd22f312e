"""A demo web app on SQLite with two centres, and a login helper."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from cdcare.care.accounts import DEMO_PASSWORD, set_demo_passwords
from cdcare.care.demo import load_demo
from cdcare.care.patients import create_centre, create_patient, create_user
from cdcare.config import Settings
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import Patient, Role, User
from cdcare.web.app import create_app


@dataclass
class World:
    app: FastAPI
    demo_patient_id: int  # the demo-patient account's own record
    other_demo_patient_id: int  # another patient of the demo centre
    other_centre_patient_id: int  # a patient of centre OTHER


def build_world(engine: Engine, data_dir: Path) -> World:
    """Demo centre (3 patients, demo logins) plus centre OTHER with one patient and a nurse."""
    with session_scope(engine) as db:
        summary = load_demo(db=db, patients=3, today=date(2026, 11, 25))
        set_demo_passwords(db=db, centre_id=summary.centre_id)
        other = create_centre(db=db, code="OTHER", name="다른 병원")
        op = create_patient(
            db=db, centre_id=other.id, record_number="OTH-1", birth_year=1970, sex="F"
        )
        create_user(
            db=db, centre_id=other.id, username="other-nurse", display_name="B", role=Role.NURSE
        )
        set_demo_passwords(db=db, centre_id=other.id)
        me = db.scalar(select(User).where(User.username == "demo-patient"))
        assert me is not None and me.patient_id is not None
        others = db.scalars(
            select(Patient.id).where(
                Patient.centre_id == summary.centre_id, Patient.id != me.patient_id
            )
        ).all()
        return World(
            create_app(Settings(demo=True, data_dir=data_dir), engine),
            me.patient_id,
            others[0],
            op.id,
        )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    upgrade(engine)
    yield build_world(engine, tmp_path)
    engine.dispose()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> TestClient:
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    return client


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(world.app)
