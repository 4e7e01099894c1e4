"""Suite-wide fixtures: a throw-away PostgreSQL server, started on first use, one per session.

`make test` needs no database set up beforehand: the suite runs initdb into a temporary
directory, starts the server on a free loopback port, hands out one fresh database per test and
stops the server at the end. PostgreSQL refuses to run as root, so under root the server runs
as the `postgres` user. Missing binaries fail the run (never skip): CI installs them.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

SUPERUSER = "postgres"
START_ATTEMPTS = 3  # a free port can be taken by someone else before the server binds it
# Durability is pointless for a database thrown away at exit; skipping fsync keeps tests fast.
SERVER_SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
"""


def find_postgres_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: from PATH, else Debian's newest version."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=_major_version, reverse=True)
    usable = (d for d in candidates if (d / "initdb").exists() and (d / "pg_ctl").exists())
    return next(usable, None)


def _major_version(bin_dir: Path) -> int:
    match = re.fullmatch(r"\d+", bin_dir.parent.name)
    return int(match.group()) if match else -1


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """A private PostgreSQL cluster in `base`, owned by whoever may run it."""

    def __init__(self, bin_dir: Path, base: Path) -> None:
        self.bin_dir = bin_dir
        self.base = base
        self.data = base / "data"
        self.log = base / "server.log"
        self.port = 0
        # Root may not run PostgreSQL; the postgres user may, once it owns the directory.
        self._user = _postgres_user() if os.geteuid() == 0 else None

    def init(self, extra_settings: str = "") -> None:
        """initdb with SERVER_SETTINGS, then `extra_settings` (later lines win)."""
        if self._user is not None:
            os.chown(self.base, self._user.pw_uid, self._user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(SERVER_SETTINGS.format(socket_dir=self.base) + extra_settings)

    def start(self) -> None:
        for attempt in range(1, START_ATTEMPTS + 1):
            self.port = _free_port()
            try:
                self._start()
                return
            except subprocess.CalledProcessError:
                if attempt == START_ATTEMPTS:
                    raise

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def crash(self) -> None:
        """Stop the way a crash does: every server process quits at once, open transactions are
        lost, clients' connections drop, and the next start runs crash recovery."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def restart(self) -> None:
        """Start again on the same port, where clients (and their pools) look for it."""
        self._start()

    def _start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port}",
            "start",
        )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        name = f"callroom_test_{uuid.uuid4().hex[:12]}"
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        # FORCE ends any connection a failed test left open, so the drop cannot hang.
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(statement)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            text=True,
            cwd=self.base,
            env=_clean_environment(),
            **self._as_owner(),
        )

    def _as_owner(self) -> dict[str, Any]:
        if self._user is None:
            return {}
        return {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}


def _postgres_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(
            "running as root, and PostgreSQL will not: create a `postgres` user "
            "(Debian's postgresql package does) or run the tests as another user",
            pytrace=False,
        )


def _clean_environment() -> dict[str, str]:
    # A developer's PGDATA, PGPORT or PGHOST must not point the tools at a real cluster.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def _explain(error: subprocess.CalledProcessError, server: PostgresServer) -> str:
    log = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
    return (
        f"could not start the test PostgreSQL server: {' '.join(map(str, error.cmd))} "
        f"exited {error.returncode}\n{error.stdout}{error.stderr}{log}"
    )


def _private_directory() -> Path:
    # Under /tmp (world-traversable, and short enough for a unix socket path) rather than
    # pytest's tmp_path, whose 0700 parents the postgres user could not enter when we are root.
    return Path(tempfile.mkdtemp(prefix="callroom-pg-", dir="/tmp"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@contextmanager
def running_postgres(extra_settings: str = "") -> Iterator[PostgresServer]:
    """A new PostgreSQL server, initialised and started; stopped and deleted at the end."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.fail(
            "PostgreSQL not found: no initdb on PATH or under /usr/lib/postgresql/*/bin. "
            "Install it (Debian: apt-get install postgresql); .ci/run does.",
            pytrace=False,
        )
    server = PostgresServer(bin_dir, _private_directory())
    try:
        server.init(extra_settings)
        server.start()
    except subprocess.CalledProcessError as error:
        message = _explain(error, server)
        _shut_down(server)
        pytest.fail(message, pytrace=False)
    try:
        yield server
    finally:
        _shut_down(server)


def _shut_down(server: PostgresServer) -> None:
    try:
        server.stop()
    finally:
        shutil.rmtree(server.base, ignore_errors=True)
