"""Analyse every video of a folder: one JSON result per video plus a CSV summary.

A video that fails (not decodable, no face, a crash on a worker) gets a row with its error code
and message instead of a JSON result; the other videos are not affected. A rerun into the same
output folder is resumable: a video whose JSON result is already there is not analysed again,
its summary row is rebuilt from that JSON. Results are written atomically (a ``.part`` file
renamed into place), so an interrupted run never leaves a half-written JSON that a rerun would
trust.

Where the work runs: in this process (``jobs=1``), in a local pool of ``jobs`` processes
(:mod:`cdcare.jobs.local`), or on a ``dask.distributed`` cluster (``scheduler``, see
:mod:`cdcare.jobs.cluster`). The JSON and CSV are the same on every path.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdcare.errors import N_, CdcareError, InputError
from cdcare.i18n import translate
from cdcare.jobs.local import run_local
from cdcare.video.contract import VideoResult

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")
SUMMARY_NAME = "summary.csv"
CSV_FIELDS = (
    "video",
    "status",
    "exit_code",
    "message",
    "result",
    "duration_s",
    "face_found_ratio",
    "rotation_deg",
    "tilt_deg",
    "flexion_deg",
    "lateral_shift",
    "sagittal_shift",
    "shoulder_elevation",
    "tremor_present",
    "tremor_axis",
    "tremor_frequency_hz",
    "tremor_amplitude_deg",
    "twstrs_rotation",
    "twstrs_laterocollis",
    "twstrs_anterocollis_retrocollis",
    "twstrs_lateral_shift",
    "twstrs_sagittal_shift",
    "twstrs_shoulder_elevation",
    "warnings",
)
#: Called after each video with (videos finished, videos in the folder).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FolderTask:
    """One video to analyse and where its JSON result goes."""

    video: Path
    out_json: Path
    mirrored: bool
    reference: dict[str, float | None] | None
    reference_name: str | None
    lang: str


def list_videos(folder: Path) -> list[Path]:
    """Video files directly inside ``folder`` (by suffix), sorted by name."""
    if not folder.is_dir():
        raise InputError(N_("Not a folder: {path}"), path=str(folder))
    videos = sorted(p for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
    if not videos:
        raise InputError(N_("No video files in {path}"), path=str(folder))
    return videos


def error_row(video: str, exit_code: int, message: str) -> dict[str, Any]:
    """The summary row of a video that could not be analysed."""
    return {"video": video, "status": "error", "exit_code": exit_code, "message": message}


def result_row(video: str, json_name: str, result: VideoResult) -> dict[str, Any]:
    """The summary row of an analysed video, from its video-contract result.

    Raises ValueError for a result without the sections a produced result always has.
    """
    quality, tremor, twstrs = result.quality, result.tremor, result.twstrs
    if result.video is None or quality is None or tremor is None or twstrs is None:
        raise ValueError("not a complete video result")
    row: dict[str, Any] = {
        "video": video,
        "status": "ok",
        "exit_code": 0,
        "message": "",
        "result": json_name,
        "duration_s": result.video.duration_s,
        "face_found_ratio": quality.face_found_ratio,
        "tremor_present": tremor.present,
        "tremor_axis": tremor.axis,
        "tremor_frequency_hz": tremor.frequency_hz,
        "tremor_amplitude_deg": tremor.amplitude_deg,
        "warnings": " ".join(w.code for w in quality.warnings),
    }
    row.update(result.posture.model_dump())
    row.update({f"twstrs_{k}": v for k, v in twstrs.model_dump(exclude={"basis"}).items()})
    return row


def analyze_clip(task: FolderTask) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Worker (any process or cluster node): analyse one video → (summary row, result or None).

    Never raises for a bad clip: a :class:`CdcareError` keeps its exit code and message, any
    other exception becomes exit code 1 with its type and text, so one clip cannot stop a batch.
    """
    from cdcare.video.io import open_video
    from cdcare.video.pipeline import analyze

    try:
        result = analyze(
            open_video(task.video),
            mirrored=task.mirrored,
            reference=task.reference,
            reference_name=task.reference_name,
            lang=task.lang,
        )
    except CdcareError as err:
        return error_row(task.video.name, err.exit_code, err.text(task.lang)), None
    except Exception as exc:  # a crash in one clip is that clip's error
        return error_row(task.video.name, 1, crash_message(exc, task.lang)), None
    return result_row(task.video.name, task.out_json.name, result), result.to_json()


def crash_message(exc: BaseException, lang: str) -> str:
    """'The analysis failed: <type>: <text>' in ``lang``."""
    reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return translate(N_("The analysis failed: {reason}"), lang).format(reason=reason)


def done_row(task: FolderTask) -> dict[str, Any] | None:
    """The row of a video already analysed into ``task.out_json`` by an earlier run, else None."""
    try:
        result = VideoResult.model_validate_json(task.out_json.read_bytes())
        return result_row(task.video.name, task.out_json.name, result)
    except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
        return None  # missing or not a result: analyse again


def write_json(path: Path, result: dict[str, Any]) -> None:
    """Write ``result`` to ``path`` atomically (``.part`` then rename)."""
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    os.replace(part, path)


def write_summary(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    """The CSV summary, one row per video (empty cell for a missing value)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in CSV_FIELDS})


def _outcomes(
    tasks: list[FolderTask], *, jobs: int, scheduler: str | None, lang: str
) -> Iterator[tuple[FolderTask, dict[str, Any], dict[str, Any] | None]]:
    if scheduler:
        from cdcare.jobs.cluster import run_dask

        for task, outcome in run_dask(analyze_clip, tasks, address=scheduler):
            if isinstance(outcome, BaseException):  # the worker died or could not run it
                yield task, error_row(task.video.name, 1, crash_message(outcome, lang)), None
            else:
                yield task, *outcome
        return
    for task, (row, result) in run_local(analyze_clip, tasks, jobs=jobs):
        yield task, row, result


def analyze_folder(
    folder: Path,
    out_dir: Path,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    mirrored: bool = False,
    reference: dict[str, float | None] | None = None,
    reference_name: str | None = None,
    lang: str = "en",
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Analyse the videos in ``folder`` not yet done; write ``<video name>.json`` files and
    ``summary.csv`` to ``out_dir``; return the summary rows (sorted by video name).

    Rows of videos taken from an earlier run have ``"resumed": True``. ``scheduler`` is a
    ``dask.distributed`` scheduler address (``tcp://host:8786``); the videos must then be
    readable at the same path on every worker (shared storage), the results come back here.
    """
    videos = list_videos(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    tasks = [
        FolderTask(v, out_dir / f"{v.name}.json", mirrored, reference, reference_name, lang)
        for v in videos
    ]
    rows: list[dict[str, Any]] = []
    todo: list[FolderTask] = []
    for task in tasks:
        row = done_row(task)
        if row is None:
            todo.append(task)
        else:
            rows.append({**row, "resumed": True})
    if progress:
        progress(len(rows), len(tasks))
    if todo:
        for task, row, result in _outcomes(todo, jobs=jobs, scheduler=scheduler, lang=lang):
            if result is not None:
                write_json(task.out_json, result)
            rows.append(row)
            if progress:
                progress(len(rows), len(tasks))
    rows.sort(key=lambda r: str(r["video"]))
    write_summary(out_dir / SUMMARY_NAME, rows)
    return rows


__all__ = [
    "SUMMARY_NAME",
    "VIDEO_SUFFIXES",
    "FolderTask",
    "analyze_clip",
    "analyze_folder",
    "list_videos",
]
