"""Background queue of video analyses for the web app: a small pool of worker processes.

Workers are spawned (MediaPipe does not survive ``fork``) and run
:func:`cdcare.care.videos.run_analysis`, which writes progress and results to the database
itself, so the web process only submits and later reads the row. On start-up, analyses left
queued or running by a stopped server are submitted again when their file still exists, and
marked failed otherwise.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import Engine, select

from cdcare.care.videos import run_analysis
from cdcare.errors import N_
from cdcare.store.db import session_scope
from cdcare.store.video_models import JobStatus, VideoAnalysis


class AnalysisQueue:
    """Submits analyses to ``workers`` spawned processes (created on first use)."""

    def __init__(self, engine: Engine, *, keep_video: bool, workers: int = 1) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=False)
        self.keep_video = keep_video
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self.futures: dict[int, Future[str]] = {}

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self._pool

    def submit(self, analysis_id: int, lang: str = "en") -> Future[str]:
        """Queue one analysis; its row must exist with status 'queued'."""
        future = self._executor().submit(run_analysis, analysis_id, self.url, self.keep_video, lang)
        self.futures[analysis_id] = future
        return future

    def resume(self) -> list[int]:
        """Re-submit analyses interrupted by a stop; returns their ids."""
        resumed: list[int] = []
        with session_scope(self.engine) as db:
            stale = db.scalars(
                select(VideoAnalysis).where(
                    VideoAnalysis.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])
                )
            ).all()
            for row in stale:
                if row.video_path and Path(row.video_path).is_file():
                    row.status, row.progress = JobStatus.QUEUED, 0.0
                    resumed.append(row.id)
                else:
                    row.status = JobStatus.FAILED
                    row.error = {
                        "message": N_(
                            "The analysis was interrupted and its video is "
                            "gone; please upload it again"
                        ),
                        "params": {},
                        "exit_code": 1,
                    }
        for analysis_id in resumed:
            self.submit(analysis_id)
        return resumed

    def shutdown(self) -> None:
        """Stop the workers (running analyses are finished first)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=False)
            self._pool = None
