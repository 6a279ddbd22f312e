"""``cdcare media``: keys for encryption at rest, and key rotation of kept files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cdcare.care.totp import rotate_secrets
from cdcare.cli import context
from cdcare.cli.main import app
from cdcare.errors import N_, ConfigError
from cdcare.i18n import translate
from cdcare.store.backup import manifest_path, rekey_backup
from cdcare.store.crypto import generate_key, parse_keys, reencrypt_file
from cdcare.store.db import session_scope

media_app = typer.Typer(help="Encryption at rest of videos and backups.", no_args_is_help=True)
app.add_typer(media_app, name="media")
err = Console(stderr=True)


@media_app.command("keygen")
def keygen() -> None:
    """Print a new random key for CDCARE_MEDIA_KEYS (put it first to rotate)."""
    typer.echo(generate_key())


@media_app.command("rotate")
def rotate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Backup files (or folders) to rewrite; default: the kept uploads."),
    ] = None,
) -> None:
    """Rewrite files, and the TOTP secrets in the database, under the first (current) key; old
    keys may be removed afterwards."""
    settings = context.settings()
    keys = parse_keys(settings.media_keys)
    if keys is None:
        raise ConfigError(N_("Set CDCARE_MEDIA_KEYS first"))
    targets = list(paths or [Path(settings.data_dir) / "uploads"])
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files.extend(p for p in sorted(target.iterdir()) if p.is_file())
        elif target.is_file():
            files.append(target)
    files = [f for f in files if not f.name.endswith((".manifest.json", ".partial"))]
    changed = sum(
        rekey_backup(f, keys) if manifest_path(f).is_file() else reencrypt_file(f, keys)
        for f in files
    )
    err.print(
        translate(
            N_("{changed} of {total} files rewritten under the current key"),
            context.current_lang(),
        ).format(changed=changed, total=len(files)),
        highlight=False,
    )
    engine = context.engine()
    try:
        with session_scope(engine) as db:
            secrets = rotate_secrets(db=db, keys=keys)
    finally:
        engine.dispose()
    err.print(
        translate(
            N_("{changed} TOTP secrets rewritten under the current key"), context.current_lang()
        ).format(changed=secrets),
        highlight=False,
    )
