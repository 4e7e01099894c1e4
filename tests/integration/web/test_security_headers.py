"""Every page, fragment and API answer carries the security headers, and no rendered page has
an inline script, inline event handler or inline style for the Content-Security-Policy to block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import httpx
import pytest

from callroom.api.route_table import route_rules
from callroom.config import Settings
from callroom.web.app import create_app
from tests.integration.web.conftest import Web
from tests.or_day import DAY, or_day_csv
from tests.web_demo import DEMO_NAME, demo_program, sign_in_of

SECURITY = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "same-origin"}
# Pages the tour below does not open, each with why.
NOT_TOURED = {
    "/inbox/stream": "a stream that never ends; its headers are checked on their own",
    "/docs": "FastAPI's API explorer, checked on its own",
    "/docs/oauth2-redirect": "part of /docs",
    "/redoc": "part of /docs",
    "/openapi.json": "the API's schema, checked with the API",
}
# The tour's demo has no year plan: the year's downloads refuse with 404, saying so.
NO_YEAR = {"/year/plan.csv", "/year/calendar.ics"}


def _policy(answer: httpx.Response) -> dict[str, str]:
    """The Content-Security-Policy as directive -> its sources."""
    text = answer.headers.get("content-security-policy", "")
    return {part.split(" ", 1)[0]: part.partition(" ")[2] for part in text.split("; ") if part}


def _assert_protected(answer: httpx.Response, *, stored: bool = False) -> None:
    where = f"{answer.request.method} {answer.request.url.path}"
    for name, value in SECURITY.items():
        assert answer.headers.get(name) == value, f"{where}: {name} is {answer.headers.get(name)!r}"
    assert _policy(answer).get("frame-ancestors") == "'none'", f"{where}: {answer.headers}"
    if not stored:
        assert answer.headers.get("cache-control") == "no-store", f"{where}: {answer.headers}"


def _sent_page(chief: httpx.Client, csrf: str) -> int:
    sent = chief.post(
        "/oncall/page",
        data={
            "csrf_token": csrf,
            "target": "operators",
            "body": "A porter",
            "callback": "4411",
            "priority": "routine",
        },
    )
    return int(re.search(r"Page (\d+) sent", sent.text).group(1))  # type: ignore[union-attr]


def _tour(web: Web) -> Iterator[tuple[str, httpx.Response]]:
    """Every page route of the app opened once (by the route it answers), and the fragments
    htmx swaps in, including refusals with their field messages."""
    yield "/signin", web.client().get("/signin")
    chief, csrf = web.signed_in("chief")
    page_id = _sent_page(chief, csrf)
    person, day = demo_program().people[0].id, demo_program().block.start.isoformat()
    for route, url in (
        ("/", "/"),
        ("/schedule", "/schedule"),
        ("/schedule/posts.css", "/schedule/posts.css"),
        ("/schedule/roster.csv", "/schedule/roster.csv"),
        ("/schedule/roster.ics", "/schedule/roster.ics"),
        ("/schedule/calendar.ics", f"/schedule/calendar.ics?person={person}"),
        ("/schedule/cell", f"/schedule/cell?person={person}&day={day}"),
        ("/year", "/year"),
        ("/year/plan.csv", "/year/plan.csv"),
        ("/year/calendar.ics", "/year/calendar.ics?person=ann"),
        ("/oncall", "/oncall?at=2027-03-02T09:00"),
        ("/inbox", "/inbox"),
        ("/inbox/item/{page_id}", f"/inbox/item/{page_id}"),
        ("/inbox/pages/{page_id}", f"/inbox/pages/{page_id}"),
        ("/inbox/pages/{page_id}/progress", f"/inbox/pages/{page_id}/progress"),
        ("/me", "/me"),
        ("/hours", "/hours"),
        ("/hours/week", "/hours/week"),
        ("/requests", "/requests"),
        ("/healthz", "/healthz"),
        ("/readyz", "/readyz"),
        ("/metrics", "/metrics"),
    ):
        yield route, chief.get(url)
    yield (
        "POST /oncall/page",
        chief.post(
            "/oncall/page", data={"csrf_token": csrf, "target": "post:pit", "body": "", "priority": "stat"}
        ),
    )
    yield (
        "POST /schedule/cell/check",
        chief.post(
            "/schedule/cell/check", data={"csrf_token": csrf, "person": person, "day": day, "choice": "off"}
        ),
    )
    yield from _rosters_tour(chief, csrf)
    yield from _sick_call_tour(web, chief, csrf)
    yield (
        "POST /hours/week/log",
        chief.post(
            "/hours/week/log",
            data={"csrf_token": csrf, "key": "log", "start": "2027-03-02T09:00", "end": "2027-03-02T08:00"},
        ),
    )
    director, _ = web.signed_in("director")
    yield "/hours/review", director.get("/hours/review")
    admin, admin_csrf = web.signed_in("admin")
    yield "/admin", admin.get("/admin")
    yield (
        "POST /admin/accounts",
        admin.post("/admin/accounts", data={"csrf_token": admin_csrf, "username": "x"}),
    )
    yield from _setup_tour(web, admin, admin_csrf)
    yield from _or_tour(web)


def _setup_tour(web: Web, admin: httpx.Client, csrf: str) -> Iterator[tuple[str, httpx.Response]]:
    """The set-up pages, a form refused beside its field, a refused residents list, and the
    chief's conflicts."""
    for route, url in (
        ("/setup", "/setup"),
        ("/setup/program.yaml", "/setup/program.yaml"),
        ("/setup/{section}", "/setup/people"),
        ("/setup/{section}/{key}", "/setup/cover/0"),
    ):
        yield route, admin.get(url)
    opened = re.search(r'name="version" value="(\d+)"', admin.get("/setup/people").text)
    assert opened is not None
    program = {"csrf_token": csrf, "program": DEMO_NAME, "version": opened.group(1)}
    yield "POST /setup/people", admin.post("/setup/people", data={**program, "name": "X", "grade": "PGY-9"})
    yield "POST /setup/residents", admin.post("/setup/residents", data={**program, "csv": "name\nX"})
    chief, chief_csrf = web.signed_in("chief")
    yield "/setup/conflicts", chief.get("/setup/conflicts")
    yield "/setup/conflicts/{key}", chief.get("/setup/conflicts/0")
    declare = {**program, "csrf_token": chief_csrf, "reason": "x"}
    yield "POST /setup/conflicts", chief.post("/setup/conflicts", data=declare)


