"""``cdcare serve --workers N``: refused on SQLite with a message, N processes on PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cdcare.cli.main import run

SRC = Path(__file__).resolve().parents[2] / "src"


def test_several_workers_refused_on_sqlite(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CDCARE_DATABASE_URL", sqlite_url)
    assert run(["serve", "--workers", "2"]) == 2
    assert "needs PostgreSQL" in capsys.readouterr().err
    assert run(["--lang", "ko", "serve", "--workers", "3"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.postgres
@pytest.mark.slow
def test_two_web_workers_on_postgres(pg_url: str, tmp_path: Path) -> None:
    port = _port()
    env = {
        **os.environ,
        "CDCARE_DATABASE_URL": pg_url,
        "CDCARE_SECRET_KEY": "k" * 40,
        "CDCARE_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(SRC),
    }
    log = tmp_path / "serve.log"
    with log.open("w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from cdcare.cli.main import main; main()", "serve",
             "--port", str(port), "--workers", "2"],
            env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        started: list[str] = []
        while time.monotonic() < deadline:
            started = [ln for ln in log.read_text().splitlines() if "Application startup" in ln]
            if len(started) >= 2:
                break
            assert proc.poll() is None, log.read_text()
            time.sleep(0.5)
        assert len(started) == 2, log.read_text()
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
        assert b'"database":"postgresql"' in body and b'"status":"ok"' in body
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
