"""``cdcare export research --centre CODE --out DIR``: a de-identified research dataset.

See :mod:`cdcare.research.export` for what leaves and what does not; the export is written to
the access log (one event per patient and one for the dataset).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cdcare.cli import context
from cdcare.cli.main import app
from cdcare.errors import N_
from cdcare.i18n import translate
from cdcare.reports.collect import export_reason
from cdcare.store.db import session_scope

export_app = typer.Typer(help="Export data out of cdcare.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("research")
def research_cmd(
    centre: Annotated[str, typer.Option("--centre", help="Centre code (e.g. DEMO).")],
    out: Annotated[Path, typer.Option("--out", help="A new (or empty) folder for the dataset.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the data leave (access log), e.g. a study id.")
    ] = "research dataset export",
    by: Annotated[
        str | None, typer.Option("--by", help="Who exports (default: the OS user).")
    ] = None,
) -> None:
    """Write a de-identified CSV dataset of a centre plus its data dictionary (Markdown)."""
    from cdcare.research.export import export_research

    why = export_reason(reason)
    settings = context.settings()
    engine = context.engine()
    try:
        with session_scope(engine) as db:
            done = export_research(
                db=db,
                centre_code=centre,
                out_dir=out,
                exported_by=by or context.cli_actor(),
                reason=why,
                timezone=settings.timezone,
            )
    finally:
        engine.dispose()
    msg = translate(
        N_("Research dataset of {patients} patients written to {path}"), context.current_lang()
    )
    sys.stderr.write(msg.format(patients=done.patients, path=done.out_dir) + "\n")
