"""Every 4xx (and 503) the API gives is one JSON shape: `{"error": message, "field": name,
"errors": [...]}`, the field being the part of the request at fault. The HTTP status of an error
of the one tree (`callroom.errors`) is chosen here, from its kind, and nowhere else."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from callroom.errors import CallroomError, ErrorKind

STATUS = {
    ErrorKind.INVALID: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.NOT_ALLOWED: 403,
    ErrorKind.CONFLICT: 409,
    ErrorKind.NO_SOLUTION: 409,
    ErrorKind.OUT_OF_TIME: 409,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}


def status_of(error: CallroomError) -> int:
    return STATUS[error.kind]


def error(status: int, field: str, message: str, errors: list[dict[str, str]] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "field": field, "errors": errors or []}, status_code=status)


async def callroom_error(_request: Request, exc: CallroomError) -> JSONResponse:
    """An error of the one tree: its kind's status, its details, its headers; a 401 also says
    how to authenticate."""
    response = error(status_of(exc), exc.field, exc.message, [d.as_dict() for d in exc.details])
    if exc.kind is ErrorKind.UNAUTHENTICATED:
        response.headers["WWW-Authenticate"] = "Bearer"
    response.headers.update(exc.headers)
    return response


async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    found = [{"field": _field(e["loc"]), "message": str(e["msg"])} for e in exc.errors()]
    first = found[0] if found else {"field": "", "message": "invalid request"}
    return error(422, first["field"], f"{first['field']}: {first['message']}", found)


def _field(loc: tuple[object, ...]) -> str:
    """`body.target` reads as `target` (and `body.pages.2.body` as `pages.2.body`); headers and
    query keep their names."""
    parts = [str(p) for p in (loc[1:] if loc[:1] == ("body",) else loc)]
    return ".".join(parts) or "body"
