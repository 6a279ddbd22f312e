"""Fault test: the server killed with SIGKILL during a burst of writes loses no acknowledged write.

A real ``cdcare serve`` (uvicorn, SQLite in WAL mode) in a child process; four client threads
POST scale assessments as fast as they can; the server gets SIGKILL mid-burst. Afterwards the
database must pass ``PRAGMA integrity_check`` and hold every assessment whose 201 response a
client received (a write acknowledged is a write committed).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import date
from pathlib import Path

import pytest

from cdcare.care.accounts import DEMO_PASSWORD, set_demo_passwords
from cdcare.care.demo import load_demo
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade

PHQ9 = {f"q{i}": 1 for i in range(1, 10)}
CLIENTS = 4
KILL_AFTER_ACKS = 60  # acknowledged writes before the kill
BURST_LIMIT_S = 60.0  # the burst stops by itself at the latest after this


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """A minimal keep-alive HTTP client with the session cookie (closed explicitly)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cookie = ""

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        sent = {**(headers or {}), "Cookie": self.cookie} if self.cookie else dict(headers or {})
        self.conn.request(method, path, body=body or None, headers=sent)
        resp = self.conn.getresponse()
        data = resp.read()
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie" and value.startswith("cdcare_session="):
                self.cookie = value.split(";", 1)[0]
        return resp.status, data

    def close(self) -> None:
        self.conn.close()


def _login(port: int) -> tuple[Client, str]:
    client = Client(port)
    _status, page = client.request("GET", "/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.decode())
    assert token
    form = urllib.parse.urlencode(
        {"username": "demo-doctor", "password": DEMO_PASSWORD, "csrf_token": token[1]}
    ).encode()
    status, _ = client.request(
        "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 303, status
    _status, body = client.request("GET", "/api/csrf")
    return client, str(json.loads(body)["csrf_token"])


@pytest.mark.slow
def test_sigkill_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    db_file = tmp_path / "cdcare.sqlite3"
    engine = make_engine(f"sqlite:///{db_file}")
    upgrade(engine)
    with session_scope(engine) as db:
        summary = load_demo(db=db, patients=2, today=date(2026, 11, 25))
        set_demo_passwords(db=db, centre_id=summary.centre_id)
    engine.dispose()
    with sqlite3.connect(db_file) as con:
        patient_id = con.execute("SELECT min(id) FROM patient").fetchone()[0]
    port = _free_port()
    src = Path(__file__).resolve().parents[2] / "src"
    env = {
        **os.environ,
        "CDCARE_DEMO": "1",
        "CDCARE_DATA_DIR": str(tmp_path),
        "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cdcare.cli.main import main; main()",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    acked: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        deadline = time.monotonic() + 30
        while True:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            try:
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                probe.close()
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)

        def writer() -> None:
            client, csrf = _login(port)
            end = time.monotonic() + BURST_LIMIT_S
            body = json.dumps({"instrument": "phq9", "answers": PHQ9}).encode()
            headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
            try:
                while not stop.is_set() and time.monotonic() < end:
                    try:
                        status, data = client.request(
                            "POST", f"/api/patients/{patient_id}/assessments", body, headers
                        )
                    except (OSError, http.client.HTTPException):
                        return  # the server is gone
                    if status == 201:
                        with lock:
                            acked.append(int(json.loads(data)["id"]))
            finally:
                client.close()

        threads = [threading.Thread(target=writer) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        while len(acked) < KILL_AFTER_ACKS and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=15)
    finally:
        stop.set()
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
    assert len(acked) >= KILL_AFTER_ACKS, "the burst did not get going"
    with sqlite3.connect(db_file) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in con.execute("SELECT id FROM scale_assessment")}
    print(f"acknowledged={len(acked)} stored_phq9_rows={len(stored)}")
    missing = sorted(set(acked) - stored)
    assert missing == [], f"{len(missing)} acknowledged writes lost: {missing[:10]}"
