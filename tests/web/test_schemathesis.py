"""Property-based API testing: schemathesis sends generated requests for every operation of the
OpenAPI schema, as a logged-in physician (session cookie and CSRF token), and no request may
answer 5xx. Bounded: a few examples per operation, no shrinking-heavy phases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from cdcare.care.accounts import DEMO_PASSWORD, set_demo_passwords
from cdcare.care.demo import load_demo
from cdcare.config import Settings
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.web.app import create_app


@dataclass
class Api:
    app: FastAPI
    cookies: dict[str, str]
    headers: dict[str, str]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    engine = make_engine(f"sqlite:///{tmp / 'api.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        summary = load_demo(db=db, patients=3, today=date(2026, 11, 25))
        set_demo_passwords(db=db, centre_id=summary.centre_id)
    app = create_app(Settings(demo=True, data_dir=tmp), engine)
    client = TestClient(app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    resp = client.post(
        "/login",
        data={"username": "demo-doctor", "password": DEMO_PASSWORD, "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    cookie = client.cookies.get("cdcare_session")
    assert cookie
    yield Api(app, {"cdcare_session": cookie}, {"x-csrf-token": token[1]})
    engine.dispose()


def test_no_server_error(api: Api) -> None:
    """Every operation, a few generated requests each: none answers 5xx."""
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    operations = [op.ok() for op in api_schema.get_all_operations()]
    assert len(operations) > 10, "the schema lists the API's operations"
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(
                cookies=api.cookies, headers=api.headers, checks=[not_a_server_error]
            )

        try:
            check()
        except Exception as exc:  # collect every failing operation, then fail once
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:400]}")
    assert not failures, "\n".join(failures)
