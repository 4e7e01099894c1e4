"""Admin: the program's reference data, and accounts created and changed with field messages."""

from __future__ import annotations

import html
import re

from callroom.demo import demo_program_path
from callroom.storage import RosterRepository
from tests.integration.web.conftest import Web, csrf_of
from tests.web_demo import DEMO_NAME, demo_program


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
    assert "your session has ended" in nurse.get("/signin?next=/oncall").text


def test_only_admins_open_the_admin_pages(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    assert chief.get("/admin").status_code == 403
    assert chief.post("/admin/accounts", data={"csrf_token": csrf, "username": "z"}).status_code == 403


def test_an_admin_replaces_the_program_file_and_the_roster_moves_to_it(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    page = admin.get("/admin").text
    found = re.search(r'<textarea id="source"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None
    source = html.unescape(found.group(1))
    assert source == demo_program_path().read_text(encoding="utf-8")
    renamed = source.replace("name: Free clinic,", "name: Free clinic (Tuesdays),", 1)
    assert renamed != source
    saved = admin.post("/admin/program", data={"csrf_token": csrf, "source": renamed,
                                               "reason": "clinic days"})
    assert saved.status_code == 303, saved.text
    assert "Free clinic (Tuesdays)" in admin.get("/admin").text
    with sqlite_web.database.reading() as session:
        newest = RosterRepository(session).latest(DEMO_NAME)
    assert newest is not None and newest.number == 2 and newest.report["program_change"]["by"] == "admin"


def test_a_broken_program_file_is_refused_line_by_line_and_nothing_changes(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    broken = demo_program_path().read_text(encoding="utf-8").replace("duration: 12h", "duration: -3h", 1)
    answer = admin.post("/admin/program", data={"csrf_token": csrf, "source": broken, "reason": "oops"})
    assert answer.status_code == 422
    assert 'id="source-issues"' in answer.text and "line " in answer.text
    missing = admin.post("/admin/program", data={"csrf_token": csrf, "source": broken, "reason": ""})
    assert 'id="reason-error">say why' in missing.text
    with sqlite_web.database.reading() as session:
        assert [v.number for v in RosterRepository(session).list_versions(DEMO_NAME)] == [1]
