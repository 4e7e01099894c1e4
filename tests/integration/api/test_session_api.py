"""Signing in over real HTTP on SQLite and PostgreSQL: the cookie's flags, CSRF on unsafe
methods, the idle timeout on a moved clock, signing out, self-service API tokens, and account
administration with its refusals as JSON naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine

from callroom.accounts.roles import Role
from callroom.accounts.service import MAX_REFUSED, REFUSED_WINDOW
from callroom.config import ApiToken
from tests.integration.api.accounts_fixtures import PASSWORD, RoleApi
from tests.integration.api.accounts_fixtures import role_api as role_api  # the fixture


def sign_in(api: RoleApi, http: httpx.Client, password: str = PASSWORD) -> httpx.Response:
    return http.post("/api/v1/session", json={"username": "ada.okafor", "password": password})


def test_signing_in_sets_an_httponly_samesite_cookie_and_gives_the_csrf_token(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http:
        response = sign_in(role_api, http)
        me = http.get("/api/v1/session").json()

    assert response.status_code == 201
    cookie = response.headers["set-cookie"].lower()
    assert "callroom_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http here; see the https test
    assert (me["user"], me["role"], me["person_id"], me["via"]) == (
        "ada.okafor",
        "resident",
        "ada",
        "session",
    )
    assert me["csrf_token"] == response.json()["csrf_token"]
    assert "roster:edit" not in me["permissions"] and "request:own" in me["permissions"]


def test_a_wrong_password_is_a_401_naming_the_field(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http:
        response = sign_in(role_api, http, "not the password")

    assert response.status_code == 401
    assert response.json() == {"error": "wrong username or password", "field": "password", "errors": []}
    assert "set-cookie" not in response.headers


def test_an_unsafe_request_on_the_cookie_needs_the_csrf_token(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http:
        csrf = sign_in(role_api, http).json()["csrf_token"]
        refused = http.post("/api/v1/me/calendar")
        wrong = http.post("/api/v1/me/calendar", headers={"X-CSRF-Token": "0" * 64})
        by_header = http.post("/api/v1/me/calendar", headers={"X-CSRF-Token": csrf})
        by_form = http.post("/api/v1/me/calendar", data={"csrf_token": csrf})

    assert (refused.status_code, refused.json()["field"]) == (403, "csrf_token")
    assert (wrong.status_code, wrong.json()["field"]) == (403, "csrf_token")
    assert (by_header.status_code, by_form.status_code) == (201, 201)


def test_a_bearer_request_needs_no_csrf_token(role_api: RoleApi) -> None:
    with role_api.as_role(Role.RESIDENT) as http:
        assert http.post("/api/v1/me/calendar").status_code == 201


def test_a_session_ends_after_the_idle_timeout(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http:
        sign_in(role_api, http)
        assert http.get("/api/v1/session").status_code == 200
        with time_machine.travel(datetime.now(UTC) + timedelta(minutes=1, seconds=5)):
            ended = http.get("/api/v1/session")

    assert (ended.status_code, ended.json()["field"]) == (401, "session")


def test_signing_out_ends_the_session_for_good(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http:
        csrf = sign_in(role_api, http).json()["csrf_token"]
        cookie = http.cookies["callroom_session"]
        out = http.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    with httpx.Client(base_url=role_api.url, cookies={"callroom_session": cookie}) as replay:
        again = replay.get("/api/v1/session")

    assert out.status_code == 204
    assert (again.status_code, again.json()["field"]) == (401, "session")


def test_a_self_made_api_token_acts_as_its_account_until_revoked(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http:
        csrf = sign_in(role_api, http).json()["csrf_token"]
        made = http.post(
            "/api/v1/me/tokens", json={"name": "ward board"}, headers={"X-CSRF-Token": csrf}
        ).json()
        with httpx.Client(base_url=role_api.url, headers={"Authorization": f"Bearer {made['token']}"}) as bot:
            me = bot.get("/api/v1/session").json()
            http.delete(f"/api/v1/me/tokens/{made['id']}", headers={"X-CSRF-Token": csrf})
            after = bot.get("/api/v1/session")

    assert made["token"].startswith("cr_")
    assert (me["user"], me["via"], me["csrf_token"]) == ("ada.okafor", "token", None)
    assert after.status_code == 401


def test_an_admin_creates_an_account_that_then_signs_in(role_api: RoleApi) -> None:
    with role_api.as_role(Role.ADMIN) as admin:
        made = admin.post(
            "/api/v1/accounts",
            json={
                "username": "ben.b",
                "display_name": "Ben B",
                "role": "resident",
                "person_id": "eve",
                "password": "ben's long password",
            },
        )
        taken = admin.post(
            "/api/v1/accounts", json={"username": "ben.b", "display_name": "Ben again", "role": "resident"}
        )
    with httpx.Client(base_url=role_api.url) as http:
        signed = http.post("/api/v1/session", json={"username": "ben.b", "password": "ben's long password"})

    assert made.status_code == 201 and made.json()["role"] == "resident"
    assert (taken.status_code, taken.json()["field"]) == (409, "username")
    assert signed.json()["person_id"] == "eve"


def test_a_deactivated_account_is_signed_out_everywhere(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http, role_api.as_role(Role.ADMIN) as admin:
        sign_in(role_api, http)
        ada = next(a for a in admin.get("/api/v1/accounts").json() if a["username"] == "ada.okafor")
        changed = admin.patch(f"/api/v1/accounts/{ada['id']}", json={"active": False})
        after = http.get("/api/v1/session")
        events = admin.get(f"/api/v1/accounts/{ada['id']}/events").json()

    assert changed.json()["active"] is False
    assert after.status_code == 401
    assert [e["kind"] for e in events] == ["account_created", "signed_in", "account_changed"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "Bad Name", "display_name": "x", "role": "resident"}, "username"),
        ({"username": "ok", "display_name": "", "role": "resident"}, "display_name"),
        ({"username": "ok", "display_name": "x", "role": "surgeon"}, "role"),
        ({"username": "ok", "display_name": "x", "role": "resident", "password": "short"}, "password"),
        ({"username": "ok", "display_name": "x"}, "role"),
    ],
)
def test_a_bad_account_is_a_422_naming_the_field(role_api: RoleApi, body: dict[str, str], field: str) -> None:
    with role_api.as_role(Role.ADMIN) as admin:
        response = admin.post("/api/v1/accounts", json=body)

    assert (response.status_code, response.json()["field"]) == (422, field)
    assert response.json()["errors"] or field == "password"


def test_behind_a_tls_proxy_the_cookie_is_secure(role_api: RoleApi) -> None:
    # uvicorn trusts X-Forwarded-Proto from the loopback proxy, so the request is https to the app.
    with httpx.Client(base_url=role_api.url, headers={"X-Forwarded-Proto": "https"}) as http:
        response = sign_in(role_api, http)

    assert "secure" in response.headers["set-cookie"].lower()


def test_old_clinician_tokens_are_attendings() -> None:
    token = ApiToken(token="x" * 16, user="nurse-4", role="clinician")

    assert token.role is Role.ATTENDING


def test_an_empty_change_to_an_account_is_a_422(role_api: RoleApi) -> None:
    with role_api.as_role(Role.ADMIN) as admin:
        response = admin.patch("/api/v1/accounts/1", json={})

    assert (response.status_code, response.json()["field"]) == (422, "body")


def test_too_many_wrong_passwords_are_a_429_saying_when_to_try_again(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http:
        wrong = [sign_in(role_api, http, "a wrong guess").status_code for _ in range(MAX_REFUSED)]
        throttled = sign_in(role_api, http)

    assert wrong == [401] * MAX_REFUSED
    assert throttled.status_code == 429
    assert throttled.json() == {
        "field": "username",
        "errors": [],
        "error": ("too many wrong passwords for this username: try again in 15 minutes"),
    }
    assert 0 < int(throttled.headers["retry-after"]) <= REFUSED_WINDOW.total_seconds()
    assert "set-cookie" not in throttled.headers


@pytest.mark.parametrize(("change", "field"), [({"role": "chief"}, "role"), ({"active": False}, "active")])
def test_the_only_admin_demoting_or_deactivating_themselves_is_a_409(
    role_api: RoleApi, change: dict[str, object], field: str
) -> None:
    with role_api.as_role(Role.ADMIN) as admin:
        me = next(a for a in admin.get("/api/v1/accounts").json() if a["role"] == "admin")
        refused = admin.patch(f"/api/v1/accounts/{me['id']}", json=change)
        still = admin.get(f"/api/v1/accounts/{me['id']}")

    assert (refused.status_code, refused.json()["field"]) == (409, field)
    assert "only active admin" in refused.json()["error"]
    assert (still.json()["role"], still.json()["active"]) == ("admin", True)


def test_an_admin_resets_a_password_and_the_account_s_sessions_end(role_api: RoleApi) -> None:
    with httpx.Client(base_url=role_api.url) as http, role_api.as_role(Role.ADMIN) as admin:
        sign_in(role_api, http)
        ada = next(a for a in admin.get("/api/v1/accounts").json() if a["username"] == "ada.okafor")
        reset = admin.put(f"/api/v1/accounts/{ada['id']}/password", json={"password": "a temporary one"})
        after = http.get("/api/v1/session")

    assert reset.status_code == 204 and after.status_code == 401
