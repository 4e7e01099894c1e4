"""Admin: the program's reference data, and accounts created and changed with field messages."""

from __future__ import annotations

import re

from tests.integration.web.conftest import Web, csrf_of
from tests.web_demo import demo_program


def test_the_admin_page_shows_the_program_s_reference_data(sqlite_web: Web) -> None:
    admin, _ = sqlite_web.signed_in("admin")
    page = admin.get("/admin")
    assert page.status_code == 200
    program = demo_program()
    for thing in (*(p.name for p in program.people), *(p.name for p in program.posts),
                  *(s.name for s in program.shift_types), *program.paging.policies):
        assert thing in page.text
    listed = re.findall(r'<tr id="account-\d+"><td>([^<]+)</td>', page.text)
    assert sorted(listed) == sorted(a.username for a in sqlite_web.sign_ins)


def test_an_admin_creates_an_account_that_can_sign_in(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    resident = next(p for p in demo_program().people if p.grade.label == "PGY-3")
    made = admin.post("/admin/accounts", data={"csrf_token": csrf, "username": "new-resident",
                                               "display_name": resident.name, "role": "resident",
                                               "person_id": resident.id, "password": "a-long-password"})
    assert made.status_code == 303
    browser = sqlite_web.client()
    token = csrf_of(browser.get("/signin").text)
    signed = browser.post("/signin", data={"username": "new-resident", "password": "a-long-password",
                                           "csrf_token": token})
    assert signed.status_code == 303


def test_a_bad_new_account_is_named_field_by_field(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    answer = admin.post("/admin/accounts", data={"csrf_token": csrf, "username": "x", "display_name": "",
                                                 "role": "king", "person_id": "", "password": "short"})
    assert answer.status_code == 422
    assert 'id="role-error">choose a role' in answer.text
    assert 'id="display_name-error">enter the name' in answer.text
    taken = admin.post("/admin/accounts", data={"csrf_token": csrf, "username": "chief", "display_name": "X",
                                                "role": "resident", "person_id": "nobody", "password": ""})
    assert 'id="person_id-error">no person' in taken.text
    dup = admin.post("/admin/accounts", data={"csrf_token": csrf, "username": "chief", "display_name": "X",
                                              "role": "resident", "person_id": "", "password": ""})
    assert 'id="username-error">there is already an account' in dup.text


def test_deactivating_an_account_ends_its_sessions(sqlite_web: Web) -> None:
    nurse, _ = sqlite_web.signed_in("operator")
    admin, csrf = sqlite_web.signed_in("admin")
    page = admin.get("/admin").text
    account_id = re.search(r'<tr id="account-(\d+)"><td>operator</td>', page).group(1)  # type: ignore[union-attr]
    changed = admin.post(f"/admin/accounts/{account_id}", data={"csrf_token": csrf, "role": "operator",
                                                               "active": "0"})
    assert changed.status_code == 303
    assert nurse.get("/oncall").status_code == 303  # back to sign in


def test_only_admins_open_the_admin_pages(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    assert chief.get("/admin").status_code == 403
    assert chief.post("/admin/accounts", data={"csrf_token": csrf, "username": "z"}).status_code == 403
