"""``cdcare learn``: patient education pages and the symptom self-check in the terminal (ko/en)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from cdcare.cli import context
from cdcare.cli.main import app
from cdcare.education.selfcheck import evaluate, questionnaire
from cdcare.education.topics import get_topic, list_topics, source_registry
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.l10n import date_text

learn_app = typer.Typer(help="Patient education: list and read topics.", no_args_is_help=True)
app.add_typer(learn_app, name="learn")

LangOpt = Annotated[
    str | None,
    typer.Option("--lang", help="Language of the text: en or ko (default: the root --lang)."),
]


def _lang(lang: str | None) -> str:
    if lang is not None:
        context.set_lang(lang)
    return context.current_lang()


@learn_app.command("list")
def list_cmd(lang: LangOpt = None) -> None:
    """List the education topics."""
    code = _lang(lang)
    table = Table(title=translate(N_("Education topics"), code))
    table.add_column(translate(N_("Topic"), code), style="bold")
    table.add_column(translate(N_("Title"), code))
    table.add_column(translate(N_("Reviewed"), code))
    for topic in list_topics(code):
        table.add_row(topic.id, topic.title, date_text(topic.reviewed, code))
    Console().print(table)


@learn_app.command("show")
def show_cmd(
    topic: Annotated[str, typer.Argument(help="Topic id (see `learn list`).")], lang: LangOpt = None
) -> None:
    """Print one topic, with its sources and review date."""
    code = _lang(lang)
    page = get_topic(topic, code)
    console = Console()
    console.print(Markdown(f"# {page.title}\n\n{page.body}"))
    registry = source_registry()
    console.rule(translate(N_("Sources"), code))
    for tag in page.sources:
        info = registry.get(tag)
        line = f"[{tag}] {info['title']} {info['url']}".rstrip() if info else tag
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    if not page.verified:
        console.print(translate(N_("Some statements rest on an unconfirmed reference [U]."), code))
    console.print(
        translate(N_("Version {version}, reviewed on {date}"), code).format(
            version=page.version, date=date_text(page.reviewed, code)
        )
    )


@learn_app.command("selfcheck")
def selfcheck_cmd(
    answers: Annotated[str, typer.Argument(help="JSON file of answers, or - for stdin.")],
    lang: LangOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Explain a symptom self-check answer set (nothing is stored)."""
    code = _lang(lang)
    data = context.read_json_arg(answers)
    if not isinstance(data, dict):
        raise InputError(N_("The self-check answers must be a JSON object"))
    result = evaluate(data)
    if as_json:
        context.print_json(result.as_dict(code))
        return
    console = Console()
    for stmt in result.statements():
        style = "bold red" if stmt.kind == "urgent" else None
        console.print(f"- {stmt.text(code)}", style=style, highlight=False, markup=False)


@learn_app.command("questions")
def questions_cmd(lang: LangOpt = None) -> None:
    """Print the self-check questions with their answer ids (for `learn selfcheck`)."""
    code = _lang(lang)
    console = Console()
    for q in questionnaire().questions:
        many = translate(N_("(several answers allowed)"), code) if q.multiple else ""
        console.print(f"{q.id}: {q.text(code)} {many}".rstrip(), highlight=False, markup=False)
        for o in q.options:
            console.print(f"    {o.id}: {o.text(code)}", highlight=False, markup=False)
