"""Admin: the program's reference data, and accounts created and changed with field messages."""

from __future__ import annotations

import html
import re

import pytest

from callroom.accounts.service import AccountService
from callroom.demo import demo_program_path
from callroom.errors import Unauthenticated
from callroom.formats.program_reasons import hide_reasons
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.storage import RosterRepository
from tests.integration.web.conftest import Web, csrf_of
from tests.principals import ADMIN, CHIEF
from tests.web_demo import DEMO_NAME, demo_program, sign_in_of


def test_the_admin_page_shows_the_program_s_reference_data(sqlite_web: Web) -> None:
    admin, _ = sqlite_web.signed_in("admin")
    page = admin.get("/admin")
    assert page.status_code == 200
    program = demo_program()
    for thing in (
        *(p.name for p in program.people),
        *(p.name for p in program.posts),
        *(s.name for s in program.shift_types),
        *program.paging.policies,
    ):
        assert thing in page.text
    listed = re.findall(r'<tr id="account-\d+"[^>]*><td>([^<]+)</td>', page.text)
    assert sorted(listed) == sorted(a.username for a in sqlite_web.sign_ins)


def test_the_admin_tables_name_roles_people_posts_and_shifts_instead_of_their_ids(sqlite_web: Web) -> None:
    admin, _ = sqlite_web.signed_in("admin")
    page = admin.get("/admin").text
    program = demo_program()
    director = sign_in_of(sqlite_web.sign_ins, "director")
    row = re.search(r'<tr id="account-\d+"[^>]*><td>director</td>.*?</td></tr>', page, re.S)
    assert row is not None
    cells = re.findall(r'<td data-label="(?:Role|Person)">([^<]*)</td>', row.group(0))
    assert cells == ["program director", program.person[director.person_id or ""].name]
    people = re.search(r'<h2 id="people">.*?</table>', page, re.S)
    assert people is not None
    someone = next(p for p in program.people if p.post_ids)
    posts = ", ".join(program.post[post_id].name for post_id in someone.post_ids)
    assert f"<td>{html.escape(posts)}</td>" in people.group(0)
    services = re.search(r'<h2 id="services">.*?</table>', page, re.S)
    assert services is not None
    post = program.posts[0]
    shifts = ", ".join(program.shift[shift_id].name for shift_id in post.shift_ids)
    assert f"<td>{html.escape(shifts)}</td>" in services.group(0)
    policies = re.search(r'<h2 id="policies">.*?</table>', page, re.S)
    assert (
        policies is not None and "post:" not in policies.group(0) and ">operators<" not in policies.group(0)
    )
    assert all(f"<td>{key}</td>" not in policies.group(0) for key in program.paging.policies)


