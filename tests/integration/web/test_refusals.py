"""The pages refuse in words, on the page: an address no page can use, a refusal about a request
that is no longer listed, and a program file's problems said once each."""

from __future__ import annotations

import html

from callroom.demo import demo_program_path
from tests.integration.web.conftest import Web


def test_an_id_no_row_can_have_is_refused_with_a_page_not_json(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    answer = client.get("/inbox/pages/99999999999999999999")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.text.startswith("<!doctype html>") and "page_id: Input should be less than" in answer.text


def test_an_id_no_row_can_have_is_still_json_under_the_api(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("resident")
    answer = client.get("/api/v1/pages/99999999999999999999")
    assert answer.status_code == 422 and answer.json()["field"] == "path.page_id"


def test_an_address_the_app_does_not_have_is_a_page_and_under_the_api_the_api_s_json(sqlite_web: Web) -> None:
    chief, _ = sqlite_web.signed_in("chief")
    page = chief.get("/no-such-page")
    api = chief.get("/api/v1/no-such-thing")

    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no such page." in page.text and '"detail"' not in page.text
    assert api.status_code == 404 and api.json() == {
        "error": "there is no such page",
        "field": "path",
        "errors": [],
    }


def test_a_refusal_about_a_request_not_listed_is_said_at_the_top(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("resident")
    answer = client.post("/requests/4242/accept", data={"csrf_token": csrf})
    assert answer.status_code == 404
    assert "Request #4242: no proposal 4242" in html.unescape(answer.text)


def test_each_problem_of_a_program_file_is_said_once(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    broken = demo_program_path().read_text(encoding="utf-8").replace("duration: 12h", "duration: -3h", 1)
    answer = admin.post("/admin/program", data={"csrf_token": csrf, "source": broken, "reason": "oops"})
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    assert "Nothing was saved: a problem in the file" in text
    problem = text.split('id="source-issues"')[1].split("<li>")[1].split("</li>")[0]
    message = problem.split(": ", 1)[1].rsplit(" (", 1)[0]
    assert text.count(message) == 1
