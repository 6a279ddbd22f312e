"""``cdcare audit``: verify the access log, checkpoint its head, export a period for review.

``verify`` exits 0 when the chain and the last checkpoint hold, 1 when anything is broken.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from cdcare.care.audit import log_event
from cdcare.care.audit_checkpoint import checkpoint_path, export_csv, verify, write_checkpoint
from cdcare.cli import context
from cdcare.cli.main import app
from cdcare.clock import centre_zone
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.store.db import session_scope

audit_app = typer.Typer(help="The access log: verify, checkpoint, export.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

CheckpointOpt = Annotated[
    Path | None,
    typer.Option("--checkpoint", help="Checkpoint file (default: DATA_DIR/audit-checkpoint.json)."),
]


def _say(message: str, **params: object) -> None:
    typer.echo(translate(message, context.current_lang()).format(**params))


def _cp(path: Path | None) -> Path:
    return path or checkpoint_path(context.settings())


@audit_app.command("verify")
def verify_cmd(
    checkpoint: CheckpointOpt = None,
    full: Annotated[bool, typer.Option("--full", help="Check every row from the first.")] = False,
) -> None:
    """Check the hash chain from the last checkpoint (or all of it); exit 1 if broken."""
    engine = context.engine()
    try:
        with session_scope(engine) as db:
            report = verify(db=db, path=_cp(checkpoint), full=full)
    finally:
        engine.dispose()
    for message, params in report.problems:
        _say(message, **params)
    if report.broken:
        shown = ", ".join(str(i) for i in report.broken[:20])
        _say(N_("{n} broken rows in the access log: {ids}"), n=len(report.broken), ids=shown)
    if not report.intact:
        raise typer.Exit(1)
    _say(N_("Access log intact: {n} rows checked"), n=report.checked)


@audit_app.command("checkpoint")
def checkpoint_cmd(checkpoint: CheckpointOpt = None) -> None:
    """Verify the chain and record its head in the checkpoint file (outside the database)."""
    engine = context.engine()
    try:
        with session_scope(engine) as db:
            cp = write_checkpoint(db=db, path=_cp(checkpoint))
    finally:
        engine.dispose()
    _say(N_("Checkpoint written: row {id}, {count} rows"), id=cp.row_id, count=cp.count)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            N_("{name} must be a date YYYY-MM-DD, not '{value}'"), name=name, value=value
        ) from None


@audit_app.command("export")
def export_cmd(
    since: Annotated[str, typer.Option("--from", help="First day YYYY-MM-DD (local time).")],
    until: Annotated[str, typer.Option("--to", help="Last day YYYY-MM-DD, included.")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
) -> None:
    """Write the access-log events of a period to CSV (for the monthly review); logged."""
    settings = context.settings()
    zone = centre_zone(settings.timezone)
    first, last = _day(since, "--from"), _day(until, "--to")
    if last < first:
        raise InputError(N_("--to is before --from"))
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    engine = context.engine()
    try:
        with session_scope(engine) as db:
            n = export_csv(db=db, since=start, until=end, out=out)
            log_event(
                db=db,
                action="export",
                username=context.cli_actor(),
                target=f"audit.csv:{first.isoformat()}..{last.isoformat()}",
                reason=f"{n} rows to {out.name}",
            )
    finally:
        engine.dispose()
    _say(N_("{n} access-log events written to {path}"), n=n, path=str(out))
