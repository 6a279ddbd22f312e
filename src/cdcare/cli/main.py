"""Entry point ``cdcare``. Errors are turned into exit codes and one-line messages here only.

Exit codes: 0 ok; 1 failure; 2 bad input or usage; 3 no usable face; 4 not found;
5 permission denied; 6 conflict. See :mod:`cdcare.errors`.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer
from typer import exceptions as typer_exceptions

from cdcare.cli import context
from cdcare.errors import CdcareError
from cdcare.i18n import translate

app = typer.Typer(
    name="cdcare",
    help="cdcare: care of people with cervical dystonia (Korean / English).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Message language: en or ko (default $CDCARE_LANG, else en)."),
    ] = None,
) -> None:
    """cdcare command line."""
    context.set_lang(lang or os.environ.get("CDCARE_LANG"))


# Subcommand modules under cdcare.cli; each adds its commands to ``app`` when imported.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "db",
    "serve",
    "scales",
    "learn",
    "plan",
    "video",
    "synth",
    "patient",
    "report",
    "worker",
    "export",
    "media",
    "fhir",
    "admin",
    "reminders",
    "audit",
)


def _register() -> None:
    """Attach the subcommand modules (import order = order in ``cdcare --help``)."""
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"cdcare.cli.{name}")


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv``; returns the exit code instead of exiting."""
    _register()
    context.set_lang(os.environ.get("CDCARE_LANG"))
    try:
        result = app(args=argv, prog_name="cdcare", standalone_mode=False)
    except CdcareError as err:
        lang = context.current_lang()
        sys.stderr.write(f"{translate('error', lang)}: {err.text(lang)}\n")
        return err.exit_code
    except typer_exceptions.Exit as err:
        return int(getattr(err, "exit_code", 0) or 0)
    except typer_exceptions.Abort:
        sys.stderr.write("aborted\n")
        return 130
    except typer_exceptions.TyperException as err:  # usage errors (vendored click)
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            sys.stderr.write(f"{err}\n")
        return int(getattr(err, "exit_code", 2))
    return int(result) if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())


if __name__ == "__main__":
    main()
