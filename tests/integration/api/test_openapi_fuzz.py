"""schemathesis against the OpenAPI description of a real server (SQLite, the small hospital):
a bounded number of generated requests per operation, each sent as a role allowed to make it,
and none may answer 5xx.

Left out: the SSE stream (it never ends). A sick-call repair is only checked and queued here
(no worker runs in this server), so its generated asks are fuzzed like any other body.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok

from callroom.accounts.permissions import ROLE_PERMISSIONS
from callroom.accounts.roles import Role
from callroom.api.app import create_app
from callroom.api.route_table import route_rules
from callroom.config import Settings
from callroom.storage import open_database
from tests.integration.api.role_world import seed_roles, serve
from tests.paging_world import store_world

SKIPPED = ("/api/v1/pages/stream",)
NEEDS = {(r.method, r.path): r.permissions for r in route_rules(create_app(Settings()))}


def role_for(method: str, path: str) -> Role:
    """A role allowed to make this request (the admin for account routes, else the chief,
    else the first that has the permission), so requests reach the code behind the check."""
    needed = set(NEEDS.get((method, path), ()))
    for role in (Role.CHIEF, Role.ADMIN, *list(Role)):
        if needed <= ROLE_PERMISSIONS[role]:
            return role
    raise AssertionError(f"no role may {method} {path}")


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[Role, str]]]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'callroom.db'}"
    with open_database(url) as database:
        store_world(database)
        tokens = seed_roles(database)
    with serve(Settings(database_url=url)) as base:
        yield base, tokens


# schemathesis hands out operations of an OpenAPI schema with their type parameters unknown.
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
SCHEMA = schemathesis.openapi.from_dict(create_app(Settings()).openapi()).exclude(path=list(SKIPPED))


def _operation(result: Ok[Operation] | Err[InvalidSchema]) -> Operation:
    """The operation, or the error that kept the description from giving it."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


OPERATIONS = [_operation(result) for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_no_generated_request_gets_a_server_error(
    operation: Operation, fuzz_server: tuple[str, dict[Role, str]]
) -> None:
    base, tokens = fuzz_server
    headers = {"Authorization": f"Bearer {tokens[role_for(operation.method.upper(), operation.path)]}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def each(case: schemathesis.Case[Operation]) -> None:
        case.call_and_validate(base_url=base, headers=headers, checks=[not_a_server_error], timeout=30)

    each()
