"""``cdcare report PATIENT_ID --out FILE.pdf``: the PDF visit report, logged as an export.

The report holds what the store has (see :func:`cdcare.reports.collect.collect_report`):
scales, finished video measurements and the injection log. A plan for the next session is
not stored: ``--plan`` adds one (with its product and dose findings) from a plan JSON file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cdcare.care.audit import log_event
from cdcare.cli import context
from cdcare.cli.main import app
from cdcare.clinical.planning import plan_findings, plan_from_dict
from cdcare.errors import N_, InputError
from cdcare.i18n import LANGUAGES, translate
from cdcare.reports.collect import collect_report, export_reason
from cdcare.reports.pdf import build_pdf
from cdcare.store.db import session_scope


@app.command("report")
def report_cmd(
    patient_id: Annotated[int, typer.Argument(help="Patient id (see the web patient list).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the PDF.")],
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Report language: ko or en (default: the root --lang)."),
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the report is exported (access log).")
    ] = "command-line export",
    by: Annotated[
        str | None, typer.Option("--by", help="Name shown as author (default: OS user).")
    ] = None,
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan", help="A plan JSON file (as written by `cdcare plan --json`), or - for stdin."
        ),
    ] = None,
) -> None:
    """Write a patient's PDF visit report (scales with trends, video measurements, injection
    log; Korean font embedded)."""
    if lang is not None and lang not in LANGUAGES:
        raise InputError(N_("Unknown language {value}; use ko or en"), value=lang)
    code = lang or context.current_lang()
    why = export_reason(reason)
    if not out.parent.is_dir():
        raise InputError(N_("Folder {path} does not exist"), path=str(out.parent))
    author = by or context.cli_actor()
    next_plan = None if plan is None else plan_from_dict(context.read_json_arg(plan))
    findings = () if next_plan is None else tuple(plan_findings(next_plan))
    settings = context.settings()
    engine = context.engine()
    try:
        with session_scope(engine) as db:
            data = collect_report(
                db=db,
                patient_id=patient_id,
                generated_by=author,
                demo=settings.demo,
                timezone=settings.timezone,
                plan=next_plan,
                plan_findings=findings,
            )
            pdf = build_pdf(data, lang=code, timezone=settings.timezone)
            try:
                out.write_bytes(pdf)
            except OSError as exc:
                raise InputError(
                    N_("Cannot write {path}: {reason}"), path=str(out), reason=exc.strerror
                ) from None
            log_event(
                db=db,
                action="export",
                username=author,
                patient_id=patient_id,
                target=f"report.pdf:{out.name}",
                reason=why,
            )
    finally:
        engine.dispose()
    msg = translate(N_("Report written: {path} ({size} bytes)"), context.current_lang())
    sys.stderr.write(msg.format(path=out, size=len(pdf)) + "\n")