def test_an_admin_creates_an_account_that_can_sign_in(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    resident = next(p for p in demo_program().people if p.grade.label == "PGY-3")
    made = admin.post(
        "/admin/accounts",
        data={
            "csrf_token": csrf,
            "username": "new-resident",
            "display_name": resident.name,
            "role": "resident",
            "person_id": resident.id,
            "password": "a-long-password",
        },
    )
    assert made.status_code == 303
    browser = sqlite_web.client()
    token = csrf_of(browser.get("/signin").text)
    signed = browser.post(
        "/signin", data={"username": "new-resident", "password": "a-long-password", "csrf_token": token}
    )
    assert signed.status_code == 303


def test_a_bad_new_account_is_named_field_by_field(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    answer = admin.post(
        "/admin/accounts",
        data={
            "csrf_token": csrf,
            "username": "x",
            "display_name": "",
            "role": "king",
            "person_id": "",
            "password": "short",
        },
    )
    assert answer.status_code == 422
    assert 'id="role-error">choose a role' in answer.text
    assert 'id="display_name-error">enter the name' in answer.text
    taken = admin.post(
        "/admin/accounts",
        data={
            "csrf_token": csrf,
            "username": "chief",
            "display_name": "X",
            "role": "resident",
            "person_id": "nobody",
            "password": "",
        },
    )
    assert 'id="person_id-error">no person' in taken.text
    dup = admin.post(
        "/admin/accounts",
        data={
            "csrf_token": csrf,
            "username": "chief",
            "display_name": "X",
            "role": "resident",
            "person_id": "",
            "password": "",
        },
    )
    assert 'id="username-error">there is already an account' in dup.text


def _account_id(page: str, username: str) -> str:
    found = re.search(rf'<tr id="account-(\d+)"[^>]*><td>{username}</td>', page)
    assert found is not None, f"no row for {username}"
    return found.group(1)


def _row(page: str, account_id: str) -> str:
    found = re.search(rf'<tr id="account-{account_id}".*?</tr>', page, re.S)
    assert found is not None
    return found.group(0)


def _account(web: Web, username: str) -> tuple[str, bool]:
    found = AccountService(web.database).by_username(ADMIN, username)
    return found.role, found.active


def test_deactivating_an_account_ends_its_sessions_and_keeps_its_role(sqlite_web: Web) -> None:
    nurse, _ = sqlite_web.signed_in("operator")
    admin, csrf = sqlite_web.signed_in("admin")
    account_id = _account_id(admin.get("/admin").text, "operator")
    changed = admin.post(f"/admin/accounts/{account_id}/active", data={"csrf_token": csrf, "active": "0"})
    assert changed.status_code == 303
    assert "operator is deactivated" in admin.get(changed.headers["location"]).text
    assert nurse.get("/oncall").status_code == 303  # back to sign in
    assert "your session has ended" in nurse.get("/signin?next=/oncall").text
    assert _account(sqlite_web, "operator") == ("operator", False)
    reactivated = admin.post(f"/admin/accounts/{account_id}/active", data={"csrf_token": csrf, "active": "1"})
    assert reactivated.status_code == 303 and _account(sqlite_web, "operator") == ("operator", True)


def test_a_role_change_changes_the_role_and_nothing_else(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    page = admin.get("/admin").text
    account_id = _account_id(page, "attending")
    row = _row(page, account_id)
    assert "Change role" in row and "Deactivate" in row and "Save role" not in row
    assert 'data-confirm="Deactivate attending?' in row  # the browser asks before deactivating
    changed = admin.post(f"/admin/accounts/{account_id}/role", data={"csrf_token": csrf, "role": "chief"})
    assert changed.status_code == 303
    assert _account(sqlite_web, "attending") == ("chief", True)


def test_the_only_admin_cannot_demote_or_deactivate_themselves(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    account_id = _account_id(admin.get("/admin").text, "admin")
    for action, value in (("role", {"role": "chief"}), ("active", {"active": "0"})):
        refused = admin.post(f"/admin/accounts/{account_id}/{action}", data={"csrf_token": csrf, **value})
        assert refused.status_code == 409
        assert re.search(rf'id="account-{account_id}-error">admin is the only active admin', refused.text)
    assert _account(sqlite_web, "admin") == ("admin", True)
    assert admin.get("/admin").status_code == 200  # still signed in, still an admin


def test_an_admin_resets_a_password_the_old_one_stops_and_sessions_end(sqlite_web: Web) -> None:
    doctor, _ = sqlite_web.signed_in("resident")
    admin, csrf = sqlite_web.signed_in("admin")
    account_id = _account_id(admin.get("/admin").text, "resident")
    reset_form = f"/admin/accounts/{account_id}/password"
    short = admin.post(reset_form, data={"csrf_token": csrf, "password": "short"})
    assert short.status_code == 422
    opened = rf'<details class="reset-password" open>.*?id="password-{account_id}-error">'
    assert re.search(opened, short.text, re.S)
    reset = admin.post(reset_form, data={"csrf_token": csrf, "password": "a temporary password"})
    assert reset.status_code == 303
    assert "resident has a new password" in admin.get(reset.headers["location"]).text
    assert doctor.get("/me").status_code == 303  # signed out
    service = AccountService(sqlite_web.database)
    assert service.sign_in("resident", "a temporary password").principal.user == "resident"
    with pytest.raises(Unauthenticated):
        service.sign_in("resident", sign_in_of(sqlite_web.sign_ins, "resident").password)


def test_only_admins_change_accounts(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    for action, value in (("role", "admin"), ("active", "0"), ("password", "a temporary password")):
        field = "password" if action == "password" else action
        assert (
            chief.post(f"/admin/accounts/1/{action}", data={"csrf_token": csrf, field: value}).status_code
            == 403
        )


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
    assert source == hide_reasons(demo_program_path().read_text(encoding="utf-8"))
    assert not any(c.reason in page for c in demo_program().conflicts)
    renamed = source.replace("name: Free clinic,", "name: Free clinic (Tuesdays),", 1)
    assert renamed != source
    saved = admin.post(
        "/admin/program", data={"csrf_token": csrf, "source": renamed, "reason": "clinic days"}
    )
    assert saved.status_code == 303, saved.text
    assert "Free clinic (Tuesdays)" in admin.get("/admin").text
    with sqlite_web.database.reading() as session:
        newest = RosterRepository(session).latest(DEMO_NAME)
    assert newest is not None and newest.number == 2 and newest.report["program_change"]["by"] == "admin"
    kept = RosterService(sqlite_web.database, LiveSchedules()).conflicts(CHIEF)
    assert kept == demo_program().conflicts  # the reasons behind the placeholders are kept


def test_a_program_file_as_big_as_a_year_of_a_department_is_saved(sqlite_web: Web) -> None:
    """A year's file is a few hundred kilobytes: far over what any other form may send."""
    admin, csrf = sqlite_web.signed_in("admin")
    found = re.search(r'<textarea id="source"[^>]*>(.*?)</textarea>', admin.get("/admin").text, re.S)
    assert found is not None
    notes = "".join(f"# note {n}: {'x' * 90}\n" for n in range(2000))
    big = html.unescape(found.group(1)) + notes
    assert len(big.encode()) > 150_000

    saved = admin.post("/admin/program", data={"csrf_token": csrf, "source": big, "reason": "year notes"})

    assert saved.status_code == 303, saved.text[:300]


def test_a_broken_program_file_is_refused_line_by_line_and_nothing_changes(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    broken = demo_program_path().read_text(encoding="utf-8").replace("duration: 12h", "duration: -3h", 1)
    answer = admin.post("/admin/program", data={"csrf_token": csrf, "source": broken, "reason": "oops"})
    assert answer.status_code == 422
    assert 'id="source-issues"' in answer.text and "line " in answer.text
    # The problems are said once, above the editor (the form lands there), each line a link
    issues, editor = answer.text.index('id="source-issues"'), answer.text.index('<textarea id="source"')
    assert issues < editor
    message = re.search(r'data-line="(\d+)">line \1</a>: ([^<]+)<', answer.text)
    assert message is not None
    assert answer.text.count(message.group(2)) == 1
    assert 'action="/admin/program#source-issues"' in answer.text
    missing = admin.post("/admin/program", data={"csrf_token": csrf, "source": broken, "reason": ""})
    assert 'id="reason-error">say why' in missing.text
    with sqlite_web.database.reading() as session:
        assert [v.number for v in RosterRepository(session).list_versions(DEMO_NAME)] == [1]
