"""``cdcare reminders run``: generate due reminders and send them (run it from cron daily).

Idempotent: each occasion is generated once, a sent message is never sent again, so running
twice (or after a crash) sends nothing twice. SMTP settings: see :mod:`cdcare.care.senders`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cdcare.care import reminders
from cdcare.care._checks import as_date
from cdcare.care.senders import sender_from_settings
from cdcare.cli.context import current_lang, engine
from cdcare.cli.main import app
from cdcare.errors import N_
from cdcare.i18n import translate
from cdcare.store.db import session_scope
from cdcare.store.migrate import upgrade

reminders_app = typer.Typer(help="Patient reminders (outbox, SMTP).", no_args_is_help=True)
app.add_typer(reminders_app, name="reminders")


@reminders_app.command("run")
def run_cmd(
    today: Annotated[
        str | None, typer.Option("--today", help="Local date YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Generate today's reminders and send what is pending."""
    sender = sender_from_settings()
    eng = engine()
    upgrade(eng)
    with session_scope(eng) as db:
        result = reminders.run(
            db=db, sender=sender, today=as_date(today, "today") if today else None
        )
    typer.echo(
        translate(
            N_("Reminders: {created} new, {sent} e-mailed, {portal} portal only, {failed} failed"),
            current_lang(),
        ).format(
            created=result.created, sent=result.sent, portal=result.portal, failed=result.failed
        )
    )
