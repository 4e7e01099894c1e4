"""Parameters shared by the routers, each bounded so that no value a client can send reaches
arithmetic that fails on it (a 500) instead of being refused (a 422 naming the field).

Ids and version numbers are 32-bit database integers: a bigger number names nothing, so it is
refused before it reaches the database, whose drivers would fail on it (SQLite overflows at
2**63, PostgreSQL `integer` at 2**31). Days and instants lie in the years 1900 to 2199: Python's
dates end at 9999-12-31, so converting 9999-12-31T23:59-12:00 to UTC, or adding a day or a week
to a date near either end, overflows; no roster, page or logged hour lies outside that span.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from fastapi import Header, Path, Query
from pydantic import AfterValidator, AwareDatetime

from callroom.storage.records import MAX_ID

EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
OUT_OF_RANGE = f"must lie in the years {EARLIEST_YEAR} to {LATEST_YEAR}"

RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="a database id")]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="a roster version number (1, 2, ...)")]
# An event stream's position is an inbox id (the API's stream and the web pager's).
LastEventId = Annotated[int | None, Header(ge=0, le=MAX_ID, description="the id of the last event received")]
Since = Annotated[int | None, Query(ge=0, le=MAX_ID, description="like Last-Event-ID")]

When = TypeVar("When", bound=date)


def in_range(value: date) -> bool:
    """Whether a day or an instant (a datetime is a date) lies in the years the app accepts;
    an instant is judged by its own wall clock, which is within a day of UTC."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def bounded(value: When) -> When:
    """`value` itself, or ValueError (which pydantic reports as a 422 naming the field)."""
    if not in_range(value):
        raise ValueError(OUT_OF_RANGE)
    return value


Day = Annotated[date, AfterValidator(bounded)]
Instant = Annotated[AwareDatetime, AfterValidator(bounded)]
