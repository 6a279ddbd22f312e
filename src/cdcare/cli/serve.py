"""``cdcare serve``: run the web app with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from cdcare.cli import context
from cdcare.cli.main import app


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start the web app (migrates the database first)."""
    import uvicorn

    from cdcare.store.migrate import upgrade
    from cdcare.web.app import create_app

    engine = context.engine()
    upgrade(engine)
    uvicorn.run(create_app(context.settings(), engine), host=host, port=port)
