"""``cdcare analyze VIDEO|DIR``: measure head posture, shoulders and tremor from video.

One video: the docs/video.md video-contract JSON goes to ``--json PATH`` (or ``-`` for standard
output). A folder: one JSON per video plus ``summary.csv`` in the ``--json`` folder (default
``DIR/cdcare-analysis``), analysed by ``--jobs`` worker processes or, with ``--scheduler``
(or ``$CDCARE_DASK_SCHEDULER``), on a ``dask.distributed`` cluster. A rerun skips the videos
whose JSON is already in the output folder; a progress bar goes to standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from cdcare.cli.context import current_lang, print_json
from cdcare.cli.main import app
from cdcare.errors import N_, InputError
from cdcare.i18n import translate, translate_plural

LONG_VIDEO_FRAMES = 300  # show a progress bar beyond this many frames (about 10 s)


def _write(result: Any, target: str) -> None:
    if target == "-":
        print_json(result)
        return
    try:
        Path(target).write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    except OSError as exc:
        raise InputError(
            N_("Cannot write {path}: {reason}"), path=target, reason=str(exc)
        ) from None


def _analyze_one(
    video: Path,
    mirrored: bool,
    reference: Path | None,
    lang: str,
    segment: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The video contract JSON of one clip (``VideoResult.model_dump(mode="json")``);
    ``segment`` (start, end seconds) is a neutral segment of the clip itself."""
    from cdcare.video.io import open_video
    from cdcare.video.pipeline import analyze, neutral_posture

    source = open_video(video)
    neutral = None
    if reference is not None:
        neutral = neutral_posture(open_video(reference), mirrored=mirrored)
    name = str(reference) if reference else (str(video) if segment else None)
    total = source.info.frames
    if total <= LONG_VIDEO_FRAMES:
        return analyze(
            source,
            mirrored=mirrored,
            reference=neutral,
            reference_name=name,
            neutral_segment=segment,
            lang=lang,
        ).to_json()
    with Progress(
        TextColumn(translate(N_("Analysing video"), lang)),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("analyze", total=total)
        return analyze(
            source,
            mirrored=mirrored,
            reference=neutral,
            reference_name=name,
            neutral_segment=segment,
            lang=lang,
            progress=lambda done, _total: bar.update(task, completed=done),
        ).to_json()


@contextmanager
def _folder_bar(lang: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on standard error; yields the ``(done, total)`` callback."""
    with Progress(
        TextColumn(translate(N_("Analysing videos"), lang)),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("folder", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _report_folder(rows: list[dict[str, Any]], out_dir: Path, lang: str) -> None:
    """One line per failed video (name and error), then the totals, on standard error."""
    for row in rows:
        if row["status"] != "ok":
            sys.stderr.write(f"{row['video']}: {row['message']}\n")
    failed = sum(1 for r in rows if r["status"] != "ok")
    resumed = sum(1 for r in rows if r.get("resumed"))
    sys.stderr.write(
        translate(N_("{ok} of {total} videos analysed; summary: {path}"), lang).format(
            ok=len(rows) - failed, total=len(rows), path=out_dir / "summary.csv"
        )
        + "\n"
    )
    if resumed:
        sys.stderr.write(
            translate_plural(
                "{count} video was already done and was not analysed again",
                "{count} videos were already done and were not analysed again",
                resumed,
                lang,
            ).format(count=resumed)
            + "\n"
        )


@app.command("analyze")
def analyze_cmd(
    target: Annotated[Path, typer.Argument(help="A video file, or a folder of videos.")],
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json",
            help="Result JSON path, '-' for standard output (default). For a folder: the "
            "output folder (default DIR/cdcare-analysis).",
        ),
    ] = None,
    mirrored: Annotated[
        bool, typer.Option("--mirrored", help="The video is a mirrored selfie recording.")
    ] = False,
    reference: Annotated[
        Path | None,
        typer.Option("--reference", help="A video of the person's neutral posture."),
    ] = None,
    neutral_part: Annotated[
        str | None,
        typer.Option(
            "--neutral",
            help="START-END (seconds): the part of this video where the person holds the "
            "neutral posture; the rest is measured relative to it (instead of --reference).",
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Worker processes for a folder.")] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="For a folder: a Dask scheduler address (tcp://HOST:PORT) to send each video "
            "to (default $CDCARE_DASK_SCHEDULER); --jobs is then not used.",
        ),
    ] = None,
) -> None:
    """Measure head rotation, tilt, flexion, shifts, shoulders and tremor from video."""
    lang = current_lang()
    segment = None
    if neutral_part is not None:
        from cdcare.video.pipeline import parse_segment

        if reference is not None or target.is_dir():
            raise InputError(
                N_("--neutral marks a segment of one video; do not use it with --reference.")
            )
        segment = parse_segment(neutral_part)
    if target.is_dir():
        from cdcare.jobs.video_folder import analyze_folder
        from cdcare.video.io import open_video
        from cdcare.video.pipeline import neutral_posture

        if json_out == "-":
            raise InputError(N_("For a folder, --json must name an output folder, not '-'."))
        out_dir = Path(json_out) if json_out else target / "cdcare-analysis"
        neutral = neutral_posture(open_video(reference), mirrored=mirrored) if reference else None
        from cdcare.jobs.cluster import scheduler_from_env

        with _folder_bar(lang) as progress:
            rows = analyze_folder(
                target,
                out_dir,
                jobs=jobs,
                scheduler=scheduler or scheduler_from_env(),
                mirrored=mirrored,
                reference=neutral,
                reference_name=str(reference) if reference else None,
                lang=lang,
                progress=progress,
            )
        _report_folder(rows, out_dir, lang)
        return
    _write(_analyze_one(target, mirrored, reference, lang, segment), json_out or "-")
