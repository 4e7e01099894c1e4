"""The rosters page (a real served app and database, real CP-SAT): the chief solves a draft in
the background, follows it to its end, compares it with the live roster, publishes it and rolls
back; a resident reads the versions but may not solve; bad forms say what is wrong."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from callroom.services import build_services
from tests.integration.web.conftest import Web
from tests.web_demo import demo_program, sign_in_of


def _run_one_job(web: Web) -> None:
    assert build_services(web.settings, web.database).runner("page-test").run_once()


def _draft(web: Web) -> tuple[str, int]:
    client, csrf = web.signed_in("chief")
    page = client.get("/rosters")
    assert page.status_code == 200 and "Solve a draft" in page.text
    program = re.search(r'name="program" value="([^"]+)"', page.text)
    assert program is not None
    queued = client.post(
        "/rosters/solve", data={"csrf_token": csrf, "program": program.group(1), "time_limit": "3"}
    )
    assert queued.status_code == 303, queued.text
    job_url = queued.headers["location"]
    _run_one_job(web)
    job = client.get(job_url)
    assert job.status_code == 200 and 'data-state="done"' in job.text
    number = re.search(r"Compare draft (\d+) with the live roster", job.text)
    assert number is not None, job.text
    return program.group(1), int(number.group(1))


def test_the_chief_solves_compares_publishes_and_rolls_back(sqlite_web: Web) -> None:
    program, draft = _draft(sqlite_web)
    client, csrf = sqlite_web.signed_in("chief")
    compared = client.get("/rosters/compare", params={"program": program, "number": draft})
    assert compared.status_code == 200
    assert f"Publish draft {draft}" in compared.text and "Penalties per rule" in compared.text
    published = client.post(
        "/rosters/publish",
        data={"csrf_token": csrf, "program": program, "number": str(draft), "reason": "block 1"},
    )
    assert published.status_code == 303
    notice = parse_qs(urlparse(published.headers["location"]).query)["notice"][0]
    assert re.fullmatch(rf"Version {draft + 1} is live(; \d+ of \d+ people moved were told)?\.", notice)
    versions = client.get("/rosters", params={"program": program}).text
    chief = sign_in_of(sqlite_web.sign_ins, "chief")
    name = demo_program().person[chief.person_id or ""].name
    assert f"draft {draft} published by {name}: block 1" in versions  # a name, not an id
    refused = client.post(
        "/rosters/rollback", data={"csrf_token": csrf, "program": program, "number": "1", "reason": ""}
    )
    assert (
        "say why the roster is rolled back"
        in parse_qs(urlparse(refused.headers["location"]).query)["error"][0]
    )
    shown = client.get(refused.headers["location"]).text
    assert '<p class="error" role="alert">say why the roster is rolled back' in shown
    back = client.post(
        "/rosters/rollback",
        data={"csrf_token": csrf, "program": program, "number": "1", "reason": "draft was wrong"},
    )
    assert f"Version {draft + 2} is live" in parse_qs(urlparse(back.headers["location"]).query)["notice"][0]


def test_a_resident_may_neither_read_drafts_nor_solve(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("resident")
    assert client.get("/rosters").status_code == 403
    assert client.get("/rosters/compare", params={"program": "x", "number": 1}).status_code == 403
    refused = client.post("/rosters/solve", data={"csrf_token": csrf, "program": "x", "time_limit": "3"})
    assert refused.status_code == 403


def test_a_solve_of_a_program_that_is_not_stored_is_refused_on_the_page(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("chief")
    refused = client.post(
        "/rosters/solve", data={"csrf_token": csrf, "program": "nowhere", "time_limit": "3"}
    )
    assert refused.status_code == 404 and "no program &#39;nowhere&#39; is stored" in refused.text
