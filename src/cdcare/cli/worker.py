"""``cdcare worker``: run the web app's video analysis queue on a host without the web app."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from cdcare.cli import context
from cdcare.cli.main import app


@app.command("worker")
def worker(
    processes: Annotated[
        int, typer.Option("--processes", min=1, help="Analyses run at the same time.")
    ] = 1,
    idle_exit: Annotated[
        float,
        typer.Option(
            "--idle-exit",
            min=0.0,
            help="Stop after this many seconds with nothing to do (0: run until Ctrl-C).",
        ),
    ] = 0.0,
) -> None:
    """Claim and run queued video analyses from the database (with or beside `cdcare serve`).

    Prints one JSON line at the end: this runner's id and the analysis ids it ran.
    """
    from cdcare.jobs.analysis import work

    settings = context.settings()
    sys.stdout.write(json.dumps({"event": "ready"}) + "\n")
    sys.stdout.flush()
    queue = work(
        context.engine(),
        keep_video=settings.keep_raw_video,
        workers=processes,
        idle_exit_s=idle_exit,
        media_keys=settings.media_keys,
    )
    sys.stdout.write(json.dumps({"event": "stopped", "runner": queue.runner, "ran": queue.ran}))
    sys.stdout.write("\n")
