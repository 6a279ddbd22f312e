"""Web load: N concurrent logged-in clients against a real ``cdcare serve`` on this machine.

Each client logs in once (its own server-side session), then loops for ``--seconds``: the
patient list (``GET /patients``), one patient's timeline (``GET /patients/{id}``) and a PHQ-9
saved through the JSON API (``POST /api/patients/{id}/assessments``). Prints, per backend and
client count: requests, throughput (requests/s), p50/p95/p99 latency in ms, errors (any status
other than the expected one, a transport error, or a client whose login failed) and "database
is locked" seen in an answer or in the server's log. After each backend: the errors by kind and
the server log's error lines by kind (``--keep-logs DIR`` keeps ``serve.log``). Targets
(issue): at 50 clients p95 < 200 ms, zero errors, zero locks.

Two paces: ``--think 0`` (default) is a closed loop in which every client sends its next
request the moment the previous one answers, a saturation test whose latency is mostly queueing
(50 such clients on 2 cores wait for each other); ``--think S`` pauses each client a random
exponential S seconds (mean) after each answer, the pace of people at a clinic's screens.

The server is the ``cdcare`` script of this interpreter's environment; it imports ``cdcare``
from ``PYTHONPATH`` first (a worktree), and the header line says which package it runs.

Only loopback traffic; every loop is bounded in time. Run:

    .venv/bin/python benchmarks/web_load.py                       # SQLite and PostgreSQL
    .venv/bin/python benchmarks/web_load.py --backend sqlite --clients 50 --seconds 10
    .venv/bin/python benchmarks/web_load.py --backend postgres --workers 4
    .venv/bin/python benchmarks/web_load.py --think 1.0                # paced clients

PostgreSQL: a private throwaway cluster is started from the Debian server binaries
(initdb/pg_ctl, as user postgres when run as root), like the test suite does.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

CDCARE = str(Path(sys.executable).with_name("cdcare"))
PASSWORD = "cdcare-demo-2026"
USERS = ("demo-doctor", "demo-nurse")
PHQ9 = {f"q{i}": (i % 3) for i in range(1, 10)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres() -> Iterator[str]:
    """A private PostgreSQL cluster on a Unix socket; yields a SQLAlchemy URL."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    bindir = Path(found[-1]).parent if found else Path(shutil.which("initdb") or "").parent
    datadir = Path(tempfile.mkdtemp(prefix="cdload-pg"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(datadir, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = str(datadir / "data")
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            data,
            "-U",
            "cdcare",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            data,
            "-w",
            "-l",
            str(datadir / "log"),
            "-o",
            f"-k {datadir} -p {port} -c listen_addresses='' -c max_connections=300",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://cdcare@/postgres?host={datadir}&port={port}"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(datadir, ignore_errors=True)


def log_errors(text: str) -> Counter[str]:
    """Error lines of a server log by kind (the exception class or the log message)."""
    kinds: Counter[str] = Counter()
    for line in text.splitlines():
        if "database is locked" in line:
            kinds["database is locked"] += 1
        elif re.match(r"^[\w.]+(Error|Exception): ", line):
            kinds[line.split(":", 1)[0]] += 1
        elif line.startswith("ERROR") or " 500 " in line:
            kinds[line[:120]] += 1
    return kinds


@contextmanager
def server(env: dict[str, str], workers: int, keep: Path | None) -> Iterator[str]:
    """Migrate, load the demo centre, serve on a free loopback port; yields the base URL.

    The server's output goes to ``serve.log`` in the data dir (copied to ``keep`` at the end).
    """
    subprocess.run([CDCARE, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([CDCARE, "demo", "--if-empty"], env=env, check=True, capture_output=True)
    port = _free_port()
    cmd = [CDCARE, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    log = open(Path(env["CDCARE_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        else:
            raise SystemExit("server did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            backend = "pg" if "postgresql" in env.get("CDCARE_DATABASE_URL", "") else "sqlite"
            shutil.copy(Path(env["CDCARE_DATA_DIR"]) / "serve.log", keep / f"serve-{backend}.log")


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    locked: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float | None, ok: bool, body: str, kind: str = "") -> None:
        """One outcome; ``ms`` None (a failed login) counts as an error but is not timed."""
        with self.lock:
            if ms is not None:
                self.latencies_ms.append(ms)
            self.errors += 0 if ok else 1
            self.locked += "database is locked" in body
            if not ok:
                self.kinds[kind or body[:80]] += 1


def _login(client: requests.Session, base: str, username: str) -> str:
    page = client.get(f"{base}/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    resp = client.post(
        f"{base}/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    if resp.status_code not in (200, 303):
        raise RuntimeError(f"login failed: {resp.status_code}")
    return str(client.get(f"{base}/api/csrf").json()["csrf_token"])


def _client_loop(
    base: str,
    n: int,
    holder: dict[str, float],
    tally: Tally,
    start: threading.Barrier,
    think: float = 0.0,
) -> None:
    """One client: log in, wait for the others, then loop until ``holder["stop"]``.

    ``think`` is the mean pause in seconds after each answer (exponentially distributed, seeded
    by the client number): 0 is a closed loop that fires the next request at once.
    """
    pause = random.Random(n)  # noqa: S311 (benchmark pacing, not a secret)
    with requests.Session() as client:
        try:
            token = _login(client, base, USERS[n % len(USERS)])
            ids = [p["id"] for p in client.get(f"{base}/api/patients").json()]
        except (RuntimeError, requests.RequestException, ValueError, KeyError) as exc:
            tally.add(None, False, str(exc), f"login: {exc}"[:80])  # an error; the run goes on
            start.wait()
            return
        start.wait()
        # the wait for the other logins can outlast the server's keep-alive (uvicorn: 5 s);
        # start on fresh connections, not on one the server may be closing
        client.close()
        i = n
        while time.monotonic() < holder["stop"]:
            pid = ids[i % len(ids)]
            i += 1
            for method, path, expected in (
                ("GET", "/patients", 200),
                ("GET", f"/patients/{pid}", 200),
                ("POST", f"/api/patients/{pid}/assessments", 201),
            ):
                t0 = time.perf_counter()
                try:
                    if method == "GET":
                        resp = client.get(base + path, timeout=30, allow_redirects=False)
                    else:
                        resp = client.post(
                            base + path,
                            timeout=30,
                            json={"instrument": "phq9", "answers": PHQ9},
                            headers={"x-csrf-token": token},
                        )
                    ok, body = resp.status_code == expected, resp.text[:2000]
                    kind = f"{method} {path.split('/')[1]}: {resp.status_code}"
                except requests.RequestException as exc:
                    ok, body, kind = False, str(exc), f"{method}: {type(exc).__name__}"
                tally.add((time.perf_counter() - t0) * 1000, ok, body, kind)
                if think > 0:
                    left = holder["stop"] - time.monotonic()  # never sleep past the end
                    time.sleep(max(0.0, min(pause.expovariate(1 / think), 10 * think, left)))


def run(base: str, clients: int, seconds: float, think: float = 0.0) -> dict[str, float]:
    """``clients`` threads for ``seconds`` after all have logged in; latency figures in ms."""
    tally = Tally()
    start = threading.Barrier(clients + 1)
    holder = {"stop": float("inf")}
    threads = [
        threading.Thread(target=_client_loop, args=(base, n, holder, tally, start, think))
        for n in range(clients)
    ]
    for t in threads:
        t.start()
    start.wait()
    began = time.monotonic()
    holder["stop"] = began + seconds
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    lat = sorted(tally.latencies_ms) or [float("nan")]
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0]] * 99
    if tally.kinds:
        print(f"  client errors: {dict(tally.kinds)}")
    return {
        "requests": len(tally.latencies_ms),
        "rps": len(tally.latencies_ms) / elapsed,
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "errors": tally.errors,
        "locked": tally.locked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", default="50,100", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="web workers on PostgreSQL")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause per client after each answer, s"
    )
    parser.add_argument("--keep-logs", type=Path, default=None, help="copy serve.log here")
    args = parser.parse_args()
    where = subprocess.run(
        [sys.executable, "-c", "import cdcare; print(cdcare.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"server code: {Path(where).parent}")
    counts = [int(c) for c in args.clients.split(",")]
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(
        f"{'backend':<22} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'locked':>6}"
    )
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="cdload") as tmp:
            env = {**os.environ, "CDCARE_DEMO": "1", "CDCARE_DATA_DIR": tmp}
            env.pop("CDCARE_DATABASE_URL", None)
            if backend == "sqlite":
                ctx, workers, label = _nullcontext(""), 1, "sqlite (1 worker)"
            else:
                ctx, workers = postgres(), args.workers
                label = f"postgres ({workers} workers)"
            with ctx as url:
                if url:
                    env["CDCARE_DATABASE_URL"] = url
                log = Path(tmp) / "serve.log"
                with server(env, workers, args.keep_logs) as base:
                    for n in counts:
                        seen = log.stat().st_size
                        r = run(base, n, args.seconds, args.think)
                        with log.open(errors="replace") as fh:
                            fh.seek(seen)
                            kinds = log_errors(fh.read())
                        r["locked"] += kinds["database is locked"]
                        if kinds:
                            print(f"  server log errors: {dict(kinds)}")
                        print(
                            f"{label:<22} {n:>7} {r['requests']:>8.0f} {r['rps']:>7.1f} "
                            f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} "
                            f"{r['errors']:>6.0f} {r['locked']:>6.0f}",
                            flush=True,
                        )


@contextmanager
def _nullcontext(value: str) -> Iterator[str]:
    yield value


if __name__ == "__main__":
    main()
