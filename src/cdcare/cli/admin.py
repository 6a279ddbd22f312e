"""``cdcare admin``: start an installation and manage accounts from the server's shell.

``cdcare admin init`` creates the first centre and its admin; ``cdcare admin user add |
deactivate | activate | role | reset-link`` manage accounts. Passwords are typed twice at a
hidden prompt or read from ``--password-file`` (first line); they are never echoed, never
taken as a command-line argument (that would land in the shell history and ``ps``). Every
change is written to the access log as done by ``cli:<login name>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from cdcare.care import users
from cdcare.care.audit import log_event
from cdcare.cli.context import centre_of, cli_actor, current_lang, log_read, open_db, say
from cdcare.cli.main import app
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.store.models import User

admin_app = typer.Typer(help="Installation and accounts.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts: add, deactivate, role, reset link.", no_args_is_help=True)
admin_app.add_typer(user_app, name="user")
app.add_typer(admin_app, name="admin")

PasswordFile = Annotated[
    Path | None,
    typer.Option("--password-file", help="Read the password from the first line of this file."),
]


def _log(db: Session, action: str, target: str, patient_id: int | None = None) -> None:
    log_event(db=db, action=action, username=cli_actor(), target=target, patient_id=patient_id)


def read_password(path: Path | None) -> str:
    """The password from ``path`` (first line) or typed twice at a hidden prompt."""
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(
                N_("Cannot read {path}: {reason}"), path=path, reason=str(exc)
            ) from None
        if not lines or not lines[0]:
            raise InputError(N_("The password file {path} is empty"), path=path)
        return lines[0]
    lang = current_lang()
    first = typer.prompt(translate(N_("Password"), lang), hide_input=True)
    second = typer.prompt(translate(N_("Password again"), lang), hide_input=True)
    if first != second:
        raise InputError(N_("The two new passwords differ"))
    return str(first)


@admin_app.command("init")
def init_cmd(
    centre_code: Annotated[str, typer.Option("--centre-code", help="Short code, e.g. SNUH.")],
    centre_name: Annotated[str, typer.Option("--centre-name", help="Name of the centre.")],
    username: Annotated[str, typer.Option("--username", help="Login of the first admin.")],
    display_name: Annotated[str, typer.Option("--display-name", help="Admin's name.")] = "",
    lang: Annotated[str, typer.Option("--user-lang", help="Admin's language: ko or en.")] = "ko",
    password_file: PasswordFile = None,
    another_centre: Annotated[
        bool, typer.Option("--another-centre", help="Add a centre although one exists.")
    ] = False,
) -> None:
    """Create the first centre and its admin (refused if a centre exists)."""
    password = read_password(password_file)
    with open_db() as db:
        user = users.init_installation(
            db=db,
            centre_code=centre_code,
            centre_name=centre_name,
            username=username,
            display_name=display_name or username,
            password=password,
            lang=lang,
            allow_existing=another_centre,
        )
        _log(db, "create", f"centre:{user.centre_id}:admin:{user.id}")
        say(N_("Centre {code} and admin {username} created"), code=centre_code, username=username)


@user_app.command("add")
def add_cmd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="admin, physician, nurse or patient.")],
    centre: Annotated[str, typer.Option("--centre", help="Centre code.")],
    display_name: Annotated[str, typer.Option("--display-name", help="Name shown.")] = "",
    record_number: Annotated[
        str | None, typer.Option("--record-number", help="Patient account: the record number.")
    ] = None,
    lang: Annotated[str, typer.Option("--user-lang", help="ko or en.")] = "ko",
    password_file: PasswordFile = None,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="No password yet: issue a reset link later.")
    ] = False,
) -> None:
    """Add a staff or patient account."""
    password = None if no_password else read_password(password_file)
    with open_db() as db:
        user = users.add_user(
            db=db,
            centre_id=centre_of(db, centre).id,
            username=username,
            display_name=display_name or username,
            role=role,
            password=password,
            record_number=record_number,
            lang=lang,
        )
        _log(db, "create", f"user:{user.id}:role={user.role.value}", user.patient_id)
        say(N_("Account {username} created (id {id})"), username=user.username, id=user.id)


def _named(db: Session, username: str) -> User:
    return users.user_by_name(db=db, username=username)


@user_app.command("deactivate")
def deactivate_cmd(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Deactivate an account (it is kept; it can no longer log in)."""
    with open_db() as db:
        user = users.set_active(db=db, user=_named(db, username), active=False)
        _log(db, "amend", f"user:{user.id}:active=False")
        say(N_("Account {username} deactivated"), username=user.username)


@user_app.command("activate")
def activate_cmd(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Reactivate a deactivated account."""
    with open_db() as db:
        user = users.set_active(db=db, user=_named(db, username), active=True)
        _log(db, "amend", f"user:{user.id}:active=True")
        say(N_("Account {username} reactivated"), username=user.username)


@user_app.command("role")
def role_cmd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Argument(help="admin, physician or nurse.")],
) -> None:
    """Change a staff account's role."""
    with open_db() as db:
        user = users.set_role(db=db, user=_named(db, username), role=role)
        _log(db, "amend", f"user:{user.id}:role={user.role.value}")
        say(N_("Account {username} now has role {role}"), username=user.username, role=role)


@user_app.command("reset-link")
def reset_link_cmd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    base_url: Annotated[
        str, typer.Option("--base-url", help="Public address, e.g. https://cdcare.example.kr")
    ] = "",
) -> None:
    """Print a one-time password-reset link (valid 24 hours)."""
    with open_db() as db:
        user = _named(db, username)
        token = users.issue_reset(db=db, user=user, issued_by_id=None)
        _log(db, "create", f"user:{user.id}:reset_link")
        typer.echo(f"{base_url.rstrip('/')}/reset/{token}")


@user_app.command("list")
def list_cmd(centre: Annotated[str, typer.Option("--centre", help="Centre code.")]) -> None:
    """List a centre's accounts: username, role, active."""
    with open_db() as db:
        log_read(db, command=f"admin user list --centre {centre}")  # names patient accounts
        for u in users.list_users(db=db, centre_id=centre_of(db, centre).id):
            state = "active" if u.active else "inactive"
            typer.echo(f"{u.username}\t{u.role.value}\t{state}\t{u.display_name}")
