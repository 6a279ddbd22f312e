"""Walk every route of ``app.routes`` that takes a ``{patient_id}`` × every role × own /
other-centre / other-patient / missing ids, GET and POST, on SQLite and PostgreSQL.

Expected: a record outside the caller's reach answers exactly like a record that does not exist
(404, no hint it exists elsewhere) and changes nothing; an admin's own-centre patient is 403 on
every route (no clinical rights); nothing answers 5xx.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cdcare.store.backup import row_counts

from .conftest import World, build_world, login

#: tables a request may legitimately write even when it is refused
BOOKKEEPING = {"audit_event", "web_session", "login_failure"}
#: values for the other path parameters (ids that exist in no centre, known codes)
FILLERS = {"instrument": "phq9", "kind": "titrate", "code": "phq9"}
MISSING = 987654


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(routes: list[Any]) -> None:
        for r in routes:
            inner = getattr(r, "original_router", None)
            if inner is not None:
                walk(list(inner.routes))
            elif isinstance(r, APIRoute) and "{patient_id}" in r.path:
                found.extend((m, r.path) for m in sorted(r.methods) if m in ("GET", "POST"))

    walk(list(app.routes))
    return sorted(set(found))


def _url(path: str, patient_id: int) -> str:
    path = path.replace("{patient_id}", str(patient_id))
    return re.sub(r"\{(\w+)\}", lambda m: FILLERS.get(m.group(1), "1"), path)


@pytest.fixture
def any_world(engine: Engine, tmp_path: Path) -> Iterator[World]:
    yield build_world(engine, tmp_path)


def _counts(w: World) -> dict[str, int]:
    with w.app.state.engine.connect() as conn:
        return {k: v for k, v in row_counts(conn).items() if k not in BOOKKEEPING}


ROLES = ["demo-doctor", "demo-nurse", "demo-admin", "demo-patient"]


@pytest.mark.parametrize("username", ROLES)
def test_every_patient_route_hides_what_is_out_of_reach(any_world: World, username: str) -> None:
    w = any_world
    routes = _routes(w.app)
    assert len(routes) >= 20  # the walk found the app's routes, not an empty list
    client = login(TestClient(w.app), username)
    token = client.get("/api/csrf").json()["csrf_token"]
    own = w.demo_patient_id if username == "demo-patient" else w.other_demo_patient_id
    out_of_reach = [w.other_centre_patient_id]
    if username == "demo-patient":
        out_of_reach.append(w.other_demo_patient_id)  # another patient of the same centre
    before = _counts(w)
    problems: list[str] = []

    def call(method: str, path: str, pid: int) -> int:
        url = _url(path, pid)
        if method == "GET":
            return client.get(url, follow_redirects=False).status_code
        headers = {"X-CSRF-Token": token}
        if path.startswith("/api/"):
            body = {"instrument": "phq9", "answers": {f"q{i}": 0 for i in range(1, 10)}}
            return client.post(url, json=body, headers=headers).status_code
        return client.post(
            url, data={"csrf_token": token}, headers=headers, follow_redirects=False
        ).status_code

    for method, path in routes:
        missing = call(method, path, MISSING)
        if missing != 404:
            problems.append(f"{method} {path} missing patient → {missing}")
        for pid in out_of_reach:
            status = call(method, path, pid)
            if status != 404:
                problems.append(f"{method} {path} out of reach ({pid}) → {status}")
        if username == "demo-admin":  # in the centre, but an admin has no clinical rights
            status = call(method, path, own)
            if status != 403:
                problems.append(f"{method} {path} admin, own centre → {status}")
        elif method == "GET":  # own record: never a server error (POSTs here carry no fields)
            status = call(method, path, own)
            if status >= 500:
                problems.append(f"{method} {path} own → {status}")
    assert problems == []
    assert _counts(w) == before  # refused requests saved nothing
