"""Sign in and out of the web app; pages need a session."""

from __future__ import annotations

from callroom.accounts.service import MAX_REFUSED
from tests.integration.web.conftest import Web, csrf_of


def test_a_page_without_a_session_sends_the_browser_to_sign_in_and_back(sqlite_web: Web) -> None:
    answer = sqlite_web.client().get("/schedule?week=2")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/schedule%3Fweek%3D2"


def test_a_wrong_password_is_named_next_to_the_password_field(sqlite_web: Web) -> None:
    client = sqlite_web.client()
    token = csrf_of(client.get("/signin").text)
    answer = client.post(
        "/signin", data={"username": "chief", "password": "not-the-password", "csrf_token": token}
    )
    assert answer.status_code == 422
    assert 'id="password-error">wrong username or password<' in answer.text
    assert "callroom_session" not in answer.cookies


def test_empty_fields_are_each_named(sqlite_web: Web) -> None:
    client = sqlite_web.client()
    token = csrf_of(client.get("/signin").text)
    answer = client.post("/signin", data={"username": " ", "password": "", "csrf_token": token})
    assert answer.status_code == 422
    assert 'id="username-error">enter your username<' in answer.text
    assert 'id="password-error">enter your password<' in answer.text


def test_a_sign_in_form_from_elsewhere_is_refused(sqlite_web: Web) -> None:
    client = sqlite_web.client()
    client.get("/signin")
    answer = client.post(
        "/signin", data={"username": "chief", "password": "demo-chief-pass", "csrf_token": "forged"}
    )
    assert answer.status_code == 403
    assert "callroom_session" not in answer.cookies


def test_signing_in_goes_to_the_role_s_first_page_and_signing_out_ends_the_session(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("chief")
    assert client.get("/").headers["location"] == "/schedule"
    nurse, _ = sqlite_web.signed_in("operator")
    assert nurse.get("/").headers["location"] == "/oncall"
    assert client.post("/signout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/schedule").status_code == 303
    assert "your session has ended" not in client.get("/signin").text  # signing out is not an ending


def test_signing_out_needs_the_csrf_token(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("chief")
    assert client.post("/signout", data={"csrf_token": "wrong"}).status_code == 403
    assert client.get("/schedule").status_code == 200


def test_next_never_leaves_the_site(sqlite_web: Web) -> None:
    client = sqlite_web.client()
    page = client.get("/signin?next=//evil.example/x")
    assert 'name="next" value="/"' in page.text


def test_too_many_wrong_passwords_are_named_next_to_the_username_until_the_wait_is_over(
    sqlite_web: Web,
) -> None:
    client = sqlite_web.client()
    for _ in range(MAX_REFUSED):
        token = csrf_of(client.get("/signin").text)
        client.post("/signin", data={"username": "chief", "password": "a wrong guess", "csrf_token": token})
    token = csrf_of(client.get("/signin").text)
    answer = client.post(
        "/signin", data={"username": "chief", "password": "demo-chief-pass", "csrf_token": token}
    )
    assert answer.status_code == 429
    said = "too many wrong passwords for this username: try again in 15 minutes"
    assert f'id="username-error">{said}<' in answer.text
    assert int(answer.headers["retry-after"]) > 0
    assert "callroom_session" not in answer.cookies
