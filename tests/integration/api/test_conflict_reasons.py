"""The reasons of declared conflicts are the chief's. The chief reads the live program's
conflicts with their reasons (`GET /api/v1/conflicts`) and nobody else may; the admin reads
and replaces the program file with a placeholder for each reason, and a placeholder sent back
keeps the stored reason. Over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from callroom.accounts.roles import Role
from callroom.config import Settings
from callroom.formats.program_reasons import PLACEHOLDER
from callroom.storage import Database
from tests.integration.api.role_world import ROLES, client, seed_roles, serve
from tests.paging_world import store_world, world_yaml

REASON = "Divorce proceedings; keep apart"
CONFLICTS = f"""\
conflicts:
  - between: [eve, fay]
    reason: {REASON}
"""
Served = tuple[str, dict[Role, str]]  # the server's URL and a token for each role


@pytest.fixture
def api(database: Database, database_url: str) -> Iterator[Served]:
    store_world(database, world_yaml() + CONFLICTS)
    tokens = seed_roles(database)
    with serve(Settings(database_url=database_url)) as url:
        yield url, tokens


def get(api: Served, role: Role, path: str) -> Any:
    url, tokens = api
    with client(url, tokens[role]) as http:
        answer = http.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json() if path.endswith("conflicts") else answer.text


def put(api: Served, source: str) -> tuple[int, dict[str, Any]]:
    url, tokens = api
    with client(url, tokens[Role.ADMIN]) as http:
        answer = http.put("/api/v1/program", json={"source": source, "reason": "reference data"})
    return answer.status_code, answer.json()


def test_the_chief_reads_the_declared_conflicts_with_their_reasons(api: Served) -> None:
    assert get(api, Role.CHIEF, "/api/v1/conflicts") == [{"between": ["eve", "fay"], "reason": REASON}]


@pytest.mark.parametrize("role", [r for r in ROLES if r is not Role.CHIEF], ids=lambda r: r.value)
def test_no_one_else_reads_them(api: Served, role: Role) -> None:
    url, tokens = api
    with client(url, tokens[role]) as http:
        answer = http.get("/api/v1/conflicts")

    assert (answer.status_code, answer.json()["field"]) == (403, "permission")
    assert REASON not in answer.text


def test_the_admin_reads_the_program_file_with_a_placeholder_for_each_reason(api: Served) -> None:
    source = get(api, Role.ADMIN, "/api/v1/program")

    assert REASON not in source
    assert f'reason: "{PLACEHOLDER}"' in source and "between: [eve, fay]" in source


def test_the_file_sent_back_unchanged_changes_nothing(api: Served) -> None:
    status, answer = put(api, get(api, Role.ADMIN, "/api/v1/program"))

    assert (status, answer["unchanged"]) == (200, True)


def test_an_edited_file_with_the_placeholder_keeps_the_stored_reason(api: Served) -> None:
    edited = get(api, Role.ADMIN, "/api/v1/program").replace("{id: eve,", "{id: eve, name: Eve Edited,")

    status, answer = put(api, edited)

    assert (status, answer["unchanged"]) == (200, False), answer
    assert get(api, Role.CHIEF, "/api/v1/conflicts")[0]["reason"] == REASON
    assert REASON not in get(api, Role.ADMIN, "/api/v1/program")


def test_a_reason_the_admin_writes_is_the_one_the_chief_reads(api: Served) -> None:
    edited = get(api, Role.ADMIN, "/api/v1/program").replace(PLACEHOLDER, "Resolved: may share a team")

    assert put(api, edited)[0] == 200
    assert get(api, Role.CHIEF, "/api/v1/conflicts")[0]["reason"] == "Resolved: may share a team"


def test_a_new_pair_left_with_the_placeholder_is_refused_and_nothing_is_saved(api: Served) -> None:
    moved = get(api, Role.ADMIN, "/api/v1/program").replace("between: [eve, fay]", "between: [eve, ada]")

    status, answer = put(api, moved)

    assert (status, answer["field"]) == (422, "source.conflicts.0.reason")
    assert REASON not in str(answer)
    assert get(api, Role.CHIEF, "/api/v1/conflicts") == [{"between": ["eve", "fay"], "reason": REASON}]
