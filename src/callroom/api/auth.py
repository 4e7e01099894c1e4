"""Who is calling, and may they: the one enforcement point of the permission table.

`current_principal` accepts `Authorization: Bearer <token>` (an account's API token, or a token
from CALLROOM_API_TOKENS) or the session cookie of a signed-in browser. A request that rides on
the cookie and is not a safe method must carry the session's CSRF token (form field
`csrf_token` or header `X-CSRF-Token`): a page of another site can make the browser send the
cookie, but it cannot read the token. Bearer requests need none (no browser adds the header).

Every route depends on `require(Permission.X)` (see `callroom.accounts.permissions`), or is one
of the few PUBLIC_ROUTES; a test walks `app.routes` to keep it so.

Tokens are kept as SHA-256 digests; looking up a digest reveals nothing about the token through
timing, unlike comparing token strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.accounts.service import SignedIn
from callroom.accounts.tokens import csrf_for, digest, same
from callroom.api.deps import accounts, config_tokens
from callroom.config import ApiToken
from callroom.errors import NotAllowed, Unauthenticated

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "PUBLIC_ROUTES",
    "SESSION_COOKIE",
    "Principal",
    "Require",
    "csrf_token",
    "current_principal",
    "end_session",
    "optional_principal",
    "require",
    "start_session",
]

SESSION_COOKIE = "callroom_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

# (method, path) of routes anyone may call: signing in, the calendar feed (its token in the URL
# is the credential), the API description and the docs, and the operations routes (health and
# readiness, and the metrics, which check CALLROOM_METRICS_TOKEN themselves when it is set).
PUBLIC_ROUTES = frozenset(
    {
        ("POST", "/api/v1/session"),
        ("GET", "/api/v1/ical/{token}.ics"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/redoc"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/metrics"),
    }
)


def token_table(tokens: Iterable[ApiToken]) -> dict[str, Principal]:
    return {digest(t.token.get_secret_value()): Principal(t.user, t.role) for t in tokens}


def _bearer_token(header: str | None) -> str:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization", "send the header `Authorization: Bearer <token>`")
    return token.strip()


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller, from a bearer token or the session cookie (plus CSRF
    for unsafe methods). 401 without credentials or with bad ones."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization")
    if header is not None:
        found = await _from_bearer(request, header)
    elif request.cookies.get(SESSION_COOKIE):
        found = await _from_session(request, request.cookies[SESSION_COOKIE])
    else:
        raise Unauthenticated("Authorization", "send the header `Authorization: Bearer <token>`")
    request.state.principal = found
    return found


async def optional_principal(request: Request) -> Principal | None:
    """The caller, or None when the request carries no valid credentials (for pages that show
    the sign-in form instead of an error). A cookie request still needs its CSRF token."""
    try:
        return await current_principal(request)
    except Unauthenticated:
        return None


async def _from_bearer(request: Request, header: str) -> Principal:
    token = _bearer_token(header)
    configured = config_tokens(request).get(digest(token))
    if configured is not None:
        assert isinstance(configured, Principal)
        return configured
    service = accounts(request)
    found = service.remembered_token(token) or await run_in_threadpool(service.token_principal, token)
    if found is None:
        raise Unauthenticated("Authorization", "unknown API token")
    return found


async def _from_session(request: Request, token: str) -> Principal:
    found = await run_in_threadpool(accounts(request).session_principal, token)
    if request.method not in SAFE_METHODS:
        await _check_csrf(request, token)
    return found


async def _check_csrf(request: Request, session_token: str) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        field = (await request.form()).get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if not same(given, csrf_for(session_token)):
        raise NotAllowed(
            CSRF_FIELD,
            f"missing or wrong CSRF token: send the form field {CSRF_FIELD} "
            f"or the header {CSRF_HEADER} from this session",
        )


class Require:
    """`Depends(require(Permission.X))`: the caller, if their role has X; 403 naming X if not.
    `permission` is read by the test that checks every route against the table."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    async def __call__(self, caller: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not caller.can(self.permission):
            raise NotAllowed("permission", f"{caller.role.a} may not do this ({self.permission.value})")
        return caller


def require(permission: Permission) -> Require:
    return Require(permission)


def csrf_token(request: Request) -> str | None:
    """The CSRF token to put in this session's forms (None without a session cookie)."""
    token = request.cookies.get(SESSION_COOKIE)
    return None if not token else csrf_for(token)


def start_session(request: Request, response: Response, signed: SignedIn) -> None:
    """Set the session cookie: HttpOnly (no script reads it), SameSite=Lax (other sites' forms
    do not send it), Secure when the request came over https. No Max-Age: the server ends it
    after the idle timeout, the browser when it closes."""
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def end_session(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts(request).sign_out(token)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
