"""Engines, transactions and schema upgrades for SQLite (the embedded default) and PostgreSQL.

`open_database(url)` is the one entry point: it configures the engine and brings the schema to
the newest Alembic revision, so a fresh file or an empty PostgreSQL database is ready to use.

A PostgreSQL outage (see `callroom.storage.outage`) reaches callers as `callroom.errors.Unavailable`
from every transaction and from `open_database`; pooled connections are checked before use, so
one left stale by a server restart is replaced instead of failing the next transaction.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from callroom.errors import Unavailable
from callroom.storage.outage import Backoff, outages_unavailable
from callroom.storage.wakeup import Wakeups

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# How long a SQLite writer waits for another writer's lock before giving up ("database is
# locked"). Writes are short, so waiting beats failing.
SQLITE_BUSY_TIMEOUT_S = 30.0
# How often a writer waiting for the write lock tries again. SQLite's own busy handler backs
# off to 25, 50 and then 100 ms between tries, so a worker competing with processes that write
# every few milliseconds waits out many of their transactions (writer starvation): pages sat
# for hundreds of milliseconds behind it in the paging benchmark. A steady short retry is fair.
SQLITE_LOCK_RETRY_S = 0.0005
READ_ONLY = "callroom_read_only"


class Database:
    """An engine plus its sessions. Use `session()` for each unit of work; `close()` at exit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Records are built inside the transaction, so nothing needs reloading after commit.
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.wakeups = Wakeups(engine)
        event.listen(self._sessions, "after_commit", self.wakeups.committed)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises;
        `Unavailable` if the database cannot be reached (see the module doc)."""
        with outages_unavailable(), self._sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction, always rolled back. On SQLite it is a deferred transaction,
        so frequent polls (paging workers, event streams) never queue behind writers.
        `Unavailable` if the database cannot be reached."""
        with outages_unavailable(), self._sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            try:
                yield session
            finally:
                session.rollback()

    def close(self) -> None:
        """Close every pooled connection (SQLite files and PostgreSQL sockets alike), and the
        wake-ups' LISTEN connection."""
        self.wakeups.close()
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_database(url: str) -> Database:
    """Connect to `url` and upgrade its schema to head. The caller closes the Database.
    `Unavailable` if the database cannot be reached."""
    engine = make_engine(url)
    try:
        with outages_unavailable():
            upgrade_to_head(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine)


def open_database_when_up(url: str, stop: threading.Event, who: str) -> Database | None:
    """`open_database`, tried again with a `Backoff` for as long as the database is unavailable
    (a process started while PostgreSQL recovers waits for it); None if `stop` is set first."""
    backoff = Backoff(who)
    while not stop.is_set():
        try:
            database = open_database(url)
        except Unavailable as error:
            stop.wait(backoff.failed(error))
            continue
        backoff.succeeded()
        return database
    return None


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite connections set up for safe concurrent use. A pooled
    PostgreSQL connection is pinged when it is taken, so one a restart left stale is replaced."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: object) -> None:
    # Take transaction control away from the sqlite3 module: in its legacy mode it starts
    # transactions only at the first INSERT/UPDATE/DELETE, so earlier reads escape them.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers run while one process writes; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # IMMEDIATE takes the write lock at BEGIN, as Rails and Django recommend for SQLite. A
    # deferred transaction that reads (say, the latest version number) and then writes fails
    # with SQLITE_BUSY when another writer committed in between; this one waits its turn.
    # Read-only transactions (Database.reading) never write, so they stay deferred.
    if connection.get_execution_options().get(READ_ONLY, False):
        connection.exec_driver_sql("BEGIN")
        return
    raw = connection.connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    _take_write_lock(raw)


def _take_write_lock(raw: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, retried every SQLITE_LOCK_RETRY_S for up to SQLITE_BUSY_TIMEOUT_S. Only
    this statement waits this way: the connection's busy timeout still covers everything else."""
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            time.sleep(SQLITE_LOCK_RETRY_S)
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic config for the migrations shipped inside this package.

    With `connection`, migrations run on it; without, env.py opens CALLROOM_DATABASE_URL.
    """
    config = Config(MIGRATIONS_DIR / "alembic.ini")
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Apply every migration not yet applied, in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def migration_heads() -> tuple[str, ...]:
    """The revisions this code's migrations end at."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def current_revisions(database: Database) -> tuple[str, ...]:
    """The revisions the database's schema is at (empty for a database never migrated), in a
    read-only transaction; `Unavailable` if it cannot be reached."""
    with database.reading() as session:
        return tuple(sorted(MigrationContext.configure(session.connection()).get_current_heads()))
