"""Video analyses of a patient: create, read, run (the job body) and link to a TWSTRS rating.

The measurement itself is :func:`cdcare.video.pipeline.analyze`, the function ``cdcare
analyze`` runs (docs/video.md video contract: degrees, + = chin to the patient's left / tilt to
the left shoulder / chin down), against the baseline chosen at upload
(:mod:`cdcare.care.video_baseline`: none, a neutral segment of the clip, or an earlier analysis
of the same patient marked as the neutral reference).
The job body :func:`run_analysis` runs in a worker process with its own database engine; it
writes progress (0–1) as it goes, the result or a translatable error at the end, and deletes
the uploaded file unless the centre keeps raw video.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care.video_baseline import Baseline, JobReference, apply_baseline, job_reference
from cdcare.errors import N_, CdcareError, NotFound
from cdcare.store.db import make_engine, session_scope
from cdcare.store.models import Centre, Patient
from cdcare.store.video_models import JobStatus, VideoAnalysis
from cdcare.video.contract import VideoResult

PROGRESS_EVERY_S = 0.5  # seconds between progress writes


def create_analysis(
    *,
    db: Session,
    patient_id: int,
    uploaded_by_id: int | None,
    filename: str,
    path: Path,
    source: str = "clinic",
    mirrored: bool = False,
    lang: str = "en",
    baseline: Baseline | None = None,
) -> VideoAnalysis:
    """A queued analysis of the uploaded file at ``path`` (``lang``: the uploader's language;
    ``baseline``: the validated reference choice, default none; see
    :func:`cdcare.care.video_baseline.choose_baseline`)."""
    row = VideoAnalysis(
        lang=lang[:8],
        patient_id=patient_id,
        uploaded_by_id=uploaded_by_id,
        source=source,
        filename=filename[:255],
        mirrored=mirrored,
        video_path=str(path),
    )
    apply_baseline(row, baseline or Baseline())
    db.add(row)
    db.flush()
    return row


def get_analysis(*, db: Session, patient_id: int, analysis_id: int) -> VideoAnalysis:
    """One analysis of this patient (NotFound otherwise)."""
    row = db.get(VideoAnalysis, analysis_id)
    if row is None or row.patient_id != patient_id:
        raise NotFound(N_("Video analysis {id} not found"), id=analysis_id)
    return row


def list_analyses(*, db: Session, patient_id: int) -> Sequence[VideoAnalysis]:
    """All analyses of a patient, newest first."""
    return db.scalars(
        select(VideoAnalysis)
        .where(VideoAnalysis.patient_id == patient_id)
        .order_by(VideoAnalysis.id.desc())
    ).all()


def latest_result(*, db: Session, patient_id: int) -> VideoAnalysis | None:
    """The newest finished analysis of a patient, if any."""
    return db.scalar(
        select(VideoAnalysis)
        .where(VideoAnalysis.patient_id == patient_id, VideoAnalysis.status == JobStatus.DONE)
        .order_by(VideoAnalysis.id.desc())
        .limit(1)
    )


def error_text(row: VideoAnalysis, lang: str) -> str:
    """A failed analysis's message in ``lang``."""
    from cdcare.i18n import translate

    err = row.error or {}
    template = translate(str(err.get("message", N_("The analysis failed"))), lang)
    try:
        return template.format(**err.get("params", {}))
    except (KeyError, IndexError, ValueError):
        return template


def twstrs_prefill(row: VideoAnalysis) -> dict[str, int]:
    """TWSTRS severity items suggested by the measurement, keyed by the scale's item codes.

    The video's ``anterocollis_retrocollis`` goes to ``anterocollis`` when the median flexion
    is positive (chin down) and to ``retrocollis`` when negative; the other item stays 0.
    Items whose measure is not validated (``prefill`` False in
    :data:`cdcare.clinical.video_twstrs.BANDS`: today the shifts and shoulder elevation) are
    left out.
    """
    from cdcare.clinical.video_twstrs import prefilled_items

    allowed = prefilled_items()  # today's rules, also for results stored before them
    result = VideoResult.model_validate(row.result or {})
    sug = result.twstrs
    if sug is None:
        return {}
    out: dict[str, int] = {}
    for code in (
        "rotation",
        "laterocollis",
        "lateral_shift",
        "sagittal_shift",
        "shoulder_elevation",
    ):
        value = sug.score(code)
        if code in allowed and value is not None:
            out[code] = value
    ar = sug.anterocollis_retrocollis
    if ar is not None:
        flexion = result.posture.flexion_deg or 0.0
        out["anterocollis"] = ar if flexion >= 0 else 0
        out["retrocollis"] = ar if flexion < 0 else 0
    return out


