"""Analyse every video of a folder: one JSON result per video plus a CSV summary.

A video that fails (not decodable, no face) gets a row with its error code and message instead
of a JSON result; the other videos are not affected.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdcare.errors import N_, CdcareError, InputError
from cdcare.jobs.local import run_local

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


@dataclass(frozen=True)
class FolderTask:
    """One video to analyse and where to write its JSON result."""

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


def analyze_task(task: FolderTask) -> dict[str, Any]:
    """Worker: analyse one video, write its JSON, return its CSV row (errors become rows)."""
    from cdcare.video.io import open_video
    from cdcare.video.pipeline import analyze

    row: dict[str, Any] = {"video": task.video.name}
    try:
        result = analyze(
            open_video(task.video),
            mirrored=task.mirrored,
            reference=task.reference,
            reference_name=task.reference_name,
            lang=task.lang,
        )
    except CdcareError as err:
        row.update(status="error", exit_code=err.exit_code, message=err.text(task.lang))
        return row
    task.out_json.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    posture, tremor, twstrs = result["posture"], result["tremor"], result["twstrs"]
    row.update(
        status="ok",
        exit_code=0,
        message="",
        result=task.out_json.name,
        duration_s=result["video"]["duration_s"],
        face_found_ratio=result["quality"]["face_found_ratio"],
        tremor_present=tremor["present"],
        tremor_axis=tremor["axis"],
        tremor_frequency_hz=tremor["frequency_hz"],
        tremor_amplitude_deg=tremor["amplitude_deg"],
        warnings=" ".join(w["code"] for w in result["quality"]["warnings"]),
    )
    row.update({k: v for k, v in posture.items()})
    row.update({f"twstrs_{k}": v for k, v in twstrs.items() if k != "basis"})
    return row


def analyze_folder(
    folder: Path,
    out_dir: Path,
    *,
    jobs: int = 1,
    mirrored: bool = False,
    reference: dict[str, float | None] | None = None,
    reference_name: str | None = None,
    lang: str = "en",
) -> list[dict[str, Any]]:
    """Analyse all videos in ``folder``; write ``<video name>.json`` files and ``summary.csv`` to
    ``out_dir``; return the summary rows (sorted by video name)."""
    videos = list_videos(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    tasks = [
        FolderTask(v, out_dir / f"{v.name}.json", mirrored, reference, reference_name, lang)
        for v in videos
    ]
    rows = [row for _, row in run_local(analyze_task, tasks, jobs=jobs)]
    rows.sort(key=lambda r: str(r["video"]))
    with (out_dir / SUMMARY_NAME).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in CSV_FIELDS})
    return rows


__all__ = ["SUMMARY_NAME", "VIDEO_SUFFIXES", "analyze_folder", "analyze_task", "list_videos"]
