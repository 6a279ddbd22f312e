"""The database-backed video job queue: exclusive claims (SKIP LOCKED on PostgreSQL, one
writer on SQLite), recovery of interrupted jobs, and two real worker processes sharing one
PostgreSQL queue so that every job is analysed exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from cdcare.care.videos import run_analysis
from cdcare.jobs.analysis import GONE_MESSAGE, _host, claim_next, recover_stale
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import Centre, Patient, Sex
from cdcare.store.video_models import JobStatus, VideoAnalysis
from cdcare.video.synth import SynthSpec, write_clip

SRC = Path(__file__).resolve().parents[2] / "src"


def _patient(engine: Engine) -> int:
    with session_scope(engine) as db:
        centre = Centre(code="Q1", name="Queue test centre")
        db.add(centre)
        db.flush()
        patient = Patient(centre_id=centre.id, record_number="Q-1", birth_year=1970, sex=Sex.FEMALE)
        db.add(patient)
        db.flush()
        return patient.id


def _jobs(engine: Engine, pid: int, paths: list[Path]) -> list[int]:
    with session_scope(engine) as db:
        rows = [VideoAnalysis(patient_id=pid, filename=p.name, video_path=str(p)) for p in paths]
        db.add_all(rows)
        db.flush()
        return [r.id for r in rows]


def test_each_claim_takes_a_different_job(engine: Engine, tmp_path: Path) -> None:
    ids = _jobs(engine, _patient(engine), [tmp_path / f"{i}.mp4" for i in range(3)])
    claims = [claim_next(engine, f"runner-{i}") for i in range(4)]
    assert claims == [*ids, None]
    with session_scope(engine) as db:
        rows = db.scalars(select(VideoAnalysis).order_by(VideoAnalysis.id)).all()
        assert [(r.status, r.claimed_by, r.attempts) for r in rows] == [
            (JobStatus.RUNNING, f"runner-{i}", 1) for i in range(3)
        ]
        assert all(r.heartbeat_at is not None for r in rows)


@pytest.mark.postgres
def test_postgres_claim_skips_a_row_locked_by_another_claimer(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        first, second = _jobs(engine, _patient(engine), [tmp_path / "a.mp4", tmp_path / "b.mp4"])
        with engine.connect() as other:  # another process is claiming the first row right now
            other.execute(text("SELECT id FROM video_analysis WHERE id = :i FOR UPDATE"),
                          {"i": first})  # fmt: skip
            started = time.monotonic()
            assert claim_next(engine, "me") == second  # not blocked, not the locked row
            assert time.monotonic() - started < 5.0
            other.rollback()
        assert claim_next(engine, "me") == first
    finally:
        engine.dispose()


def test_interrupted_jobs_are_requeued_or_failed_once(engine: Engine, tmp_path: Path) -> None:
    kept = tmp_path / "kept.mp4"
    kept.write_bytes(b"x")
    pid = _patient(engine)
    stale, fresh, gone, dead = _jobs(engine, pid, [kept, kept, tmp_path / "missing.mp4", kept])
    now = datetime.now(UTC)
    with session_scope(engine) as db:
        for job_id, beat, runner in (
            (stale, now - timedelta(minutes=5), "elsewhere:1:aa"),
            (fresh, now, "elsewhere:1:bb"),
            (gone, None, "elsewhere:1:cc"),
            (dead, now, f"{_host()}:999999:dd"),  # no such process on this host
        ):
            row = db.get(VideoAnalysis, job_id)
            assert row is not None
            row.status, row.heartbeat_at, row.claimed_by = JobStatus.RUNNING, beat, runner
    assert sorted(recover_stale(engine)) == sorted([stale, dead])
    assert recover_stale(engine) == []  # a second process finds nothing left to resume
    with session_scope(engine) as db:
        status = {r.id: r for r in db.scalars(select(VideoAnalysis))}
        assert status[stale].status is JobStatus.QUEUED and status[stale].claimed_by is None
        assert status[dead].status is JobStatus.QUEUED
        assert status[fresh].status is JobStatus.RUNNING  # its runner is alive: left alone
        assert status[gone].status is JobStatus.FAILED
        assert status[gone].error == {"message": GONE_MESSAGE, "params": {}, "exit_code": 1}


def test_a_runner_without_the_claim_does_not_run_the_job(engine: Engine, tmp_path: Path) -> None:
    clip = tmp_path / "c.mp4"
    clip.write_bytes(b"not analysed")
    (job,) = _jobs(engine, _patient(engine), [clip])
    assert claim_next(engine, "owner") == job
    url = engine.url.render_as_string(hide_password=False)
    assert run_analysis(job, url, False, None, "intruder") == "skipped"
    with session_scope(engine) as db:
        row = db.get(VideoAnalysis, job)
        assert row is not None and row.status is JobStatus.RUNNING and row.claimed_by == "owner"
    assert clip.exists()


def _worker(url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "CDCARE_DATABASE_URL": url, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cdcare.cli.main import main; main()",
            "worker",
            "--idle-exit",
            "3",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.postgres
@pytest.mark.slow
def test_two_worker_processes_analyse_each_job_exactly_once(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        pid = _patient(engine)
        clips = []
        for i in range(6):
            clips.append(tmp_path / f"c{i}.mp4")
            write_clip(clips[-1], SynthSpec(yaw_deg=-20.0 + 8 * i, seconds=1.0, fps=10.0,
                                            width=320, height=240))  # fmt: skip
        workers = [_worker(pg_url) for _ in range(2)]
        for w in workers:  # both are up before the jobs arrive
            assert w.stdout is not None
            assert json.loads(w.stdout.readline())["event"] == "ready"
        ids = _jobs(engine, pid, clips)
        reports = []
        for w in workers:
            out, _ = w.communicate(timeout=300)
            assert w.returncode == 0
            reports.append(json.loads(out.strip().splitlines()[-1]))
        ran = [set(r["ran"]) for r in reports]
        assert ran[0].isdisjoint(ran[1]) and ran[0] | ran[1] == set(ids)
        assert all(ran), "both workers took part"
        with session_scope(engine) as db:
            rows = db.scalars(select(VideoAnalysis).order_by(VideoAnalysis.id)).all()
            assert [r.status for r in rows] == [JobStatus.DONE] * 6
            assert [r.attempts for r in rows] == [1] * 6
            owner = {r["runner"]: set(r["ran"]) for r in reports}
            for row in rows:
                assert row.claimed_by is not None and row.id in owner[row.claimed_by]
                assert row.result is not None
            rotations = [r.result["posture"]["rotation_deg"] for r in rows if r.result]
            assert rotations == sorted(rotations)  # each row got its own clip's measurement
    finally:
        engine.dispose()


def test_web_queue_runs_jobs_on_a_dask_cluster(sqlite_url: str, tmp_path: Path) -> None:
    from distributed import LocalCluster

    from cdcare.jobs.analysis import AnalysisQueue

    engine = make_engine(sqlite_url)
    upgrade(engine)
    clip = tmp_path / "left.mp4"
    write_clip(clip, SynthSpec(yaw_deg=20.0, seconds=1.0, fps=10.0, width=320, height=240))
    (job,) = _jobs(engine, _patient(engine), [clip])
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        queue = AnalysisQueue(
            engine, keep_video=True, poll_s=0.2, scheduler=cluster.scheduler_address
        )
        try:
            queue.submit(job)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and (queue.ran == [] or not queue.idle()):
                time.sleep(0.2)
        finally:
            queue.shutdown()
    with session_scope(engine) as db:
        row = db.get(VideoAnalysis, job)
        assert row is not None and row.status is JobStatus.DONE and row.result is not None
        assert row.claimed_by == queue.runner and row.attempts == 1
        assert 10.0 < row.result["posture"]["rotation_deg"] < 30.0
    engine.dispose()
