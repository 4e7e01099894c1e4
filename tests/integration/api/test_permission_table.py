"""The permission table, whole: every route of the API for every role, allowed or refused as
`ROLE_PERMISSIONS` says, against a real server on SQLite and PostgreSQL; every route requires
exactly one permission or is public; and docs/permissions.md says the same as the code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI

from callroom.accounts.permissions import ROLE_PERMISSIONS, Permission
from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.api.app import create_app
from callroom.api.auth import PUBLIC_ROUTES, require
from callroom.api.route_table import RouteRule, route_rules
from callroom.config import Settings
from callroom.storage import open_database
from tests.integration.api.permission_doc import (
    DOC,
    code_route_table,
    doc_role_table,
    doc_route_table,
    render_role_table,
    render_route_table,
)
from tests.integration.api.role_world import ROLES, client, seed_roles, serve
from tests.paging_world import store_world

RULES = route_rules(create_app(Settings()))
API_RULES = [r for r in RULES if r.path.startswith("/api/")]
GUARDED = [r for r in API_RULES if (r.method, r.path) not in PUBLIC_ROUTES]
MISSING = "999999"  # every id or name in a path: nothing has it, so no request changes anything


def route_id(rule: RouteRule) -> str:
    return f"{rule.method} {rule.path}"


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", MISSING, path)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[Role, str]]]:
    """One server per database for the whole module: the requests below change nothing."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('permissions') / 'callroom.db'}", None
    else:
        server = request.getfixturevalue("postgres_server")
        name = server.create_database()
        url, drop = server.url(name), (lambda: server.drop_database(name))
    with open_database(url) as database:
        store_world(database)
        tokens = seed_roles(database)
    try:
        with serve(Settings(database_url=url, stream_ping_s=0.2)) as base:
            yield base, tokens
    finally:
        if drop is not None:
            drop()


def call(base: str, token: str | None, rule: RouteRule) -> tuple[int, dict[str, object]]:
    """The status and JSON body (if any) of calling the route with an empty body."""
    body: dict[str, object] | None = {} if rule.method in ("POST", "PUT", "PATCH") else None
    with client(base, token) as http, http.stream(rule.method, concrete(rule.path), json=body) as response:
        if response.headers.get("content-type", "").startswith("application/json"):
            found = response.json() if response.read() else {}
            return response.status_code, found if isinstance(found, dict) else {}
        return response.status_code, {}  # an event stream or a calendar: the headers say enough


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("rule", GUARDED, ids=[route_id(r) for r in GUARDED])
def test_each_role_is_let_through_or_refused_exactly_as_the_table_says(
    world: tuple[str, dict[Role, str]], rule: RouteRule, role: Role
) -> None:
    base, tokens = world
    status, body = call(base, tokens[role], rule)

    refused = status == 403 and body.get("field") == "permission"
    assert refused == (not set(rule.permissions) <= ROLE_PERMISSIONS[role]), (status, body)
    assert status != 401, body


@pytest.mark.parametrize("rule", GUARDED, ids=[route_id(r) for r in GUARDED])
def test_every_guarded_route_wants_credentials(world: tuple[str, dict[Role, str]], rule: RouteRule) -> None:
    status, body = call(world[0], None, rule)

    assert status == 401
    assert body["field"] == "Authorization"


@pytest.mark.parametrize("rule", [r for r in API_RULES if r not in GUARDED], ids=route_id)
def test_a_public_route_answers_without_credentials(
    world: tuple[str, dict[Role, str]], rule: RouteRule
) -> None:
    status, _ = call(world[0], None, rule)

    assert status not in (401, 403)


def test_every_route_requires_one_permission_or_is_listed_as_public() -> None:
    unguarded = {(r.method, r.path) for r in RULES if not r.permissions}
    several = [route_id(r) for r in RULES if len(r.permissions) > 1]

    assert unguarded == set(PUBLIC_ROUTES)
    assert several == []


def test_the_doc_lists_the_same_permissions_for_each_role_as_the_code() -> None:
    documented = doc_role_table(DOC.read_text(encoding="utf-8"))

    assert documented == ROLE_PERMISSIONS, f"docs/permissions.md should say:\n{render_role_table()}"


def test_the_doc_lists_every_route_with_the_permission_it_requires() -> None:
    documented = doc_route_table(DOC.read_text(encoding="utf-8"))

    expected = render_route_table(RULES)
    assert documented == code_route_table(RULES), f"docs/permissions.md should say:\n{expected}"


def test_the_route_table_sees_a_route_that_forgot_its_permission() -> None:
    app = FastAPI()

    @app.get("/guarded")
    def guarded(_caller: Annotated[Principal, Depends(require(Permission.ROSTER_READ))]) -> None: ...

    @app.get("/forgotten")
    def forgotten() -> None: ...

    found = {(r.path, r.permissions) for r in route_rules(app, ("/guarded", "/forgotten"))}
    assert found == {("/guarded", (Permission.ROSTER_READ,)), ("/forgotten", ())}
