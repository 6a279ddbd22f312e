"""``cdcare scales list|show`` and ``cdcare score``: rating-scale documentation and scoring."""

from __future__ import annotations

from typing import Annotated

import typer

from cdcare.cli.context import current_lang, print_json, read_json_arg
from cdcare.cli.main import app
from cdcare.clinical.scales import get_instrument, list_instruments, score
from cdcare.errors import N_
from cdcare.i18n import translate

scales_app = typer.Typer(
    help="Rating scales: list instruments and document their items.", no_args_is_help=True
)
app.add_typer(scales_app, name="scales")


@scales_app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the instruments: code, version, name, verified flag."""
    rows = [
        {"instrument": i.code, "version": i.version, "name": i.name_en, "verified": i.verified}
        for i in list_instruments()
    ]
    if as_json:
        print_json(rows)
        return
    lang = current_lang()
    unconfirmed = translate(N_("unconfirmed reference"), lang)
    for inst in list_instruments():
        name = inst.name_ko if lang == "ko" else inst.name_en
        flag = "" if inst.verified else f"  [{unconfirmed}]"
        typer.echo(f"{inst.code:<8} {inst.version:<14} {name}{flag}")


@scales_app.command("show")
def show_cmd(
    instrument: Annotated[str, typer.Argument(help="Instrument code, e.g. twstrs.")],
) -> None:
    """Document one instrument as JSON: items, allowed values, labels, rules, sources."""
    print_json(get_instrument(instrument).describe())


@app.command("score")
def score_cmd(
    instrument: Annotated[str, typer.Argument(help="Instrument code, e.g. phq9.")],
    answers: Annotated[
        str,
        typer.Option("--answers", help="JSON file of item code → value, or - for stdin."),
    ],
) -> None:
    """Score an answer set; prints JSON (subscores, total, band, alerts, verified)."""
    inst = get_instrument(instrument)
    print_json(score(inst.code, read_json_arg(answers)).to_dict())
