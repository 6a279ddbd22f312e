"""Video upload, background analysis with progress, and the measurement result page.

Uploads stream to ``data_dir/uploads`` and are analysed by the app's
:class:`~cdcare.jobs.analysis.AnalysisQueue` (a database-backed queue claimed by any web
process's runner, run in worker processes, not the request). The result
page shows the docs/video.md contract values with their signs in words, quality warnings, the
angle series and the TWSTRS suggestion; "Use in TWSTRS" opens the form pre-filled, marked as
suggested, for the clinician to confirm or edit.
"""

from __future__ import annotations

import errno
import uuid
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from cdcare.care.access import Action
from cdcare.care.storage import MSG_DISK_FULL, MSG_QUOTA, StorageFull, quota_room
from cdcare.care.video_baseline import choose_baseline, mark_neutral, neutral_references
from cdcare.care.videos import create_analysis, error_text, get_analysis, list_analyses
from cdcare.education.measurement import describe_posture
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.reports.plots import series_svg, spectrum_svg
from cdcare.store.crypto import EncryptingWriter, MediaKeys, parse_keys
from cdcare.store.models import Patient, User
from cdcare.store.video_models import JobStatus, VideoAnalysis
from cdcare.video.contract import Series, VideoResult
from cdcare.video.spectrum import angle_spectra
from cdcare.web.deps import DB, CurrentUser, audit, patient_for, verify_csrf
from cdcare.web.hardening import TooLarge
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.upload_spool import read_form

router = APIRouter(tags=["video"])

MAX_UPLOAD_BYTES = 500 * 1024 * 1024  # a 10-minute 1080p phone clip is well below this
CHUNK = 1024 * 1024
RECORD_SECONDS = 20  # a neutral recording long enough for posture medians and tremor (≥ 3 s)
SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"}


def _patient(
    db: DB, user: User, patient: Annotated[Patient, patient_for(Action.VIDEO_UPLOAD)]
) -> Patient:
    return patient


async def save_upload(
    upload: UploadFile,
    folder: Path,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    room: int | None = None,
    quota_mb: int = 0,
    keys: MediaKeys | None = None,
) -> Path:
    """Stream an upload to a new file in ``folder``; refuses empty, oversized, over-quota files.

    Writes run in a worker thread (not on the event loop); with ``keys`` the file is written
    encrypted (:mod:`cdcare.store.crypto`). ``room``: bytes left in the centre's quota. A full
    disk (``ENOSPC``) is a clear :class:`StorageFull`; nothing partial is left behind.
    """
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        suffix = ".bin"  # decoding decides whether it is a video
    path = folder / f"{uuid.uuid4().hex}{suffix}"

    def _open() -> tuple[BinaryIO, EncryptingWriter | None]:
        folder.mkdir(parents=True, exist_ok=True)
        fh: BinaryIO = path.open("wb")
        return fh, (EncryptingWriter(fh, keys) if keys is not None else None)

    size = 0
    try:
        fh, writer = await anyio.to_thread.run_sync(_open)
        try:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(N_("The video is larger than {mb} MB"), mb=max_bytes // 2**20)
                if room is not None and size > room:
                    raise StorageFull(MSG_QUOTA, used=quota_mb - room // 2**20, quota=quota_mb)
                await anyio.to_thread.run_sync((writer or fh).write, chunk)
            if size == 0:
                raise InputError(N_("The uploaded file is empty"))
            if writer is not None:
                await anyio.to_thread.run_sync(writer.close)
        finally:
            await anyio.to_thread.run_sync(fh.close)
    except OSError as exc:
        path.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise StorageFull(MSG_DISK_FULL) from None
        raise
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def plain_words(row: VideoAnalysis, lang: str) -> list[str]:
    """The measured head angles in plain words (education.measurement), if measurable."""
    posture = VideoResult.model_validate(row.result or {}).posture
    try:
        return [s.text(lang) for s in describe_posture(posture.model_dump())]
    except InputError:  # an angle the clip could not measure
        return []


def status_json(row: VideoAnalysis, lang: str) -> dict[str, Any]:
    """Job state for polling clients; a finished one carries its result in plain words."""
    return {
        "plain": plain_words(row, lang) if row.status is JobStatus.DONE else [],
        "id": row.id,
        "status": row.status.value,
        "progress": round(row.progress, 3),
        "error": error_text(row, lang) if row.status is JobStatus.FAILED else None,
    }


@router.get("/patients/{patient_id}/videos")
def videos_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.VIDEO_UPLOAD)],
) -> Response:
    """Upload form and the list of the patient's analyses."""
    rows = list_analyses(db=db, patient_id=patient.id)
    references = neutral_references(db=db, patient_id=patient.id)
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return render(
        request,
        "videos.html",
        {"patient": patient, "rows": rows, "references": references},
        user=user,
    )


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/patients/{patient_id}/videos", dependencies=[Depends(verify_csrf)])
async def upload_video(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.VIDEO_UPLOAD)],
) -> Response:
    """Store the upload and queue its analysis; JSON for scripts/recorders, else a redirect."""
    form = await read_form(request)  # the file part is spooled encrypted, never in clear
    try:
        upload = form.get("video")
        if not isinstance(upload, UploadFile):
            raise InputError(N_("Choose a video file to upload"))
        baseline = choose_baseline(
            db=db,
            patient_id=patient.id,
            kind=_field(form, "baseline"),
            start=_field(form, "neutral_start"),
            end=_field(form, "neutral_end"),
            reference_id=_field(form, "reference_id"),
        )
        settings = request.app.state.settings
        room = quota_room(db=db, centre_id=patient.centre_id, quota_mb=settings.centre_quota_mb)
        path = await save_upload(
            upload,
            Path(settings.data_dir) / "uploads",
            max_bytes=settings.max_upload_mb * 2**20,
            room=room,
            quota_mb=settings.centre_quota_mb,
            keys=parse_keys(settings.media_keys),
        )
        source = "home" if user.role.value == "patient" else "clinic"
        row = create_analysis(
            db=db,
            patient_id=patient.id,
            uploaded_by_id=user.id,
            filename=upload.filename or "",
            path=path,
            source=source,
            mirrored=form.get("mirrored") in ("1", "on", "true"),
            lang=request_lang(request),
            baseline=baseline,
        )
    finally:
        await form.close()  # the spooled upload file (removed)
    audit(request, db, user, "create", patient_id=patient.id, target=f"video_analysis:{row.id}")
    db.commit()
    request.app.state.analysis_queue.submit(row.id, request_lang(request))
    url = f"/patients/{patient.id}/videos/{row.id}"
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {"id": row.id, "url": url, "status_url": f"{url}/status"}, status_code=202
        )
    return RedirectResponse(url, status_code=303)


