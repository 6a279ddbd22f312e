"""``cdcare db``: migrations, backup and restore; ``cdcare demo``: synthetic demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cdcare.cli import context
from cdcare.cli.main import app
from cdcare.errors import N_
from cdcare.i18n import translate
from cdcare.store.backup import backup_database, restore_backup, verify_backup
from cdcare.store.crypto import MediaKeys, parse_keys
from cdcare.store.db import session_scope
from cdcare.store.migrate import current_revision, upgrade

db_app = typer.Typer(help="Database: migrations, backup, restore.", no_args_is_help=True)
app.add_typer(db_app, name="db")
err = Console(stderr=True)


def _say(message: str, **params: object) -> None:
    err.print(
        translate(message, context.current_lang()).format(**params), highlight=False, soft_wrap=True
    )


def _keys() -> MediaKeys | None:
    """Backup encryption keys from CDCARE_MEDIA_KEYS (None: backups in clear)."""
    return parse_keys(context.settings().media_keys)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the newest schema."""
    engine = context.engine()
    upgrade(engine)
    _say(N_("Database at revision {revision}"), revision=current_revision(engine))


@db_app.command("backup")
def db_backup(path: Annotated[Path, typer.Argument(help="Backup file to write.")]) -> None:
    """Write a consistent, verified backup (safe while the app runs)."""
    from cdcare.care.audit import log_event

    engine = context.engine()
    with session_scope(engine) as db:  # every record leaves in the file: logged, then copied
        log_event(
            db=db,
            action="export",
            username=context.cli_actor(),
            target=f"cli:db backup {path.name}"[:120],
        )
    manifest = backup_database(engine, path, keys=_keys())
    _say(
        N_("Backup written to {path}: {rows} rows, verified"),
        path=path,
        rows=sum(manifest.row_counts.values()),
    )


@db_app.command("verify")
def db_verify(path: Annotated[Path, typer.Argument(help="Backup file to check.")]) -> None:
    """Check a backup against its manifest without restoring it."""
    manifest = verify_backup(path, keys=_keys())
    _say(
        N_("Backup {path} is intact: {rows} rows"),
        path=path,
        rows=sum(manifest.row_counts.values()),
    )


@db_app.command("restore")
def db_restore(
    path: Annotated[Path, typer.Argument(help="Backup file to restore.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite even newer data.")] = False,
) -> None:
    """Restore a backup (refuses to overwrite newer data without --force)."""
    manifest = restore_backup(context.engine(), path, force=force, keys=_keys())
    _say(N_("Restored {path}: {rows} rows"), path=path, rows=sum(manifest.row_counts.values()))
    if manifest.audit_archive:
        _say(
            N_("Access-log rows not in the backup were archived to {path}"),
            path=manifest.audit_archive,
        )
    elif manifest.audit_carried:
        _say(N_("{n} access-log rows written after the backup were kept"), n=manifest.audit_carried)


@app.command("demo")
def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Only if no demo data exists yet.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic cohort.")] = 2026,
) -> None:
    """(Re)create the synthetic demo centre, staff and patients; prints the demo logins."""
    from sqlalchemy import select

    from cdcare.care.accounts import DEMO_PASSWORD, set_demo_passwords
    from cdcare.care.demo import DEMO_CENTRE, has_demo, load_demo
    from cdcare.store.models import Centre, User

    engine = context.engine()
    upgrade(engine)
    with session_scope(engine) as db:
        if if_empty and has_demo(db=db):
            _say(N_("Demo data already present"))
            centre_id = db.scalar(select(Centre.id).where(Centre.code == DEMO_CENTRE))
            users = list(db.scalars(select(User.username).where(User.centre_id == centre_id)))
        else:
            summary = load_demo(db=db, seed=seed)
            users = set_demo_passwords(db=db, centre_id=summary.centre_id)
            _say(
                N_(
                    "Demo data created: {patients} patients, {visits} visits, "
                    "{assessments} assessments"
                ),
                patients=summary.patients,
                visits=summary.visits,
                assessments=summary.assessments,
            )
    _say(
        N_("Demo logins: {users} (password {password})"),
        users=", ".join(users),
        password=DEMO_PASSWORD,
    )