def _or_tour(web: Web) -> Iterator[tuple[str, httpx.Response]]:
    """The OR board with a day imported, a case, the chief's case forms, the day's assignment
    job, a move refused, the CPT table and a refused edit of it, a resident's cases and case log,
    the program's case logs, and the director's access report."""
    chief, csrf = web.signed_in("chief")
    files = {"file": ("day.csv", or_day_csv().encode(), "text/csv")}
    yield "POST /or/import", chief.post("/or/import", data={"csrf_token": csrf}, files=files)
    case = {"id": f"{DAY}/OR 1/07:30", "day": DAY.isoformat()}
    for route, url, params in (
        ("/or", "/or", {"day": DAY.isoformat()}),
        ("/or/case", "/or/case", case),
        ("/or/case/new", "/or/case/new", {"day": DAY.isoformat()}),
        ("/or/case/edit", "/or/case/edit", case),
        ("/caselog/program", "/caselog/program", {}),
        ("/caselog/program/export.csv", "/caselog/program/export.csv", {}),
    ):
        yield route, chief.get(url, params=params)
    queued = chief.post("/or/assign", data={"csrf_token": csrf, "day": DAY.isoformat()})
    yield "/or/jobs/{job_id}", chief.get(queued.headers["location"])  # queued: no worker runs it here
    move = {
        "csrf_token": csrf,
        "day": DAY.isoformat(),
        "case": case["id"],
        "person": "",  # no resident chosen: refused beside the case
        "role": "FA",
    }
    yield "POST /or/move", chief.post("/or/move", data=move)
    yield "/or/cpt", chief.get("/or/cpt")
    refused = {"csrf_token": csrf, "base": "0", "source": "code,description\n"}
    yield "POST /or/cpt", chief.post("/or/cpt", data=refused)
    resident, resident_csrf = web.signed_in("resident")
    yield "/or/mine", resident.get("/or/mine")
    yield "/caselog", resident.get("/caselog")
    yield "POST /caselog", resident.post("/caselog", data={"csrf_token": resident_csrf, "cpt": "99999"})
    director, _ = web.signed_in("director")
    yield "/or/access", director.get("/or/access")


def _rosters_tour(chief: httpx.Client, csrf: str) -> Iterator[tuple[str, httpx.Response]]:
    """The rosters page, a solve queued from it (no worker runs it here), and the comparison."""
    page = chief.get("/rosters")
    yield "/rosters", page
    found = re.search(r'name="program" value="([^"]+)"', page.text)
    assert found is not None
    queued = chief.post(
        "/rosters/solve", data={"csrf_token": csrf, "program": found.group(1), "time_limit": "3"}
    )
    yield "/rosters/jobs/{job_id}", chief.get(queued.headers["location"])
    yield "/rosters/compare", chief.get("/rosters/compare", params={"program": found.group(1), "number": 1})


def _sick_call_tour(web: Web, chief: httpx.Client, csrf: str) -> Iterator[tuple[str, httpx.Response]]:
    """The sick-call form, a refusal of it, the repair job it queued (run here by a runner, as a
    worker would), the repair it made, and the form again with that job's values."""
    yield "/changes/sick-call", chief.get("/changes/sick-call")
    program = demo_program()
    form = {"csrf_token": csrf, "absent": program.people[0].id, "time_limit": "10"}
    day = program.block.start.isoformat()
    yield "POST /changes/sick-call", chief.post("/changes/sick-call", data=form | {"from_day": day})
    queued = chief.post("/changes/sick-call", data=form | {"from_day": day, "to_day": day})
    job = queued.headers["location"]
    yield "/changes/sick-call/jobs/{job_id}", chief.get(job)
    web.run_jobs()
    done = chief.get(job)
    found = re.search(r'href="(/changes/sick-call/\d+)">See the repair', done.text)
    assert found is not None, done.text
    yield "/changes/sick-call/{proposal_id}", chief.get(found.group(1))
    yield "/changes/sick-call", chief.get("/changes/sick-call", params={"job": job.rsplit("/", 1)[1]})


