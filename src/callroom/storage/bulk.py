"""Many rows into one table in one statement, for the writes whose size grows with a page's
recipients (a STAT page to a group of thousands writes thousands of recipients, messages, events
and inbox rows).

On PostgreSQL the rows go as one JSON document through `INSERT ... SELECT FROM
json_to_recordset(...)`: one short statement and one parameter whatever the row count. Measured
on 2,000 audit events with their JSON detail (bench machine, shared): SQLAlchemy's multi-row
VALUES ("insertmanyvalues", ten parameters a row for PostgreSQL to parse and plan) 150 to 280 ms
with RETURNING; psycopg's executemany 110 to 125 ms; one array per column through `unnest`
230 to 250 ms (psycopg quotes each text element of an array with a regular expression); the
JSON document 55 to 65 ms (`json.dumps` is C, and so is PostgreSQL's parser).

On SQLite the rows go straight to the driver (its executemany, a loop in C on a file in the same
process; with RETURNING, one prepared statement a row), with each column type's own conversions,
in the session's transaction. A page sent makes five of these inserts, and SQLAlchemy's
execution around each cost more than the driver's work: one process, the paging bench's sends
(`bench/send_cpu.py`), back to back 1.23-1.43 -> 0.88 ms of CPU a page, after 10 ms of sleep
2.74-3.13 -> 2.10-2.50 (see bench/paging.py's notes).

Rows are stored in the order given (on PostgreSQL the SELECT is ordered by each row's place in
the document, as SQLAlchemy's own ordered inserts are), so the ids a serial key gives them rise
in that order (see `PageRepository.add_pages`). `RETURNING` gives no order, so callers pair
returned rows with theirs by a column that tells them apart (see `PageRepository.add_steps`) or
by that rise. Returned rows are mappings by column name, on both databases.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import Executable, Integer, Table, Text, bindparam, cast, column, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

Returned = dict[str, Any]


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: tuple[str, ...] = (),
    skip_existing: str | None = None,
) -> list[Returned]:
    """Insert `rows` (each with the same keys) in the session's transaction; the `returning`
    columns of the rows stored, in no particular order. With `skip_existing` (a unique column),
    a row whose value is already stored is left out instead of failing."""
    if not rows:
        return []
    columns = tuple(rows[0])
    if session.get_bind().dialect.name != "postgresql":
        return _sqlite_insert(session, _sqlite_shape(table, columns, returning, skip_existing), rows)
    stmt = _postgres_statement(table, columns, returning, skip_existing)
    result = session.execute(stmt, {"rows": _document(rows)})
    return [row._asdict() for row in result] if returning else []


_PLACE = "place_given"  # each row's place in the document, the order it is stored in


def _document(rows: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps(
        [{_PLACE: n} | {key: _plain(value) for key, value in row.items()} for n, row in enumerate(rows)]
    )


def _plain(value: object) -> object:
    """A value as JSON carries it to PostgreSQL, with the column types' own rules: enum members
    as their values, instants as ISO 8601 with their offset (naive ones refused, see
    `UtcDateTime`)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}: store timezone-aware UTC")
        return value.isoformat()
    return value


@cache
def _postgres_statement(
    table: Table, columns: tuple[str, ...], returning: tuple[str, ...], skip_existing: str | None
) -> Executable:
    """Built once per shape: compiling it costs more than running it for a handful of rows."""
    document = cast(bindparam("rows", type_=Text()), postgresql.JSON)
    given = (
        func.json_to_recordset(document)
        .table_valued(*(column(c, table.c[c].type) for c in columns), column(_PLACE, Integer()))
        .render_derived(name="given", with_types=True)
    )
    ordered = select(*(given.c[c] for c in columns)).order_by(given.c[_PLACE])
    stmt = postgresql.insert(table).from_select(list(columns), ordered)
    if skip_existing is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=[skip_existing])
    return stmt.returning(*(table.c[c] for c in returning)) if returning else stmt


Convert = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _SqliteShape:
    """One insert's SQL for the driver, and the conversions its columns' types make."""

    sql: str
    columns: tuple[str, ...]
    binds: tuple[Convert, ...]
    returning: tuple[str, ...]
    results: tuple[Convert, ...]


# The conversions are the dialect's, not the engine's: every SQLite engine here is the default
# pysqlite one (see `callroom.storage.db.make_engine`).
_SQLITE = sqlite.dialect()


@cache
def _sqlite_shape(
    table: Table, columns: tuple[str, ...], returning: tuple[str, ...], skip_existing: str | None
) -> _SqliteShape:
    """Built once per shape, with the types' conversions as SQLAlchemy would apply them."""
    dialect = _SQLITE
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    if skip_existing is not None:
        sql += f" ON CONFLICT ({quote(skip_existing)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(quote(c) for c in returning)}"
    types = {c: table.c[c].type.dialect_impl(dialect) for c in (*columns, *returning)}
    return _SqliteShape(
        sql,
        columns,
        tuple(types[c].bind_processor(dialect) for c in columns),
        returning,
        tuple(types[c].result_processor(dialect, None) for c in returning),
    )


def _sqlite_insert(
    session: Session, shape: _SqliteShape, rows: Sequence[Mapping[str, Any]]
) -> list[Returned]:
    """The rows through the driver of the session's connection, in its open transaction."""
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a connection in a transaction is checked out
    values = [
        tuple(
            row[c] if bind is None else bind(row[c])
            for c, bind in zip(shape.columns, shape.binds, strict=True)
        )
        for row in rows
    ]
    if not shape.returning:
        driver.executemany(shape.sql, values)
        return []
    return [_returned(shape, stored) for given in values for stored in driver.execute(shape.sql, given)]


def _returned(shape: _SqliteShape, stored: tuple[Any, ...]) -> Returned:
    return {
        c: value if result is None else result(value)
        for c, result, value in zip(shape.returning, shape.results, stored, strict=True)
    }
