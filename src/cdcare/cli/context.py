"""Per-invocation CLI state (language, settings) and the helpers the subcommand modules share
(one migrated transaction per command, the centre look-up, translated messages, JSON in and out)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cdcare.config import Settings
from cdcare.errors import N_, InputError, NotFound
from cdcare.i18n import normalize_lang, translate
from cdcare.store.models import Centre

_lang: ContextVar[str] = ContextVar("cdcare_cli_lang", default="en")


def set_lang(lang: str | None) -> None:
    """Set the language of this invocation's messages ('en' or 'ko')."""
    _lang.set(normalize_lang(lang))


def current_lang() -> str:
    """The language of this invocation's messages."""
    return _lang.get()


def settings() -> Settings:
    """Fresh settings from the environment (CLI invocations are short-lived)."""
    return Settings()


def engine() -> Engine:
    """An engine for the configured database."""
    from cdcare.care.audit_key import install_audit_key
    from cdcare.store.db import make_engine

    current = settings()
    engine = make_engine(current.effective_database_url, **current.engine_options)
    install_audit_key(engine, current)
    return engine


@contextmanager
def open_db() -> Iterator[Session]:
    """A session on the configured database, migrated to head; one transaction."""
    from cdcare.store.db import session_scope
    from cdcare.store.migrate import upgrade

    eng = engine()
    upgrade(eng)
    with session_scope(eng) as db:
        yield db


def centre_of(db: Session, code: str) -> Centre:
    """The centre with ``code``; NotFound if there is none."""
    centre = db.scalar(select(Centre).where(Centre.code == code))
    if centre is None:
        raise NotFound(N_("Centre {code} not found"), code=code)
    return centre


def say(message: str, **params: Any) -> None:
    """Print ``message`` (an English msgid) translated into this invocation's language."""
    typer.echo(translate(message, current_lang()).format(**params))


def cli_actor() -> str:
    """Who runs this command, as the access log names them (``cli:<OS user>``)."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:80]
    except (KeyError, OSError):
        return "cli"


def log_read(db: Any, *, command: str, patient_id: int | None = None) -> None:
    """Append a "view"/"list" access-log event for a command that shows patient data."""
    from cdcare.care.audit import log_event

    log_event(
        db=db,
        action="view" if patient_id is not None else "list",
        username=cli_actor(),
        patient_id=patient_id,
        target=f"cli:{command}"[:120],
    )


def log_write(db: Any, *, command: str, patient_id: int) -> None:
    """Append a "create" access-log event for a command that records a patient's data (and
    usually prints it back)."""
    from cdcare.care.audit import log_event

    log_event(
        db=db,
        action="create",
        username=cli_actor(),
        patient_id=patient_id,
        target=f"cli:{command}"[:120],
    )


def read_json_arg(path: str) -> Any:
    """Read JSON from a file path, or from standard input when ``path`` is '-'."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(N_("File not found: {path}"), path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(N_("Cannot read {path}: {reason}"), path=path, reason=str(exc)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            N_("{path} is not valid JSON (line {line}, column {col})"),
            path=path if path != "-" else "stdin",
            line=exc.lineno,
            col=exc.colno,
        ) from None


def print_json(data: Any) -> None:
    """Print ``data`` as pretty UTF-8 JSON on standard output."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()