@pytest.fixture
def toured(sqlite_web: Web) -> list[tuple[str, httpx.Response]]:
    return list(_tour(sqlite_web))


def test_the_tour_opens_every_page_route_of_the_app(toured: list[tuple[str, httpx.Response]]) -> None:
    app = create_app(Settings(database_url="sqlite://"))
    pages = {r.path for r in route_rules(app) if r.method == "GET" and not r.path.startswith("/api/")}
    assert pages - NOT_TOURED.keys() == {route for route, _ in toured if not route.startswith("POST ")}


def test_every_page_and_fragment_carries_the_security_headers(
    toured: list[tuple[str, httpx.Response]],
) -> None:
    for route, answer in toured:
        allowed = (404,) if route in NO_YEAR else (200, 303, 422)
        assert answer.status_code in allowed, f"{route}: {answer.status_code}"
        _assert_protected(answer)
        policy = _policy(answer)
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", route
        assert "unsafe" not in answer.headers["content-security-policy"], route


class _InlineCode(HTMLParser):
    """What a strict Content-Security-Policy would block: inline scripts (other than JSON
    data), `on...` handler attributes, `javascript:` URLs, style attributes and elements."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self._in_script = "src" not in named and named.get("type") != "application/json"
        if tag == "style":
            self.found.append("a <style> element")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if (value or "").strip().lower().startswith(("javascript:", "js:")):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"an inline script: {data.strip()[:80]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def test_no_rendered_page_has_inline_code_or_style(toured: list[tuple[str, httpx.Response]]) -> None:
    for route, answer in toured:
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        parser = _InlineCode()
        parser.feed(answer.text)
        assert parser.found == [], f"{route}: {parser.found}"


def test_the_board_refreshes_without_evaluating_code_from_an_attribute(sqlite_web: Web) -> None:
    chief, _ = sqlite_web.signed_in("operator")
    board = re.search(r'<div class="board" id="board"[^>]*>', chief.get("/oncall").text)
    assert board is not None and 'hx-trigger="every 60s"' in board.group(0)


def test_the_pager_stream_carries_the_security_headers(sqlite_web: Web) -> None:
    doctor, _ = sqlite_web.signed_in("resident")
    with doctor.stream("GET", "/inbox/stream") as stream:
        _assert_protected(stream)


def test_api_answers_with_schedules_pages_and_hours_are_not_stored(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    page_id = _sent_page(chief, csrf)
    for url in (
        "/api/v1/session",
        "/api/v1/rosters/current",
        "/api/v1/oncall?post=pit",
        "/api/v1/people",
        f"/api/v1/pages/{page_id}",
        "/api/v1/hours/report",
        "/api/v1/hours/report?format=csv",
        "/api/v1/rosters/99999",
    ):
        answer = chief.get(url)
        assert answer.status_code in (200, 404), f"{url}: {answer.status_code} {answer.text[:200]}"
        _assert_protected(answer)
    refused = sqlite_web.client().get("/api/v1/rosters/current")
    assert refused.status_code == 401
    _assert_protected(refused)


def test_the_calendar_feed_is_not_stored(sqlite_web: Web) -> None:
    resident, csrf = sqlite_web.signed_in("resident")
    link = resident.post("/api/v1/me/calendar", headers={"X-CSRF-Token": csrf}).json()["url"]
    feed = httpx.get(link, timeout=10)
    assert feed.status_code == 200
    _assert_protected(feed)


def test_the_printable_hours_report_may_style_itself_but_run_nothing(sqlite_web: Web) -> None:
    chief, _ = sqlite_web.signed_in("chief")
    report = chief.get("/api/v1/hours/report", params={"format": "html"})
    assert report.status_code == 200
    _assert_protected(report)
    assert _policy(report) == {
        "default-src": "'none'",
        "style-src": "'unsafe-inline'",
        "frame-ancestors": "'none'",
    }


def test_static_files_may_be_cached_and_are_never_sniffed(sqlite_web: Web) -> None:
    script = sqlite_web.client().get("/static/app.js")
    assert script.status_code == 200
    _assert_protected(script, stored=True)
    assert "no-store" not in script.headers.get("cache-control", "")


def test_the_api_explorer_is_kept_out_of_frames(sqlite_web: Web) -> None:
    for url in ("/docs", "/openapi.json"):
        _assert_protected(sqlite_web.client().get(url))


def test_a_resident_s_sign_in_is_protected_too(sqlite_web: Web) -> None:
    account = sign_in_of(sqlite_web.sign_ins, "resident")
    answer = sqlite_web.client().post(
        "/api/v1/session", json={"username": account.username, "password": account.password}
    )
    assert answer.status_code == 201
    _assert_protected(answer)
