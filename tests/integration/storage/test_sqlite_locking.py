"""SQLite writers take the write lock with BEGIN IMMEDIATE, retried at a short steady interval
rather than through SQLite's backoff, which let busy writers starve a paging worker."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from callroom.storage import Database, open_database
from callroom.storage import db as storage_db


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    with open_database(f"sqlite:///{tmp_path / 'callroom.db'}") as database:
        with database.session() as session:
            session.execute(text("CREATE TABLE scratch (x INTEGER)"))
        yield database


@pytest.fixture
def lock_holder(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's view: a plain connection that holds the write lock until it commits."""
    holder = sqlite3.connect(tmp_path / "callroom.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    holder.close()


def write(database: Database, value: int) -> None:
    with database.session() as session:
        session.execute(text("INSERT INTO scratch (x) VALUES (:x)"), {"x": value})


def scratch(database: Database) -> list[int]:
    with database.reading() as session:
        return list(session.scalars(text("SELECT x FROM scratch ORDER BY x")))


def test_a_writer_waits_while_another_holds_the_lock_and_then_commits(
    database: Database, lock_holder: sqlite3.Connection
) -> None:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            write(database, 1)
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    writer = threading.Thread(target=run)
    writer.start()
    writer.join(timeout=0.2)
    assert writer.is_alive(), "the writer waits for the lock instead of failing"
    lock_holder.execute("COMMIT")
    writer.join(timeout=10)

    assert not writer.is_alive() and failures == []
    assert scratch(database) == [1]


def test_a_writer_gives_up_with_database_is_locked_after_the_busy_timeout(
    database: Database, lock_holder: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "SQLITE_BUSY_TIMEOUT_S", 0.05)

    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        write(database, 1)

    lock_holder.execute("ROLLBACK")
    write(database, 2)  # the same pooled connection, its busy timeout restored
    assert scratch(database) == [2]


def test_the_connection_keeps_its_busy_timeout_for_everything_else(database: Database) -> None:
    write(database, 1)
    with database.engine.connect() as connection:
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    assert timeout == int(storage_db.SQLITE_BUSY_TIMEOUT_S * 1000)


def test_many_writers_at_once_all_commit(database: Database) -> None:
    def write_twenty(k: int) -> None:
        for i in range(20):
            write(database, k * 100 + i)

    writers = [threading.Thread(target=write_twenty, args=(k,)) for k in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=30)

    assert scratch(database) == sorted(k * 100 + i for k in range(4) for i in range(20))
