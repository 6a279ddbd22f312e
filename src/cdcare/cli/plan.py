"""``cdcare plan``: botulinum-toxin session plans and ``cdcare plan check`` (exit 1 on refusal)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from cdcare.cli.context import current_lang, print_json, read_json_arg, settings
from cdcare.cli.main import app
from cdcare.clinical.planning import (
    Finding,
    check_plan,
    make_plan,
    plan_document,
    plan_findings,
    plan_from_dict,
    refusals,
)
from cdcare.clinical.planning.document import PlanDocument, RangeDoc
from cdcare.clinical.posture import parse_pattern
from cdcare.clock import local_today
from cdcare.errors import N_, InputError
from cdcare.i18n import translate, translate_context
from cdcare.l10n import exact_text

plan_app = typer.Typer(
    help=(
        "Botulinum-toxin plan: pattern → muscles → doses at the lower bound of each sourced "
        "range (one product, in its own units); exit 1 if a rule refuses it."
    ),
    invoke_without_command=True,
)
app.add_typer(plan_app, name="plan")


def _today() -> date:
    """Today's date in the configured display zone (``CDCARE_TIMEZONE``, :mod:`cdcare.clock`)."""
    return local_today(settings().timezone)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            N_("Invalid date '{value}' for {option}; use YYYY-MM-DD"), value=value, option=option
        ) from None


def _emit(data: dict[str, Any], json_out: str | None) -> None:
    if json_out == "-":
        print_json(data)
    elif json_out:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        Path(json_out).write_text(text, encoding="utf-8")


def _print_findings(findings: list[Finding], lang: str) -> None:
    for f in findings:
        flag = "" if f.verified else f" ({translate('unconfirmed reference', lang)})"
        typer.echo(f"{translate(str(f.level), lang)}: {f.text(lang)} [{f.source}]{flag}")


def _print_plan(doc: PlanDocument, lang: str) -> None:
    typer.echo(f"{doc.product_name} — {doc.unit}")
    for it in doc.injections:
        r = it.range or RangeDoc(low=0, high=0, source="—", verified=False)
        typer.echo(
            f"  {translate(it.side, lang):6} {it.muscle_name:40} {_dose(it.dose, lang):>6}"
            f"  ({_dose(r.low, lang)}–{_dose(r.high, lang)}, {r.source})"
        )
    for c in doc.unranged_candidates:
        typer.echo(f"  {translate(c.side, lang):6} {c.muscle_name:40}      —")
    total = translate_context("dose", "Total", lang)
    typer.echo(f"{total}: {_dose(doc.total, lang)} {doc.unit}")


def _dose(value: float | str, lang: str) -> str:
    """A dose for people: every decimal it has, the locale's separators (JSON keeps numbers)."""
    return exact_text(value, lang) if isinstance(value, int | float) else str(value)


@plan_app.callback()
def plan(
    ctx: typer.Context,
    pattern: Annotated[
        list[str] | None,
        typer.Option("--pattern", help="PATTERN[:SIDE], repeatable or comma-separated."),
    ] = None,
    product: Annotated[str | None, typer.Option("--product", help="Toxin product.")] = None,
    naive: Annotated[bool, typer.Option("--naive", help="Toxin-naive patient.")] = False,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the plan as JSON to PATH or '-'.")
    ] = None,
) -> None:
    """Suggest a plan (lower bound of each sourced range); exit 1 if a rule refuses it."""
    if ctx.invoked_subcommand is not None:
        return
    texts = [t for p in pattern or [] for t in p.split(",") if t.strip()]
    if not texts or not product:
        raise InputError(N_("Give at least one --pattern and a --product"))
    result = make_plan([parse_pattern(t) for t in texts], product, naive=naive)
    findings = plan_findings(result)
    lang = current_lang()
    doc = plan_document(result, findings, lang)
    _emit(doc.to_json(), json_out)
    if json_out != "-":
        _print_plan(doc, lang)
        _print_findings(findings, lang)
    if refusals(findings):
        raise typer.Exit(1)


@plan_app.command("check")
def check(
    plan_file: Annotated[str, typer.Option("--plan", help="Plan JSON file, or '-'.")],
    last_injection: Annotated[
        str | None, typer.Option("--last-injection", help="Date of the last injection.")
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help="Session date (default: today).")] = None,
    override_reason: Annotated[
        str | None,
        typer.Option("--override-reason", help="Recorded reason to allow an early re-injection."),
    ] = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the findings as JSON to PATH or '-'.")
    ] = None,
) -> None:
    """Check a plan against dose, interval and safety rules; exit 1 with reasons if refused."""
    plan_obj = plan_from_dict(read_json_arg(plan_file))
    today = _today()
    session = _date(on, "--date") or today
    last = _date(last_injection, "--last-injection")
    findings = check_plan(plan_obj, last, session, override_reason, today=today)
    lang = current_lang()
    doc = plan_document(plan_obj, findings, lang)
    ok = not doc.refused
    _emit({**doc.to_json(), "ok": ok}, json_out)
    if json_out != "-":
        _print_findings(findings, lang)
        if ok:
            typer.echo(translate("Plan passes the checks", lang))
    if not ok:
        raise typer.Exit(1)


_WORDS = (
    N_("refuse"),
    N_("warn"),
    N_("left"),
    N_("right"),
    N_("Total"),
    N_("unconfirmed reference"),
    N_("Plan passes the checks"),
)
