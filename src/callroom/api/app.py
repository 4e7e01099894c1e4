"""`create_app(settings)`: the FastAPI app. The services are built at start-up from the
composition root (which opens and migrates the database) and closed at shutdown; every 4xx
answer is JSON naming the field that was wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from callroom.api import (
    changes,
    errors,
    hours,
    ical_feed,
    jobs,
    operating,
    ops,
    pages,
    publishing,
    reference,
    schedule,
    security,
)
from callroom.api.auth import token_table
from callroom.api.headers import SecurityHeaders
from callroom.config import Settings
from callroom.domain.clock import Clock, utc_now
from callroom.errors import CallroomError
from callroom.paging.stream import InboxHub
from callroom.services import open_services

MAX_REQUEST_BYTES = 64 * 1024
"""A page is a few hundred characters; anything this big is a mistake or an attack."""
MAX_FILE_BYTES = 4 * 1024 * 1024
"""A program file (a year of a big department is a few hundred kilobytes), a residents list, an OR
schedule, a case log or a CPT table."""
FILE_PATHS = (
    "/api/v1/program",
    "/admin/program",
    "/setup/residents",
    *operating.IMPORT_PATHS,
    "/or/import",  # the OR board page's import form
    "/caselog/program/import",  # the program case-log page's import form
)


def create_app(settings: Settings, clock: Clock = utc_now) -> FastAPI:
    """The API over the settings' database; `clock` is the services' (tests set a day)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with open_services(settings, clock) as services:
            app.state.services = services
            app.state.hub = InboxHub(services.database, settings.stream_poll_interval_s)
            await app.state.hub.start()
            try:
                yield
            finally:
                await app.state.hub.stop()

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
    app.include_router(jobs.router)
    app.include_router(publishing.router)
    app.include_router(ops.router)
    app.include_router(operating.router)
    app.add_exception_handler(CallroomError, errors.callroom_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, errors.validation_error)  # type: ignore[arg-type]
    app.add_middleware(_LimitSize)
    app.add_middleware(SecurityHeaders)  # last, so outermost: the 413 above gets them too
    return app


class _LimitSize:
    """413 for a request whose Content-Length is over MAX_REQUEST_BYTES (MAX_FILE_BYTES for the
    routes that take a whole file). Plain ASGI rather than
    `app.middleware("http")` (BaseHTTPMiddleware), which cost about 1.5 ms on every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = Headers(scope=scope).get("content-length") if scope["type"] == "http" else None
        most = MAX_FILE_BYTES if scope.get("path") in FILE_PATHS else MAX_REQUEST_BYTES
        if length is not None and (not length.isdigit() or int(length) > most):
            response = errors.error(413, "body", f"the request body is over {most} bytes")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
