"""Security headers, no inline scripts, no-store caching, a generic /healthz, body limits."""

from __future__ import annotations

import asyncio
import errno
import re
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from cdcare.config import Settings
from cdcare.jobs.analysis import AnalysisQueue
from cdcare.store.db import session_scope
from cdcare.store.security_models import LoginFailure
from cdcare.store.types import utcnow
from cdcare.store.video_models import VideoAnalysis
from cdcare.web.app import create_app
from cdcare.web.security import LoginThrottle

from .conftest import World, csrf_of, login

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "cdcare" / "web" / "templates"


def test_security_headers_on_pages_errors_and_static(world: World) -> None:
    client = TestClient(world.app)
    for path in ("/login", "/no-such-page", "/static/cdcare.css"):
        resp = client.get(path)
        csp = resp.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert resp.headers["x-frame-options"] == "DENY"
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in resp.headers  # demo: plain http
    assert "no-store" not in client.get("/static/cdcare.css").headers.get("cache-control", "")


def test_hsts_outside_demo_mode(world: World) -> None:
    app = create_app(
        Settings(demo=False, secret_key="x" * 40, cookie_secure=False), world.app.state.engine
    )
    resp = TestClient(app).get("/login")
    assert resp.headers["strict-transport-security"].startswith("max-age=31536000")


