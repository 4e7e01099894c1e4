"""Sign in (`/signin`), sign out (`/signout`) and the start page (`/`).

The sign-in form has no session yet, so its CSRF token is a double-submit one: a random value
in a short-lived cookie and in the form, which must match (a page of another site can make a
browser post the form but cannot read or set the cookie). After sign-in, forms carry the
session's token from `callroom.accounts`.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.api.auth import SESSION_COOKIE, end_session, start_session
from callroom.api.deps import Accounts
from callroom.errors import CallroomError, ErrorKind
from callroom.web.forms import check_csrf, form_data
from callroom.web.session import identify, viewer
from callroom.web.templating import render

router = APIRouter()
Form = Annotated[dict[str, str], Depends(form_data)]
SIGNIN_COOKIE = "callroom_signin"


def safe_next(target: str | None) -> str:
    """Only a path on this site: never `//host` or a full URL (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/", response_class=HTMLResponse)
def start(request: Request) -> Response:
    found = identify(request)
    return RedirectResponse(found.home if found else "/signin", status_code=303)


def _form(request: Request, values: dict[str, str], errors: dict[str, str], status: int) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request, "signin.html", {"values": values, "errors": errors, "signin_csrf": token}, status=status
    )
    response.set_cookie(
        SIGNIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        max_age=3600,
        secure=request.url.scheme == "https",
        path="/signin",
    )
    return response


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> HTMLResponse:
    errors = {}
    if request.cookies.get(SESSION_COOKIE) and identify(request) is None:
        errors["form"] = "your session has ended (idle too long, or closed by an admin): sign in again"
    return _form(request, {"next": safe_next(request.query_params.get("next")), "username": ""}, errors, 200)


def _signin_errors(request: Request, form: dict[str, str]) -> dict[str, str]:
    errors = {}
    cookie = request.cookies.get(SIGNIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), form.get("csrf_token", "").encode()):
        errors["form"] = "the sign-in form was old or came from elsewhere: try again"
    if not form.get("username", "").strip():
        errors["username"] = "enter your username"
    if not form.get("password", ""):
        errors["password"] = "enter your password"
    return errors


@router.post("/signin", response_class=HTMLResponse)
def signin(request: Request, form: Form, accounts: Accounts) -> Response:
    values = {"username": form.get("username", ""), "next": safe_next(form.get("next"))}
    errors = _signin_errors(request, form)
    if errors:
        return _form(request, values, errors, 422 if "form" not in errors else 403)
    try:
        signed = accounts.sign_in(values["username"], form["password"])
    except CallroomError as error:
        return _refused(request, values, error)
    response = RedirectResponse(values["next"] if values["next"] != "/" else "/", status_code=303)
    start_session(request, response, signed)
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


def _refused(request: Request, values: dict[str, str], error: CallroomError) -> HTMLResponse:
    """The form again with the service's reason; a throttled username (429) also says when to
    retry, in the error's headers."""
    field = error.field if error.field in ("username", "password") else "password"
    status = 429 if error.kind is ErrorKind.RATE_LIMITED else 422
    response = _form(request, values, {field: error.message}, status)
    response.headers.update(error.headers)
    return response


@router.post("/signout")
def signout(request: Request, form: Form) -> Response:
    check_csrf(request, viewer(request), form)
    response = RedirectResponse("/signin", status_code=303)
    end_session(request, response)
    return response
