"""Database-backed queue of video analyses for the web app; safe with several processes.

A job is a :class:`~cdcare.store.video_models.VideoAnalysis` row. The upload request only
inserts it (status ``queued``). Every web process (each ``cdcare serve --workers N`` worker)
runs one :class:`AnalysisQueue`: a thread that *claims* queued rows and runs them in a small
pool of spawned processes (MediaPipe does not survive ``fork``), or on a Dask cluster when a
scheduler is configured (``CDCARE_DASK_SCHEDULER``), with
:func:`cdcare.care.videos.run_analysis`, which writes progress and the outcome to the row.

Claiming is one atomic ``UPDATE … SET status='running', claimed_by=… WHERE id = (oldest queued
id) AND status='queued' RETURNING id``. On PostgreSQL the inner ``SELECT`` is ``FOR UPDATE SKIP
LOCKED``, so concurrent claimers take different rows without waiting; on SQLite the database
has one writer at a time, so the statement cannot interleave with another claim. Either way a
row is claimed by one process only, and ``attempts`` counts claims.

While a job runs, its runner refreshes ``heartbeat_at`` (every ``HEARTBEAT_EVERY_S`` seconds).
A ``running`` row whose heartbeat is older than ``STALE_AFTER_S`` seconds, or whose runner was a
process of this host that no longer exists, was interrupted: at start-up and then periodically
it is put back in the queue when its video file still exists, and marked failed with a message
otherwise. The reset is again a conditional ``UPDATE`` (only if still running and still stale),
so two processes never both resume one job; a result from a runner that lost its claim is
discarded by ``run_analysis``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import secrets
import socket
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, or_, select, update

from cdcare.care.videos import run_analysis
from cdcare.errors import N_
from cdcare.store.db import session_scope
from cdcare.store.video_models import JobStatus, VideoAnalysis

log = logging.getLogger(__name__)

POLL_S = 2.0  # seconds between looks at the queue when idle (an upload wakes it at once)
HEARTBEAT_EVERY_S = 10.0  # seconds between heartbeats of the jobs a runner has in flight
STALE_AFTER_S = 60.0  # seconds without a heartbeat after which a running job is interrupted
RECOVER_EVERY_S = 30.0  # seconds between looks for interrupted jobs
GONE_MESSAGE = N_("The analysis was interrupted and its video is gone; please upload it again")


def _host() -> str:
    """This host and process namespace (two containers may share a host name, not pids)."""
    try:
        namespace = f"/{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        namespace = ""
    return f"{socket.gethostname()[:80]}{namespace}"


def new_runner_id() -> str:
    """``host:pid:random``: names one runner process in ``claimed_by``."""
    return f"{_host()}:{os.getpid()}:{secrets.token_hex(4)}"


def claim_next(engine: Engine, runner: str) -> int | None:
    """Claim the oldest queued job for ``runner``; its id, or None when the queue is empty."""
    pick = (
        select(VideoAnalysis.id)
        .where(VideoAnalysis.status == JobStatus.QUEUED)
        .order_by(VideoAnalysis.id)
        .limit(1)
    )
    if engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(VideoAnalysis)
        .where(VideoAnalysis.id == pick.scalar_subquery())
        .where(VideoAnalysis.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            claimed_by=runner,
            heartbeat_at=datetime.now(UTC),
            attempts=VideoAnalysis.attempts + 1,
            progress=0.0,
        )
        .returning(VideoAnalysis.id)
        .execution_options(synchronize_session=False)
    )
    with session_scope(engine) as db:
        return db.scalar(stmt)


def heartbeat(engine: Engine, runner: str, ids: list[int]) -> None:
    """Refresh ``heartbeat_at`` of the jobs ``runner`` still holds among ``ids``."""
    if not ids:
        return
    with session_scope(engine) as db:
        db.execute(
            update(VideoAnalysis)
            .where(VideoAnalysis.id.in_(ids), VideoAnalysis.claimed_by == runner)
            .where(VideoAnalysis.status == JobStatus.RUNNING)
            .values(heartbeat_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )


def _dead_here(claimed_by: str | None) -> bool:
    """True when ``claimed_by`` names a process of this host that no longer runs."""
    host, _, rest = (claimed_by or "").partition(":")
    pid = rest.partition(":")[0]
    if host != _host() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_stale(engine: Engine, *, stale_after_s: float = STALE_AFTER_S) -> list[int]:
    """Requeue (or fail, when the video is gone) interrupted running jobs; the requeued ids."""
    cutoff = datetime.now(UTC) - timedelta(seconds=stale_after_s)
    old = or_(VideoAnalysis.heartbeat_at.is_(None), VideoAnalysis.heartbeat_at < cutoff)
    requeued: list[int] = []
    with session_scope(engine) as db:
        rows = db.execute(
            select(
                VideoAnalysis.id,
                VideoAnalysis.claimed_by,
                VideoAnalysis.heartbeat_at,
                VideoAnalysis.video_path,
            ).where(VideoAnalysis.status == JobStatus.RUNNING)
        ).all()
    for job_id, claimed_by, beat, path in rows:
        if not (beat is None or beat < cutoff or _dead_here(claimed_by)):
            continue
        still = [VideoAnalysis.id == job_id, VideoAnalysis.status == JobStatus.RUNNING]
        if beat is None:
            still.append(VideoAnalysis.heartbeat_at.is_(None))
        elif beat >= cutoff:  # a dead local runner: only if nobody touched it since
            still.append(VideoAnalysis.heartbeat_at == beat)
        else:
            still.append(old)
        if path and Path(path).is_file():
            values: dict[str, object] = {
                "status": JobStatus.QUEUED,
                "progress": 0.0,
                "claimed_by": None,
                "heartbeat_at": None,
            }
        else:
            values = {
                "status": JobStatus.FAILED,
                "finished_at": datetime.now(UTC),
                "error": {"message": GONE_MESSAGE, "params": {}, "exit_code": 1},
            }
        with session_scope(engine) as db:
            done = db.execute(
                update(VideoAnalysis)
                .where(*still)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            changed = getattr(done, "rowcount", 0) == 1
        if changed and values["status"] is JobStatus.QUEUED:
            requeued.append(job_id)
    return requeued


class AnalysisQueue:
    """One process's job runner: claims queued analyses and runs ``workers`` at a time."""

    def __init__(
        self,
        engine: Engine,
        *,
        keep_video: bool,
        workers: int = 1,
        poll_s: float = POLL_S,
        scheduler: str | None = None,
        media_keys: str = "",
    ) -> None:
        self.engine = engine
        self.scheduler = scheduler
        self.media_keys = media_keys  # CDCARE_MEDIA_KEYS: encrypted uploads (cdcare.store.crypto)
        self.url = engine.url.render_as_string(hide_password=False)
        self.keep_video = keep_video
        self.workers = max(1, workers)
        self.poll_s = poll_s
        self.runner = new_runner_id()
        self.futures: dict[int, Future[str]] = {}
        self.ran: list[int] = []  # ids this runner claimed, in order (for tests and logs)
        self._pool: Executor | None = None
        self._client: Any = None
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _executor(self) -> Executor:
        """Spawned local processes, or the Dask cluster at ``scheduler`` (the database and the
        uploads folder must then be reachable from its workers)."""
        if self._pool is None:
            if self.scheduler:
                from distributed import Client

                self._client = Client(self.scheduler, set_as_default=False)  # type: ignore[no-untyped-call]
                self._pool = self._client.get_executor(pure=False)
            else:
                ctx = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        assert self._pool is not None  # noqa: S101 - created just above under the lock (narrowing)
        return self._pool

    def start(self) -> None:
        """Start the runner thread (idempotent)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._loop, name="cdcare-analysis-queue", daemon=True
                )
                self._thread.start()

    def submit(self, analysis_id: int, lang: str = "en") -> None:
        """Tell the runner a job was queued (its row is committed with status 'queued').

        Any process's runner may claim it; ``lang`` is kept on the row by the caller.
        """
        del analysis_id, lang
        self.start()
        self._wake.set()

    def resume(self) -> list[int]:
        """Requeue analyses interrupted by a stop (or fail those whose video is gone)."""
        return recover_stale(self.engine)

    def idle(self) -> bool:
        """No job in flight in this runner."""
        return not self.futures

    def _capacity(self) -> int:
        """Jobs in flight at most: ``workers``, or the cluster's worker threads on Dask."""
        if self.scheduler:
            self._executor()
            threads = sum(self._client.nthreads().values()) if self._client else 0
            return max(self.workers, int(threads))
        return self.workers

    def _claim_free_slots(self) -> None:
        while len(self.futures) < self._capacity() and not self._stop.is_set():
            job_id = claim_next(self.engine, self.runner)
            if job_id is None:
                return
            future = self._executor().submit(
                run_analysis, job_id, self.url, self.keep_video, None, self.runner, self.media_keys
            )
            future.add_done_callback(lambda _f: self._wake.set())
            self.futures[job_id] = future
            self.ran.append(job_id)

    def _reap(self) -> None:
        for job_id, future in list(self.futures.items()):
            if future.done():
                del self.futures[job_id]
                if future.exception() is not None:
                    log.error("analysis %s crashed: %s", job_id, future.exception())

    def _loop(self) -> None:
        last_beat = last_recover = time.monotonic()
        while not self._stop.is_set():
            try:
                self._reap()
                now = time.monotonic()
                if now - last_beat >= HEARTBEAT_EVERY_S:
                    heartbeat(self.engine, self.runner, list(self.futures))
                    last_beat = now
                if now - last_recover >= RECOVER_EVERY_S:
                    recover_stale(self.engine)
                    last_recover = now
                self._claim_free_slots()
            except Exception:  # the database may be briefly away: keep the runner alive
                log.exception("analysis queue runner")
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def shutdown(self) -> None:
        """Stop claiming, let running analyses finish, stop the worker processes."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None
        self._reap()


def work(
    engine: Engine,
    *,
    keep_video: bool,
    workers: int = 1,
    idle_exit_s: float = 0.0,
    media_keys: str = "",
) -> AnalysisQueue:
    """Run a queue in this process without the web app (a worker host); returns it, stopped.

    With ``idle_exit_s`` > 0 it stops once nothing was queued or running for that long,
    otherwise it runs until interrupted (Ctrl-C). ``queue.ran`` lists the jobs it claimed.
    """
    queue = AnalysisQueue(
        engine, keep_video=keep_video, workers=workers, poll_s=0.5, media_keys=media_keys
    )
    queue.resume()
    queue.start()
    quiet_since = time.monotonic()
    try:
        while True:
            time.sleep(0.25)
            if not queue.idle() or _queued(engine):
                quiet_since = time.monotonic()
            elif idle_exit_s > 0 and time.monotonic() - quiet_since >= idle_exit_s:
                return queue
    finally:
        queue.shutdown()


def _queued(engine: Engine) -> bool:
    with session_scope(engine) as db:
        return (
            db.scalar(select(VideoAnalysis.id).where(VideoAnalysis.status == JobStatus.QUEUED))
            is not None
        )


__all__ = ["AnalysisQueue", "claim_next", "heartbeat", "recover_stale", "work"]
