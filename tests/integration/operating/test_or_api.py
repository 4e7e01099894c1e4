"""The OR routes over HTTP on a real server: who may call each, as a table here (beside the
generic permission test, which reads the code's table); bad files answer 422 naming the line
and field, and store nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.api.params import LATEST_YEAR
from callroom.config import Settings
from callroom.storage import open_database
from callroom.web.app import create_app
from tests.integration.operating.world import DAY, HEADER, NEXT_DAY, World, day_csv, world
from tests.web_demo import serving

ROLES = ("chief", "director", "attending", "resident", "admin", "operator")
CLINICAL = {"chief", "director", "attending", "resident"}
# Who may call each route (the rest are refused 403 naming the permission).
WHO_MAY = {
    ("GET", "/api/v1/or/days/{day}"): CLINICAL,
    ("GET", "/api/v1/or/days/{day}/mine"): CLINICAL,
    ("POST", "/api/v1/or/import"): {"chief"},
    ("POST", "/api/v1/or/days/{day}/assign"): {"chief"},
    ("POST", "/api/v1/or/days/{day}/move"): {"chief"},
    ("POST", "/api/v1/or/days/{day}/publish"): {"chief"},
    ("GET", "/api/v1/or/patient"): CLINICAL,
    ("POST", "/api/v1/or/patient"): CLINICAL,
    ("GET", "/api/v1/or/access-log"): {"director"},
    ("POST", "/api/v1/or/purge"): {"director", "admin"},
    ("GET", "/api/v1/caselog/me"): {"chief", "resident"},
    ("POST", "/api/v1/caselog/me"): {"chief", "resident"},
    ("GET", "/api/v1/caselog/me/dashboard"): {"chief", "resident"},
    ("GET", "/api/v1/caselog/people/{person_id}"): {"chief", "director"},
    ("GET", "/api/v1/caselog/people/{person_id}/dashboard"): {"chief", "director"},
    ("GET", "/api/v1/caselog/progress"): {"chief", "director"},
    ("POST", "/api/v1/caselog/import"): {"chief", "director"},
    ("GET", "/api/v1/caselog/export"): {"chief", "director"},
    ("GET", "/api/v1/cpt-table"): CLINICAL,
    ("PUT", "/api/v1/cpt-table"): {"chief", "director"},
}


@dataclass(frozen=True)
class Served:
    url: str
    hospital: World
    tokens: dict[str, str]

    def client(self, username: str) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    url = f"sqlite:///{tmp_path_factory.mktemp('or-api') / 'callroom.db'}"
    with open_database(url) as database:
        hospital = world(database, url)
        tokens = _tokens(hospital)
        with serving(create_app(Settings(database_url=url))) as base:
            yield Served(base, hospital, tokens)


def _tokens(hospital: World) -> dict[str, str]:
    accounts = hospital.services.accounts
    admin = Principal("test", Role.ADMIN)
    found = {}
    for username in ROLES:
        account = accounts.by_username(admin, username)
        found[username], _ = accounts.create_api_token(admin, account.id, "tests")
    return found


def call(served: Served, username: str, method: str, path: str) -> httpx.Response:
    concrete = path.replace("{day}", DAY.isoformat()).replace("{person_id}", "kwame-mensah")
    body: dict[str, object] | None = None if method == "GET" else {}
    with served.client(username) as client:
        return client.request(method, concrete, params={"case_id": "none"}, json=body)


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize(("method", "path"), list(WHO_MAY), ids=[f"{m} {p}" for m, p in WHO_MAY])
def test_each_role_may_call_each_or_route_as_the_table_says(
    served: Served, username: str, method: str, path: str
) -> None:
    answer = call(served, username, method, path)

    refused = answer.status_code == 403 and answer.json().get("field") == "permission"
    assert refused == (username not in WHO_MAY[method, path]), answer.text


def test_a_bad_or_file_is_refused_naming_its_line_and_column_and_nothing_is_stored(served: Served) -> None:
    bad = day_csv() + HEADER.split("\n", 1)[1] + f"OR 9,{DAY} 07:30,-5,Nothing,99999,Nobody,gen-surg,,,,\n"

    with served.client("chief") as client:
        answer = client.post("/api/v1/or/import", json={"filename": "bad.csv", "text": bad})
        board = client.get(f"/api/v1/or/days/{DAY.isoformat()}").json()

    assert answer.status_code == 422, answer.text
    problems = answer.json()["errors"]
    assert any(p.get("line") == "5" and p["field"] == "minutes" for p in problems), problems
    assert board["cases"] == []


def test_a_bad_case_log_is_refused_and_nothing_is_stored(served: Served) -> None:
    bad = "resident,date,cpt,role,attending,case\nkwame-mensah,2027-03-02,99999,SJ,,\n"

    with served.client("director") as client:
        answer = client.post("/api/v1/caselog/import", json={"filename": "log.csv", "text": bad})
        after = client.get("/api/v1/caselog/people/kwame-mensah").json()

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"]
    assert after == []


def test_a_bad_cpt_table_is_refused_and_the_default_stays(served: Served) -> None:
    with served.client("director") as client:
        answer = client.put("/api/v1/cpt-table", json={"text": "code,description\n47562,Lap chole\n"})
        table = client.get("/api/v1/cpt-table").json()

    assert answer.status_code == 422, answer.text
    assert table["number"] == 0


def test_an_or_file_over_4_mib_is_refused_before_it_is_read(served: Served) -> None:
    big = "x" * (4 * 1024 * 1024 + 1)

    with served.client("chief") as client:
        answer = client.post("/api/v1/or/import", json={"filename": "big.csv", "text": big})

    assert answer.status_code == 413


def test_assigning_a_day_answers_202_with_its_job_and_the_job_names_the_draft_plan(served: Served) -> None:
    path = f"/api/v1/or/days/{NEXT_DAY.isoformat()}/assign"
    with served.client("chief") as client:
        client.post("/api/v1/or/import", json={"filename": "next.csv", "text": day_csv(NEXT_DAY)})
        queued = client.post(path)
        again = client.post(path)
        assert queued.status_code == 202, queued.text
        assert again.status_code == 200 and again.json()["id"] == queued.json()["id"]
        assert queued.json()["kind"] == "or-assign" and queued.json()["state"] == "queued"
        assert served.hospital.services.runner("api-test").run_once()
        job = client.get(f"/api/v1/jobs/{queued.json()['id']}").json()
        board = client.get(f"/api/v1/or/days/{NEXT_DAY.isoformat()}").json()
    assert job["state"] == "done", job
    assert job["result"]["plan"] == 1 and job["result"]["optimal"] is True
    assert board["plan"]["number"] == 1 and board["plan"]["published"] is False


def test_a_draft_is_read_through_the_api_only_by_whoever_may_assign(served: Served) -> None:
    day = NEXT_DAY.isoformat()
    with served.client("chief") as chief:
        assert chief.post(
            "/api/v1/or/import", json={"filename": "next.csv", "text": day_csv(NEXT_DAY)}
        ).is_success
        case_id = chief.get(f"/api/v1/or/days/{day}").json()["cases"][0]["id"]
        move = {"case_id": case_id, "person_id": "kwame-mensah", "role": "FA"}
        drafted = chief.post(f"/api/v1/or/days/{day}/move", json=move)
    assert drafted.status_code == 200, drafted.text
    assert drafted.json()["plan"]["published"] is False

    for username in ("resident", "attending", "director"):
        with served.client(username) as client:
            board = client.get(f"/api/v1/or/days/{day}").json()
        assert board["plan"] is None and board["published"] is None, username
        assert all(case["roles"] == [] for case in board["cases"]), username


def test_a_case_logged_through_the_api_for_a_day_after_today_answers_422_naming_the_day(
    served: Served,
) -> None:
    line = {"day": f"{LATEST_YEAR}-12-31", "cpt_codes": ["49505"], "role": "FA"}  # after any today

    with served.client("resident") as client:
        answer = client.post("/api/v1/caselog/me", json=line)
        lines = client.get("/api/v1/caselog/me").json()

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "day" and "after today" in answer.text
    assert all(line["day"] != f"{LATEST_YEAR}-12-31" for line in lines)