def test_no_inline_scripts_or_event_handlers_in_templates() -> None:
    inline, handlers = [], []
    for tpl in TEMPLATES.rglob("*.html"):
        text = tpl.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                inline.append(f"{tpl.name}: {tag}")
        handlers += [f"{tpl.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        handlers += [f"{tpl.name}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert inline == [] and handlers == []


def test_authenticated_pages_json_and_pdf_are_not_cached(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.demo_patient_id
    for path in (
        "/patients",
        f"/patients/{pid}",
        "/api/me",
        f"/patients/{pid}/report.pdf?reason=referral",
    ):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["cache-control"] == "no-store", path


def test_healthz_does_not_leak_database_errors(tmp_path: Path) -> None:
    broken = create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite3'}")
    app = create_app(Settings(demo=True, data_dir=tmp_path), broken)
    resp = TestClient(app).get("/healthz")
    assert resp.status_code == 503
    assert resp.json() == {"status": "error"}


def _upload_client(world: World, tmp_path: Path, **settings: Any) -> tuple[TestClient, str]:
    world.app.state.settings.data_dir = tmp_path
    for key, value in settings.items():
        setattr(world.app.state.settings, key, value)
    client = login(TestClient(world.app), "demo-doctor")
    page = client.get(f"/patients/{world.demo_patient_id}/videos")
    return client, csrf_of(page.text)


def test_oversized_upload_refused_by_content_length(world: World, tmp_path: Path) -> None:
    client, token = _upload_client(world, tmp_path, max_upload_mb=1)
    resp = client.post(
        f"/patients/{world.demo_patient_id}/videos",
        data={"csrf_token": token},
        files={"video": ("big.mp4", b"\0" * (2 * 1024 * 1024), "video/mp4")},
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 413
    assert resp.json()["message"] == "업로드 파일이 1 MB보다 큽니다"  # default language: Korean
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_endless_upload_refused_while_streaming(world: World, tmp_path: Path) -> None:
    """A chunked body with no length that never ends: answered 413 once past the limit."""
    client, token = _upload_client(world, tmp_path, max_upload_mb=1)
    cookie = client.cookies.get("cdcare_session")
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="video"; '
        'filename="x.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    sent = 0
    chunk = b"\0" * 65536
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        body = head if sent == 0 else chunk
        sent += len(body)
        assert sent < 50 * 1024 * 1024, "the app kept reading past the limit"
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"/patients/{world.demo_patient_id}/videos",
        "raw_path": f"/patients/{world.demo_patient_id}/videos".encode(),
        "query_string": b"lang=en",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"transfer-encoding", b"chunked"),
            (b"accept", b"application/json"),
            (b"x-csrf-token", token.encode()),
            (b"cookie", f"cdcare_session={cookie}".encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    _run_in_own_thread(world.app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    assert start["status"] == 413, body
    assert b"larger than 1 MB" in body
    assert sent <= 1024 * 1024 + 64 * 1024 + len(chunk) + len(head)  # stopped at the limit
    with session_scope(world.app.state.engine) as db:
        assert db.scalars(select(VideoAnalysis)).all() == []


def _post_video(client: TestClient, world: World, token: str, size: int) -> Any:
    return client.post(
        f"/patients/{world.demo_patient_id}/videos?lang=en",
        data={"csrf_token": token},
        files={"video": ("clip.mp4", b"\1" * size, "video/mp4")},
        headers={"Accept": "application/json"},
    )


def test_centre_quota_gives_a_clear_error(world: World, tmp_path: Path) -> None:
    client, token = _upload_client(world, tmp_path, centre_quota_mb=1, keep_raw_video=True)
    world.app.state.analysis_queue.submit = lambda *a, **k: None  # no worker needed here
    first = _post_video(client, world, token, 700 * 1024)
    assert first.status_code == 202, first.text
    second = _post_video(client, world, token, 700 * 1024)
    assert second.status_code == 507
    assert "video storage is full" in second.json()["message"]
    ko = client.post(
        f"/patients/{world.demo_patient_id}/videos?lang=ko",
        data={"csrf_token": token},
        files={"video": ("clip.mp4", b"\1" * (700 * 1024), "video/mp4")},
        headers={"Accept": "application/json"},
    )
    assert ko.status_code == 507 and "저장 공간" in ko.json()["message"]
    assert len(list((tmp_path / "uploads").iterdir())) == 1  # nothing partial left


def test_full_disk_gives_a_clear_error(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, token = _upload_client(world, tmp_path)
    world.app.state.analysis_queue.submit = lambda *a, **k: None

    real_open = Path.open

    class FullDisk:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def write(self, _data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            self.fh.close()

    def fake_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real_open(self, mode, *args, **kwargs)
        return FullDisk(fh) if "uploads" in str(self) and "w" in mode else fh

    monkeypatch.setattr(Path, "open", fake_open)
    resp = _post_video(client, world, token, 1000)
    assert resp.status_code == 507 and "disk is full" in resp.json()["message"]
    assert not any((tmp_path / "uploads").iterdir())
    with session_scope(world.app.state.engine) as db:
        assert db.scalars(select(VideoAnalysis)).all() == []


def test_login_throttle_is_shared_and_bounded(world: World) -> None:
    sessions = world.app.state.sessions
    worker_a, worker_b = LoginThrottle(sessions), LoginThrottle(sessions)
    for _ in range(5):
        worker_a.fail("user:x", "ip:1.2.3.4")
    assert worker_b.blocked("user:x")  # another worker process sees the same failures
    assert not worker_b.blocked("user:y")
    with session_scope(world.app.state.engine) as db:
        db.add_all(
            LoginFailure(key=f"user:old{i}", failed_at=utcnow().replace(year=2020))
            for i in range(50)
        )
    worker_b.fail("user:z")
    with session_scope(world.app.state.engine) as db:
        keys = set(db.scalars(select(LoginFailure.key)))
    assert not any(k.startswith("user:old") for k in keys)  # pruned past the window
    worker_a.reset("user:x")
    assert not worker_a.blocked("user:x")


def test_job_list_forgets_finished_jobs(world: World) -> None:
    from concurrent.futures import Future

    queue = AnalysisQueue(world.app.state.engine, keep_video=False)
    for i in range(100):
        fut: Future[str] = Future()
        fut.set_result("done")
        queue.futures[i] = fut
    running: Future[str] = Future()
    queue.futures[1000] = running
    queue._reap()  # what the runner does on each turn
    assert list(queue.futures) == [1000]


def _run_in_own_thread(coro: Coroutine[Any, Any, None]) -> None:
    """Run an ASGI call on a fresh event loop in its own thread.

    The browser tests keep Playwright's loop running in the main thread for the whole session,
    so ``asyncio.run`` cannot be called there."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro)
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
