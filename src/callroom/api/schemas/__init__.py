"""Request and response bodies of the HTTP API, apart from the tables: XCreate in, XRead out, one
module per feature."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorRead(BaseModel):
    """Every 4xx (and 503) answer: what was wrong, which field (or header) it was in, and each
    problem behind it."""

    error: str
    field: str
    errors: list[dict[str, str]] = []
