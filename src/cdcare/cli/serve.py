"""``cdcare serve``: run the web app with uvicorn (``--workers N`` processes on PostgreSQL).

Several workers share everything through the database: the video analysis queue
(:mod:`cdcare.jobs.analysis`, each worker runs one job runner that claims rows). SQLite has
one writer at a time and lives on one machine, so ``--workers`` above 1 is refused there with
a message; one process serves SQLite installations well.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cdcare.cli import context
from cdcare.cli.main import app
from cdcare.errors import N_, InputError


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option("--workers", min=1, help="Web server processes (above 1: PostgreSQL only)."),
    ] = 1,
) -> None:
    """Start the web app (migrates the database first)."""
    import uvicorn

    from cdcare.store.migrate import upgrade
    from cdcare.web.app import create_app

    engine = context.engine()
    if workers > 1 and engine.dialect.name != "postgresql":
        raise InputError(
            N_(
                "--workers {workers} needs PostgreSQL (CDCARE_DATABASE_URL); SQLite runs with "
                "one web worker"
            ),
            workers=workers,
        )
    upgrade(engine)
    if workers > 1:  # each worker process builds its own app from the same environment
        engine.dispose()
        uvicorn.run("cdcare.web.app:create_app", factory=True, host=host, port=port,
                    workers=workers)  # fmt: skip
        return
    uvicorn.run(create_app(context.settings(), engine), host=host, port=port)
