"""What the repositories hand out: frozen records, never ORM objects, so no caller can change a
stored version by accident or trigger a lazy load after its session has closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from callroom.domain.wallclock import Interval
from callroom.errors import NotFound

MAX_ID = 2**31 - 1
"""Ids and version numbers are 32-bit database integers: a bigger number names nothing, and the
drivers would fail on it (SQLite overflows at 2**63, PostgreSQL `integer` at 2**31), so every
front end refuses one before it reaches a query."""


class RosterSource(StrEnum):
    """How a roster version came to be."""

    SOLVE = "solve"
    EDIT = "edit"
    IMPORT = "import"


class VersionNotFound(NotFound):
    """A program or roster version id that is not in the database."""


@dataclass(frozen=True)
class ProgramVersionRecord:
    id: int
    program_id: int
    program_name: str
    number: int
    source_text: str
    source_path: str
    sha256: str
    created_at: datetime
    holds: Interval | None = None  # when its block is the present; None for a year file


@dataclass(frozen=True)
class RosterVersionRecord:
    id: int
    program_id: int
    program_version_id: int
    number: int
    parent_id: int | None
    created_at: datetime
    source: RosterSource
    status: str
    objective: int | None
    bound: int | None
    report: dict[str, Any]
    # False for a draft (a background solve's result, waiting to be compared and published):
    # the live roster is always the newest published version.
    published: bool = True
