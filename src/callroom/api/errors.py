"""Every 4xx the API gives is one JSON shape: `{"error": message, "field": name, "errors": [...]}`,
the field being the part of the request at fault. The services' errors carry their status."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from callroom.accounts.errors import AccountError
from callroom.changes.types import ChangeError
from callroom.paging.service import PagingError


def error(status: int, field: str, message: str, errors: list[dict[str, str]] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "field": field, "errors": errors or []}, status_code=status)


async def service_error(_request: Request, exc: PagingError | AccountError) -> JSONResponse:
    """A paging, accounts or hours error; a 401 also says how to authenticate, and an accounts
    error adds its own headers (a 429's Retry-After)."""
    response = error(exc.status, exc.field, exc.message, getattr(exc, "errors", None))
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    response.headers.update(getattr(exc, "headers", {}))
    return response


async def change_error(_request: Request, exc: ChangeError) -> JSONResponse:
    """A roster-change error; a refusal lists each rule broken, with its numbers."""
    found = [{"field": v.rule.code, "message": v.message} for v in exc.violations]
    return error(exc.status, exc.field, exc.message, found)


async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    found = [{"field": _field(e["loc"]), "message": str(e["msg"])} for e in exc.errors()]
    first = found[0] if found else {"field": "", "message": "invalid request"}
    return error(422, first["field"], f"{first['field']}: {first['message']}", found)


def _field(loc: tuple[object, ...]) -> str:
    """`body.target` reads as `target`; headers and query keep their names."""
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"
