"""Every page for every role: allowed or refused as the one permission table says, and every
page sends a browser without a session to sign in."""

from __future__ import annotations

from callroom.accounts.permissions import ROLE_PERMISSIONS, Permission
from callroom.accounts.roles import Role
from tests.integration.web.conftest import Web, store_small_year

P = Permission
PAGES = {
    "/oncall": {P.ONCALL_READ},
    "/inbox": {P.PAGE_SEND},
    "/schedule": {P.ROSTER_READ},
    "/year": {P.ROSTER_READ},
    "/me": {P.CALENDAR_OWN},
    "/hours": {P.HOURS_READ, P.HOURS_LOG_OWN},
    "/hours/week": {P.HOURS_LOG_OWN},
    "/hours/review": {P.HOURS_REVIEW},
    "/requests": {P.REQUEST_OWN, P.REQUEST_READ},
    "/changes/sick-call": {P.REQUEST_APPROVE},
    "/admin": {P.REFERENCE_EDIT, P.ACCOUNTS_MANAGE},
    "/or": {P.OR_READ},
    "/or/mine": {P.OR_READ},
    "/or/access": {P.PHI_AUDIT},
    "/or/cpt": {P.CPT_EDIT},
    "/caselog": {P.CASELOG_OWN},
    "/caselog/program": {P.CASELOG_READ},
}
# The grid's downloads: the permission of the grid itself.
SCHEDULE_DOWNLOADS = {
    "/schedule/roster.csv": {P.ROSTER_READ},
    "/schedule/roster.ics": {P.ROSTER_READ},
    "/schedule/calendar.ics?person=kwame-mensah": {P.ROSTER_READ},
}
# The year page's downloads, read with a year plan stored (without one they answer 404).
DOWNLOADS = {
    "/year/plan.csv": {P.ROSTER_READ},
    "/year/calendar.ics?person=ann": {P.ROSTER_READ},
}


def _answers(web: Web, pages: dict[str, set[Permission]]) -> tuple[dict[tuple[str, str], int], ...]:
    """Each role's answer to each page, and the answer the permission table expects."""
    found: dict[tuple[str, str], int] = {}
    expected: dict[tuple[str, str], int] = {}
    for account in web.sign_ins:
        if account.username == "colleague":
            continue
        client, _ = web.signed_in(account.username)
        for path, needs in pages.items():
            found[(account.role.value, path)] = client.get(path).status_code
            expected[(account.role.value, path)] = 200 if needs & ROLE_PERMISSIONS[account.role] else 403
    assert {role for role, _ in found} == {r.value for r in Role}
    return found, expected


def test_every_page_for_every_role_is_allowed_or_refused_by_the_permission_table(sqlite_web: Web) -> None:
    found, expected = _answers(sqlite_web, PAGES)
    assert found == expected


def test_the_schedule_downloads_are_allowed_or_refused_as_the_grid_is(sqlite_web: Web) -> None:
    found, expected = _answers(sqlite_web, SCHEDULE_DOWNLOADS)
    assert found == expected


def test_the_year_downloads_are_allowed_or_refused_as_the_year_page_is(sqlite_web: Web) -> None:
    store_small_year(sqlite_web)
    found, expected = _answers(sqlite_web, DOWNLOADS)
    assert found == expected


def test_every_page_sends_a_browser_without_a_session_to_sign_in(sqlite_web: Web) -> None:
    browser = sqlite_web.client()
    for path in [
        *PAGES,
        "/inbox/pages/1",
        "/changes/sick-call/1",
        "/changes/sick-call/jobs/1",
        "/inbox/stream",
        "/schedule/cell",
        "/inbox/item/1",
        "/year/plan.csv",
        "/schedule/roster.csv",
        "/schedule/roster.ics",
        "/schedule/calendar.ics",
    ]:
        answer = browser.get(path)
        assert (answer.status_code, answer.headers.get("location")) == (303, f"/signin?next={path}")
    for path in [
        "/schedule/cell",
        "/oncall/page",
        "/inbox/pages/1/ack",
        "/me/calendar",
        "/requests/swap",
        "/admin/accounts",
        "/hours/week/confirm",
        "/hours/week/periods/1/correct",
        "/hours/review/1",
        "/changes/sick-call",
        "/changes/sick-call/1/approve",
        "/changes/sick-call/jobs/1/cancel",
    ]:
        assert browser.post(path, data={"csrf_token": "x"}).status_code == 303, path


def test_an_htmx_request_without_a_session_is_told_where_to_sign_in(sqlite_web: Web) -> None:
    answer = sqlite_web.client().get("/schedule/cell", headers={"HX-Request": "true"})
    assert answer.status_code == 401 and answer.headers["HX-Redirect"].startswith("/signin?next=")
