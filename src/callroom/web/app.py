"""The whole app: the HTTP API of `callroom.api` plus the server-rendered pages and their
static files. The pages sit above the API in the import layers, so the API's factory builds the
app and this one adds the pages to it (`callroom serve` serves this one)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from callroom.api.app import create_app as create_api
from callroom.config import Settings
from callroom.web import admin, hours, inbox, me, oncall, requests, schedule, signin, styles
from callroom.web.editing import FieldError
from callroom.web.session import Forbidden, SignInRequired
from callroom.web.templating import STATIC_DIR, render

ROUTERS = (signin.router, schedule.router, oncall.router, inbox.router, me.router, hours.router,
           requests.router, admin.router, styles.router)


def create_app(settings: Settings) -> FastAPI:
    app = create_api(settings)
    add_pages(app)
    return app


def add_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.add_exception_handler(SignInRequired, _sign_in)  # type: ignore[arg-type]
    app.add_exception_handler(Forbidden, _forbidden)  # type: ignore[arg-type]
    app.add_exception_handler(FieldError, _bad_field)  # type: ignore[arg-type]


async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
    """To the sign-in page and back here afterwards; htmx follows HX-Redirect instead."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = "/signin" if back == "/" else f"/signin?next={_quote(back)}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _quote(path: str) -> str:
    return quote(path, safe="/")


async def _forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
    return render(request, "error.html", {"title": "Not allowed", "message": f"You may not {exc.what}."},
                  status=403)


async def _bad_field(request: Request, exc: FieldError) -> HTMLResponse:
    return render(request, "_error_fragment.html", {"message": f"{exc.field}: {exc.message}"}, status=422)
