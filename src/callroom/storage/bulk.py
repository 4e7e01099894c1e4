"""Many rows into one table in one statement, for the writes whose size grows with a page's
recipients (a STAT page to a group of thousands writes thousands of recipients, messages, events
and inbox rows).

On PostgreSQL the rows go as one JSON document through `INSERT ... SELECT FROM
json_to_recordset(...)`: one short statement and one parameter whatever the row count. Measured
on 2,000 audit events with their JSON detail (bench machine, shared): SQLAlchemy's multi-row
VALUES ("insertmanyvalues", ten parameters a row for PostgreSQL to parse and plan) 150 to 280 ms
with RETURNING; psycopg's executemany 110 to 125 ms; one array per column through `unnest`
230 to 250 ms (psycopg quotes each text element of an array with a regular expression); the
JSON document 55 to 65 ms (`json.dumps` is C, and so is PostgreSQL's parser). SQLite keeps
the driver's executemany, a loop in C on a file in the same process, already cheap.

`RETURNING` gives no order here, so callers that need to pair returned ids with their rows ask
for a column that tells them apart (see `PageRepository.add_steps`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import Executable, Row, Table, Text, bindparam, cast, column, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: tuple[str, ...] = (),
    skip_existing: str | None = None,
) -> list[Row[Any]]:
    """Insert `rows` (each with the same keys) in the session's transaction; the `returning`
    columns of the rows stored, in no particular order. With `skip_existing` (a unique column),
    a row whose value is already stored is left out instead of failing."""
    if not rows:
        return []
    columns = tuple(rows[0])
    postgres = session.get_bind().dialect.name == "postgresql"
    stmt = _statement(table, columns, returning, skip_existing, postgres)
    if not postgres:
        result = session.execute(stmt, [dict(row) for row in rows])
    else:
        result = session.execute(stmt, {"rows": _document(rows)})
    return list(result.all()) if returning else []


def _document(rows: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps([{key: _plain(value) for key, value in row.items()} for row in rows])


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
def _statement(
    table: Table,
    columns: tuple[str, ...],
    returning: tuple[str, ...],
    skip_existing: str | None,
    postgres: bool,
) -> Executable:
    """Built once per shape: compiling it costs more than running it for a handful of rows."""
    if not postgres:
        lite = sqlite.insert(table)
        if skip_existing is not None:
            lite = lite.on_conflict_do_nothing(index_elements=[skip_existing])
        return lite.returning(*(table.c[c] for c in returning)) if returning else lite
    document = cast(bindparam("rows", type_=Text()), postgresql.JSON)
    given = (
        func.json_to_recordset(document)
        .table_valued(*(column(c, table.c[c].type) for c in columns))
        .render_derived(name="given", with_types=True)
    )
    stmt = postgresql.insert(table).from_select(list(columns), select(*(given.c[c] for c in columns)))
    if skip_existing is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=[skip_existing])
    return stmt.returning(*(table.c[c] for c in returning)) if returning else stmt
