"""Path parameters shared by the routers. Ids and version numbers are 32-bit database integers:
a bigger number names nothing, so it is refused (422) before it reaches the database, whose
drivers would fail on it (SQLite overflows at 2**63, PostgreSQL `integer` at 2**31)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ID = 2**31 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="a database id")]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="a roster version number (1, 2, ...)")]
