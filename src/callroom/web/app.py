"""The whole app: the HTTP API of `callroom.api` plus the server-rendered pages and their
static files. The pages sit above the API in the import layers, so the API's factory builds the
app and this one adds the pages to it (`callroom serve` serves this one)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from callroom.api import errors as api_errors
from callroom.api.app import create_app as create_api
from callroom.config import Settings
from callroom.domain.clock import Clock, utc_now
from callroom.errors import CallroomError, ErrorKind, Invalid
from callroom.web import (
    admin,
    caselog,
    cpt_table,
    downloads,
    hours,
    hours_review,
    hours_week,
    inbox,
    me,
    oncall,
    operating,
    operating_case,
    operating_mine,
    requests,
    rosters,
    schedule,
    setup,
    setup_conflicts,
    sick_call,
    signin,
    styles,
    year,
)
from callroom.web.templating import STATIC_DIR, render

ROUTERS = (
    signin.router,
    schedule.router,
    rosters.router,
    downloads.router,
    year.router,
    oncall.router,
    inbox.router,
    me.router,
    hours.router,
    hours_week.router,
    hours_review.router,
    requests.router,
    sick_call.router,
    operating.router,
    operating_mine.router,
    operating_case.router,
    cpt_table.router,
    caselog.router,
    admin.router,
    setup_conflicts.router,  # before setup's /setup/{section}
    setup.router,
    styles.router,
)


def create_app(settings: Settings, clock: Clock = utc_now) -> FastAPI:
    app = create_api(settings, clock)
    add_pages(app)
    return app


def add_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    # One handler for the one error tree, API and pages alike: JSON under /api, a page (or an
    # htmx fragment) elsewhere.
    app.add_exception_handler(CallroomError, _refused)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _unusable)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _no_route)  # type: ignore[arg-type]


async def _unusable(request: Request, exc: RequestValidationError) -> Response:
    """A path or query a page cannot use (an id no row can have, say): the API's JSON under
    /api, the page's own refusal elsewhere."""
    if request.url.path.startswith("/api/"):
        return await api_errors.validation_error(request, exc)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "this address cannot be used"}
    where = ".".join(str(p) for p in first["loc"] if p not in ("path", "query", "body"))
    message = f"{where}: {first['msg']}" if where else str(first["msg"])
    return await _refused(request, Invalid(where, message))


async def _no_route(request: Request, exc: StarletteHTTPException) -> Response:
    """An address the app does not have (404) or a method it does not take there (405): the
    API's JSON error under /api, a page elsewhere, never the framework's bare `detail`."""
    words = {404: "there is no such page", 405: f"{request.method} is not how this address is used"}
    message = words.get(exc.status_code, str(exc.detail))
    if request.url.path.startswith("/api/"):
        return api_errors.error(exc.status_code, "path", message)
    title = "Not found" if exc.status_code == 404 else "Not possible"
    return render(
        request, "error.html", {"title": title, "message": message.capitalize() + "."}, status=exc.status_code
    )


async def _refused(request: Request, exc: CallroomError) -> Response:
    if request.url.path.startswith("/api/"):
        return await api_errors.callroom_error(request, exc)
    if exc.kind is ErrorKind.UNAUTHENTICATED:
        return _sign_in(request)
    status = api_errors.status_of(exc)
    if request.headers.get("hx-request"):
        return render(request, "_error_fragment.html", {"message": exc.message}, status=status)
    title = "Not allowed" if exc.kind is ErrorKind.NOT_ALLOWED else "Not possible"
    response = render(request, "error.html", {"title": title, "message": exc.message}, status=status)
    response.headers.update(exc.headers)  # a 503's Retry-After
    return response


def _sign_in(request: Request) -> Response:
    """To the sign-in page and back here afterwards; htmx follows HX-Redirect instead."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = "/signin" if back == "/" else f"/signin?next={quote(back, safe='/')}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
