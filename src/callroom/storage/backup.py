"""Backups of the whole database, and restoring one, with each database's own tools.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot page by
page while other processes keep writing (WAL), into a plain SQLite file; restoring copies the
file back the same way, into the live database, in one step that readers never see half done.

PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, compressed) and
`pg_restore --clean --if-exists --single-transaction` (drops what is there and loads the dump in
one transaction: it loads whole or not at all). The tools must be of the server's major version
or newer; they are found on PATH, else in Debian's /usr/lib/postgresql/<newest>/bin. The
password never appears on a command line (it goes in PGPASSWORD).

A restore replaces everything: stop the API and the workers first (docs/operations.md).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.engine import URL

from callroom.errors import Invalid, Unavailable

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def backup(url: str, file: Path) -> None:
    """Write a backup of the database at `url` to `file` (replaced if it exists)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(parsed), file)
    else:
        _pg("pg_dump", "--format=custom", "--no-owner", f"--file={file}", parsed)


def check(url: str, file: Path) -> None:
    """`Invalid` unless `file` is a backup of the kind the database at `url` takes."""
    sqlite = make_url(url).get_backend_name() == "sqlite"
    _check_file(file, SQLITE_MAGIC if sqlite else PG_DUMP_MAGIC, "SQLite" if sqlite else "pg_dump")


def restore(url: str, file: Path) -> None:
    """Replace the database at `url` with the backup in `file`; `Invalid` if `file` is not a
    backup of this kind of database (nothing is changed then)."""
    check(url, file)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_copy(file, _sqlite_path(parsed))
    else:
        _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(file), parsed)


def _check_file(file: Path, magic: bytes, kind: str) -> None:
    if not file.is_file():
        raise Invalid("file", f"{file}: no such file")
    with file.open("rb") as handle:
        if handle.read(len(magic)) != magic:
            raise Invalid("file", f"{file} is not a {kind} backup, which this database needs")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise Invalid("database_url", "an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    # The backup API, both ways: it takes the right locks and copies a consistent snapshot.
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _pg(program: str, *args: str | URL) -> None:
    *options, url = args
    assert isinstance(url, URL)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = [str(pg_tool(program)), *map(str, options), f"--dbname={target}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Unavailable("database_url", f"{program} failed: {done.stderr.strip()[-1000:]}")


def pg_tool(program: str) -> Path:
    """`program` (pg_dump, pg_restore) from PATH, else Debian's newest PostgreSQL."""
    on_path = shutil.which(program)
    if on_path is not None:
        return Path(on_path)
    debian = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"), key=_major, reverse=True)
    if not debian:
        raise Unavailable("database_url", f"{program} not found: install PostgreSQL's client tools")
    return debian[0]


def _major(tool: Path) -> int:
    found = re.fullmatch(r"\d+", tool.parent.parent.name)
    return int(found.group()) if found else -1