def _holds(row: VideoAnalysis | None, claim: str | None) -> bool:
    """The job is still this runner's to run (``claim`` None: any queued or running job)."""
    if row is None:
        return False
    if claim is None:
        return row.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    return row.status is JobStatus.RUNNING and row.claimed_by == claim


def _measure(
    path: Path,
    mirrored: bool,
    reference: JobReference,
    lang: str,
    progress: Callable[[int, int], None],
) -> VideoResult:
    """The CLI's measurement (:func:`cdcare.video.pipeline.analyze`, as ``cdcare analyze
    --reference`` / ``--neutral``) of the clip at ``path`` against the job's reference."""
    from cdcare.video.io import open_video
    from cdcare.video.pipeline import analyze

    return analyze(
        open_video(path),
        mirrored=mirrored,
        reference=reference.posture,
        reference_name=reference.name,
        neutral_segment=reference.segment,
        lang=lang,
        progress=progress,
    )


def run_analysis(
    analysis_id: int,
    database_url: str,
    keep_video: bool,
    lang: str | None = None,
    claim: str | None = None,
    media_keys: str = "",
) -> str:
    """The job body (worker process): analyse the clip and store the outcome; returns status.

    ``claim`` is the runner id that claimed the row (:mod:`cdcare.jobs.analysis`): the job runs
    only while the row is still claimed by it, and an outcome is discarded (``"lost"``) when the
    claim was taken away meanwhile (the job was judged interrupted). ``lang`` defaults to the
    row's. The raw video is kept when the installation (``keep_video``) or the patient's centre
    (``Centre.keep_raw_video``) says so, and deleted otherwise. An encrypted upload
    (``media_keys``, :mod:`cdcare.store.crypto`) is decrypted to a private temporary copy for
    the decoder only; the kept file stays encrypted.
    """
    from cdcare.store.crypto import parse_keys, plain_copy

    engine = make_engine(database_url)
    try:
        with session_scope(engine) as db:
            row = db.get(VideoAnalysis, analysis_id)
            if row is None or not _holds(row, claim):
                return "skipped"
            row.status, row.started_at, row.progress = JobStatus.RUNNING, datetime.now(UTC), 0.0
            row.heartbeat_at = row.started_at
            lang = lang or row.lang or "en"
            path, mirrored = Path(row.video_path or ""), row.mirrored
            centre_keeps = db.scalar(
                select(Centre.keep_raw_video)
                .join(Patient, Patient.centre_id == Centre.id)
                .where(Patient.id == row.patient_id)
            )
            keep_video = keep_video or bool(centre_keeps)
            try:
                reference: JobReference | CdcareError = job_reference(db, row)
            except CdcareError as err:  # the reference analysis is gone or unusable
                reference = err
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if total > 0 and now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                with session_scope(engine) as db:
                    job = db.get(VideoAnalysis, analysis_id)
                    if job is not None and _holds(job, claim):
                        job.progress = min(done / total, 0.99)
                        job.heartbeat_at = datetime.now(UTC)

        outcome: dict[str, Any]
        try:
            if isinstance(reference, CdcareError):
                raise reference
            if path.is_file():
                with plain_copy(path, parse_keys(media_keys)) as plain:
                    result = _measure(plain, mirrored, reference, lang, progress)
            else:
                result = _measure(path, mirrored, reference, lang, progress)
            outcome = {"status": JobStatus.DONE, "result": result.to_json(), "error": None}
        except CdcareError as err:
            outcome = {
                "status": JobStatus.FAILED,
                "result": None,
                "error": {
                    "message": err.message,
                    "params": {k: str(v) for k, v in err.params.items()},
                    "exit_code": err.exit_code,
                },
            }
        except Exception as exc:  # a crash must still end the job, visibly
            outcome = {
                "status": JobStatus.FAILED,
                "result": None,
                "error": {
                    "message": N_("The analysis failed: {reason}"),
                    "params": {"reason": type(exc).__name__},
                    "exit_code": 1,
                },
            }
        with session_scope(engine) as db:
            job = db.get(VideoAnalysis, analysis_id)
            if job is None or not _holds(job, claim):
                return "lost"  # requeued or failed by another process meanwhile: not ours
            job.status, job.result, job.error = (
                outcome["status"],
                outcome["result"],
                outcome["error"],
            )
            job.progress = 1.0 if job.status is JobStatus.DONE else job.progress
            job.finished_at = datetime.now(UTC)
            if not keep_video:
                path.unlink(missing_ok=True)
                job.video_path = None
            return str(job.status)
    finally:
        engine.dispose()


#: Words shown for sources and job states (translated at display time).
LABELS = (N_("clinic"), N_("home"), N_("queued"), N_("running"), N_("done"), N_("failed"))
