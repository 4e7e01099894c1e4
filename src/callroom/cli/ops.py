"""`callroom backup FILE` and `callroom restore FILE`: the whole database to a file and back,
with SQLite's online backup API or PostgreSQL's pg_dump and pg_restore (`callroom.ops.service`).
A restore replaces everything in the database: stop `serve` and the workers first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callroom.cli.console import console
from callroom.cli.context import settings
from callroom.ops import service


def backup(file: Annotated[Path, typer.Argument(help="Where to write the backup (replaced).")]) -> None:
    """Back up the database (CALLROOM_DATABASE_URL) to FILE while callroom keeps running."""
    service.backup(settings().database_url, file)
    console.print(f"Backed up to {file} ({file.stat().st_size} bytes).")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup written by `callroom backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the database without asking.")] = False,
) -> None:
    """Replace the database with the backup in FILE (stop `serve` and the workers first)."""
    service.check_backup(settings().database_url, file)  # refused before asking
    if not yes:
        typer.confirm(f"Replace everything in the database with {file}?", abort=True)
    service.restore(settings().database_url, file)
    console.print(f"Restored from {file}; the schema is at this version's newest migration.")
