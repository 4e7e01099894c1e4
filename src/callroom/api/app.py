"""`create_app(settings)`: the FastAPI app. The database is opened (and migrated) at start-up
and closed at shutdown; every 4xx answer is JSON naming the field that was wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from callroom.accounts.errors import AccountError
from callroom.accounts.service import AccountService
from callroom.api import changes, hours, ical_feed, pages, reference, schedule, security
from callroom.api.auth import token_table
from callroom.api.stream import InboxHub
from callroom.changes.notify import PagingNotifier
from callroom.changes.service import ChangeService
from callroom.changes.types import ChangeError
from callroom.config import Settings
from callroom.hours.service import HoursService
from callroom.paging.live import LiveSchedules
from callroom.paging.service import PagingError, PagingService
from callroom.storage import open_database

MAX_REQUEST_BYTES = 64 * 1024
"""A page is a few hundred characters; anything this big is a mistake or an attack."""


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = open_database(settings.database_url)
        app.state.database = database  # for the web pages and other routers that read storage
        app.state.accounts = AccountService(database, idle=timedelta(minutes=settings.session_idle_minutes))
        app.state.paging = PagingService(database, LiveSchedules(settings.paging_program))
        app.state.changes = ChangeService(database, notifier=PagingNotifier(app.state.paging),
                                          program=settings.paging_program)
        app.state.hours = HoursService(database, LiveSchedules(settings.paging_program))
        app.state.hub = InboxHub(database, settings.stream_poll_interval_s)
        await app.state.hub.start()
        try:
            yield
        finally:
            await app.state.hub.stop()
            database.close()

    app = FastAPI(title="callroom", version="1", lifespan=lifespan)
    app.state.tokens = token_table(settings.api_tokens)
    app.state.settings = settings
    app.include_router(schedule.oncall_router)  # first: the most frequent request
    app.include_router(pages.router)
    app.include_router(security.router)
    app.include_router(ical_feed.router)
    app.include_router(schedule.router)
    app.include_router(reference.router)
    app.include_router(changes.router)
    app.include_router(hours.router)
    app.add_exception_handler(PagingError, _paging_error)  # type: ignore[arg-type]
    app.add_exception_handler(AccountError, _paging_error)  # type: ignore[arg-type]
    app.add_exception_handler(ChangeError, changes.change_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_middleware(_LimitSize)
    return app


def error(status: int, field: str, message: str, errors: list[dict[str, str]] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "field": field, "errors": errors or []}, status_code=status)


async def _paging_error(_request: Request, exc: PagingError | AccountError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    response = error(exc.status, exc.field, exc.message, getattr(exc, "errors", None))
    response.headers.update(headers or {})
    return response


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    found = [{"field": _field(e["loc"]), "message": str(e["msg"])} for e in exc.errors()]
    first = found[0] if found else {"field": "", "message": "invalid request"}
    return error(422, first["field"], f"{first['field']}: {first['message']}", found)


def _field(loc: tuple[object, ...]) -> str:
    """`body.target` reads as `target`; headers and query keep their names."""
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


class _LimitSize:
    """413 for a request whose Content-Length is over MAX_REQUEST_BYTES. Plain ASGI rather than
    `app.middleware("http")` (BaseHTTPMiddleware), which cost about 1.5 ms on every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = Headers(scope=scope).get("content-length") if scope["type"] == "http" else None
        if length is not None and (not length.isdigit() or int(length) > MAX_REQUEST_BYTES):
            response = error(413, "body", f"the request body is over {MAX_REQUEST_BYTES} bytes")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