def _result_context(request: Request, row: VideoAnalysis, db: DB) -> dict[str, Any]:
    lang = request_lang(request)
    ctx: dict[str, Any] = {"row": row, "error": "", "plot": "", "plain": [], "spectrum": ""}
    ctx["reference_row"] = (
        db.get(VideoAnalysis, row.reference_analysis_id) if row.reference_analysis_id else None
    )
    if row.status is JobStatus.FAILED:
        ctx["error"] = error_text(row, lang)
    if row.status is JobStatus.DONE and row.result:
        ctx["plain"] = plain_words(row, lang)
        result = VideoResult.model_validate(row.result)
        series = result.series or Series()
        angles = {"yaw": series.yaw_deg, "roll": series.roll_deg, "pitch": series.pitch_deg}
        ctx["plot"] = series_svg(
            series.t_s,
            angles,
            title=translate(N_("Head angles over the clip"), lang),
            ylabel=translate(N_("degrees"), lang),
        )
        spectra = angle_spectra(series.t_s, angles)
        tremor = result.tremor
        ctx["spectrum"] = (
            spectrum_svg(
                spectra,
                title=translate(N_("Tremor spectrum (1–12 Hz)"), lang),
                ylabel="deg²/Hz",
                peak_hz=tremor.frequency_hz if tremor and tremor.present else None,
            )
            if spectra
            else ""
        )
    return ctx


@router.get("/patients/{patient_id}/videos/{analysis_id}")
def video_result(
    request: Request,
    analysis_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.VIDEO_UPLOAD)],
) -> Response:
    """Progress while the analysis runs; the measurements when it is done."""
    row = get_analysis(db=db, patient_id=patient.id, analysis_id=analysis_id)
    audit(request, db, user, "view", patient_id=patient.id, target=f"video_analysis:{row.id}")
    db.commit()
    return render(
        request,
        "video_result.html",
        {"patient": patient, **_result_context(request, row, db)},
        user=user,
    )


@router.get("/patients/{patient_id}/videos/{analysis_id}/status")
def video_status(
    request: Request,
    analysis_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.VIDEO_UPLOAD)],
) -> Response:
    """Polling: JSON for scripts, the status fragment for the page (HTMX)."""
    row = get_analysis(db=db, patient_id=patient.id, analysis_id=analysis_id)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(status_json(row, request_lang(request)))
    response = render(
        request,
        "video_status.html",
        {"patient": patient, **_result_context(request, row, db)},
        user=user,
    )
    if row.status in (JobStatus.DONE, JobStatus.FAILED):
        response.headers["HX-Refresh"] = "true"  # show the full result page
    return response


@router.post(
    "/patients/{patient_id}/videos/{analysis_id}/neutral", dependencies=[Depends(verify_csrf)]
)
async def mark_video_neutral(
    request: Request,
    analysis_id: int,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.SCALE_RECORD)],
) -> Response:
    """A clinician marks (``neutral=1``) or unmarks (``neutral=0``) a finished analysis as the
    patient's neutral reference, offered as the baseline of later uploads."""
    form = await request.form()
    neutral = _field(form, "neutral") != "0"
    row = mark_neutral(db=db, patient_id=patient.id, analysis_id=analysis_id, neutral=neutral)
    audit(
        request,
        db,
        user,
        "amend",
        patient_id=patient.id,
        target=f"video_analysis:{row.id}",
        reason="neutral reference" if neutral else "not a neutral reference",
    )
    db.commit()
    return RedirectResponse(f"/patients/{patient.id}/videos/{row.id}", status_code=303)


@router.get("/patients/{patient_id}/record")
def record_page(
    request: Request,
    patient: Annotated[Patient, patient_for(Action.VIDEO_UPLOAD)],
    db: DB,
    user: CurrentUser,
    seconds: int = 0,
) -> Response:
    """Record a neutral 20-second clip with the browser's camera and send it for analysis.

    The recorded file is the camera's own (unmirrored) image: the patient's left is the
    image's right, as with a clinic camera; only the on-screen preview is mirrored.
    ``seconds`` (5–60) changes the length of the recording, default 20 s.
    """
    length = min(max(seconds, 5), 60) if seconds else RECORD_SECONDS
    references = neutral_references(db=db, patient_id=patient.id)
    return render(
        request,
        "record.html",
        {"patient": patient, "seconds": length, "references": references},
        user=user,
    )
