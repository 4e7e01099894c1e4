"""An admin reads and replaces the program file (the reference data) over real HTTP on SQLite
and PostgreSQL: the live roster moves over to the new file, bad files are refused line by line,
and a file that drops someone still on the roster is refused; nothing half-saved."""

from __future__ import annotations

from typing import Any

from callroom.accounts.roles import Role
from tests.integration.api.accounts_fixtures import RoleApi
from tests.integration.api.accounts_fixtures import role_api as role_api  # the fixture


def current_file(api: RoleApi) -> str:
    with api.as_role(Role.ADMIN) as http:
        response = http.get("/api/v1/program")
    assert response.headers["content-type"].startswith("application/yaml")
    return response.text


def replace(api: RoleApi, source: str) -> tuple[int, dict[str, Any]]:
    with api.as_role(Role.ADMIN) as http:
        response = http.put("/api/v1/program", json={"source": source, "reason": "new name for dora"})
    return response.status_code, response.json()


def roster_numbers(api: RoleApi) -> list[int]:
    with api.as_role(Role.ADMIN) as http:
        return [v["number"] for v in http.get("/api/v1/rosters").json()]


def test_a_new_program_file_takes_effect_with_the_live_roster_carried_over(role_api: RoleApi) -> None:
    text = current_file(role_api).replace("{id: dora,", "{id: dora, name: Dora Attending,")

    status, answer = replace(role_api, text)

    assert status == 200, answer
    assert (answer["program_version"], answer["unchanged"]) == (2, False)
    assert answer["roster"]["audit"]["by"] == "admin"
    with role_api.as_role(Role.OPERATOR) as http:
        dora = http.get("/api/v1/people/dora").json()
        ward = http.get("/api/v1/oncall", params={"post": "ward"}).json()
    assert dora["name"] == "Dora Attending"
    assert [h["person_id"] for h in ward["holders"]] == ["ada", "ben"]


def test_the_same_file_again_changes_nothing(role_api: RoleApi) -> None:
    status, answer = replace(role_api, current_file(role_api))

    assert (status, answer["unchanged"], answer["roster"]) == (200, True, None)
    assert roster_numbers(role_api) == [1]


def test_a_bad_file_is_refused_with_every_problem_and_its_line(role_api: RoleApi) -> None:
    text = current_file(role_api).replace("grade: PGY-1", "grade: PGY-9")

    status, answer = replace(role_api, text)

    assert status == 422
    assert answer["field"].startswith("source")
    assert any("PGY-9" in e["message"] and e["line"] for e in answer["errors"])
    assert roster_numbers(role_api) == [1]


def test_a_file_that_drops_someone_on_the_roster_is_refused(role_api: RoleApi) -> None:
    lines = [line for line in current_file(role_api).splitlines() if "{id: ben," not in line]

    status, answer = replace(role_api, "\n".join(lines) + "\n")

    assert (status, answer["field"]) == (409, "source")
    assert "person ben" in answer["error"]
    assert roster_numbers(role_api) == [1]
