"""Fault test: the server killed with SIGKILL during a burst of writes loses no acknowledged write.

A real ``cdcare serve`` (uvicorn, SQLite in WAL mode) in a child process; four client threads
POST scale assessments as fast as they can; the server gets SIGKILL mid-burst. Afterwards the
database must pass ``PRAGMA integrity_check`` and hold every assessment whose 201 response a
client received (a write acknowledged is a write committed).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import httpx2
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


def _login(base: str) -> tuple[httpx2.Client, str]:
    client = httpx2.Client(base_url=base, timeout=10.0)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    resp = client.post(
        "/login",
        data={"username": "demo-doctor", "password": DEMO_PASSWORD, "csrf_token": token[1]},
    )
    assert resp.status_code in (200, 303), resp.text
    csrf = client.get("/api/csrf").json()["csrf_token"]
    return client, str(csrf)


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
    base = f"http://127.0.0.1:{port}"
    acked: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)

        def writer() -> None:
            client, csrf = _login(base)
            end = time.monotonic() + BURST_LIMIT_S
            with client:
                while not stop.is_set() and time.monotonic() < end:
                    try:
                        resp = client.post(
                            f"/api/patients/{patient_id}/assessments",
                            json={"instrument": "phq9", "answers": PHQ9},
                            headers={"X-CSRF-Token": csrf},
                        )
                    except httpx2.HTTPError:
                        return  # the server is gone
                    if resp.status_code == 201:
                        with lock:
                            acked.append(int(resp.json()["id"]))

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
    missing = sorted(set(acked) - stored)
    assert missing == [], f"{len(missing)} acknowledged writes lost: {missing[:10]}"
