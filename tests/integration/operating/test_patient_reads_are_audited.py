"""Every answer that shows a patient's identifiers left a row in the access log for its route.

Not a list of the routes known to show patients: every GET route of the served app (the web
pages and the API), and every OR POST route, is called as the chief (who may read any patient)
over a database holding patients; wherever an answer names a seeded MRN or patient name, the
access log must have gained an allowed row naming that route. A new page or route that shows a
patient without going through the patient guard fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI

from callroom.api.route_table import route_rules
from callroom.config import Settings
from callroom.storage import open_database
from callroom.web.app import create_app
from tests.integration.operating.world import CHIEF, DAY, DIRECTOR, PATIENTS, World, day_csv, world
from tests.web_demo import serving

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
MISSING = "999999"
PERSON = "kwame-mensah"
STREAMS = ("text/event-stream",)
OR_POSTS = ("/api/v1/or/", "/or/", "/caselog")
REASON = "checking the consent form"


@dataclass(frozen=True)
class Served:
    url: str
    hospital: World
    case_id: str
    routes: tuple[tuple[str, str], ...]  # (method, path template)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    url = f"sqlite:///{tmp_path_factory.mktemp('audited') / 'callroom.db'}"
    with open_database(url) as database:
        hospital = world(database, url)
        hospital.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")
        board = hospital.services.operating.assign(CHIEF, DAY).board
        app = create_app(Settings(database_url=url))
        with serving(app) as base:
            yield Served(base, hospital, board.cases[0].case.id, _routes(app))


def _routes(app: FastAPI) -> tuple[tuple[str, str], ...]:
    """Every GET route of the app, and the OR POST routes of the API and the pages (sign-out
    last: it ends the session)."""
    rules = route_rules(app)
    chosen = [
        (r.method, r.path)
        for r in rules
        if r.method == "GET" or (r.method == "POST" and r.path.startswith(OR_POSTS))
    ]
    return tuple(sorted(chosen, key=lambda route: "signout" in route[1]))


def concrete(served: Served, path: str) -> str:
    """The path with each parameter filled as its name asks (anything else: an unknown id)."""
    values = {"day": DAY.isoformat(), "case_id": quote(served.case_id, safe=""), "person_id": PERSON}
    return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: values.get(m.group(1), MISSING), path)


@pytest.fixture
def chief(served: Served) -> Iterator[tuple[httpx.Client, str]]:
    """A browser signed in as the chief, and its CSRF token."""
    with httpx.Client(base_url=served.url, follow_redirects=False, timeout=30) as client:
        yield client, _sign_in(client)


def _sign_in(client: httpx.Client) -> str:
    token = CSRF.search(client.get("/signin").text)
    assert token is not None
    answer = client.post(
        "/signin",
        data={"username": "chief", "password": "demo-chief-pass", "csrf_token": token.group(1), "next": "/"},
    )
    assert answer.status_code == 303, answer.text
    found = CSRF.search(client.get("/oncall").text)
    assert found is not None
    return found.group(1)


def body_for(served: Served, path: str) -> dict[str, object]:
    """What each OR POST route is sent: enough to do its work."""
    bodies: dict[str, dict[str, object]] = {
        "/api/v1/or/patient": {"case_id": served.case_id, "reason": REASON},
        "/api/v1/or/import": {"filename": "or-day.csv", "text": day_csv()},
        "/api/v1/or/days/{day}/move": {"case_id": served.case_id, "person_id": None, "role": "FA"},
        "/api/v1/or/purge": {"older_than_days": 36500},
    }
    return bodies.get(path, {})


def form_for(served: Served, csrf: str) -> dict[str, str]:
    """What a page's form is sent: each field a page may ask for, filled."""
    return {
        "csrf_token": csrf,
        "case_id": served.case_id,
        "case": served.case_id,
        "reason": REASON,
        "day": DAY.isoformat(),
        "person": "",
        "role": "FA",
    }


def answer(client: httpx.Client, csrf: str, served: Served, method: str, path: str) -> str:
    """The answer's text (an event stream is left unread: it never ends). The API's POST routes
    are sent JSON, the pages' a form."""
    params = {"case_id": served.case_id, "case": served.case_id, "day": DAY.isoformat(), "person": PERSON}
    api = path.startswith("/api/")
    body = body_for(served, path) if method == "POST" and api else None
    form = form_for(served, csrf) if method == "POST" and not api else None
    headers = {"X-CSRF-Token": csrf}
    url = concrete(served, path)
    with client.stream(method, url, params=params, json=body, data=form, headers=headers) as response:
        if response.headers.get("content-type", "").startswith(STREAMS):
            return ""
        return response.read().decode("utf-8", "replace")


def rows_for(served: Served, route: str) -> int:
    log = served.hospital.services.operating.access_log(DIRECTOR, limit=100_000)
    return sum(1 for row in log if row.route == route and row.outcome == "allowed")


def test_every_answer_naming_a_patient_was_logged_for_its_route(
    served: Served, chief: tuple[httpx.Client, str]
) -> None:
    client, csrf = chief
    showing, unlogged = [], []
    for method, path in served.routes:
        route = f"{method} {path}"
        before = rows_for(served, route)
        text = answer(client, csrf, served, method, path)
        if any(mrn in text or name in text for mrn, name in PATIENTS.items()):
            showing.append(route)
            if rows_for(served, route) <= before:
                unlogged.append(route)

    assert unlogged == []
    assert "GET /api/v1/or/patient" in showing and "POST /api/v1/or/patient" in showing


def test_the_board_and_the_case_logs_name_no_patient(served: Served, chief: tuple[httpx.Client, str]) -> None:
    client, csrf = chief
    for path in ("/api/v1/or/days/{day}", "/api/v1/or/days/{day}/mine", "/api/v1/caselog/progress"):
        text = answer(client, csrf, served, "GET", path)

        assert not any(mrn in text or name in text for mrn, name in PATIENTS.items()), path
