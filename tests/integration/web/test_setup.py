"""Set-up: the program kept with forms, each saved through the program file's one path, and a
residents list imported all or nothing."""

from __future__ import annotations

import html
import re

import httpx

from callroom.rosters.live import LiveSchedules
from callroom.storage import ProgramRepository
from tests.factories import NEW_PROGRAM_FORM
from tests.integration.web.conftest import Web, store_small_year
from tests.web_demo import DEMO_NAME


def _versions(web: Web) -> int:
    with web.database.reading() as session:
        found = ProgramRepository(session).latest(DEMO_NAME)
    assert found is not None
    return found.number


def _program(web: Web):  # type: ignore[no-untyped-def]
    with web.database.reading() as session:
        found = ProgramRepository(session).latest(DEMO_NAME)
    assert found is not None
    return LiveSchedules().parsed(found)


def _post(web: Web, client: httpx.Client, path: str, csrf: str, **data: str) -> httpx.Response:
    """A set-up form sent as if opened just now: from the newest version."""
    form = {"csrf_token": csrf, "program": DEMO_NAME, "version": str(_versions(web)), **data}
    return client.post(path, data=form)


def test_an_admin_adds_changes_and_removes_a_person(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    assert "Set-up" in admin.get("/setup").text
    added = _post(
        sqlite_web,
        admin,
        "/setup/people",
        csrf,
        name="Ada Lovelace",
        grade="PGY-2",
        email="ada@example.org",
        posts="",
        max_weekends="2",
    )
    assert added.status_code == 303, added.text
    ada = _program(sqlite_web).person["ada-lovelace"]
    assert ada.name == "Ada Lovelace"
    assert ada.limits.max_weekends == 2
    page = admin.get(added.headers["location"]).text
    assert "Added person Ada Lovelace." in page
    key = "ada-lovelace"  # a person is named by their id, not by their place in the list
    changed = _post(
        sqlite_web,
        admin,
        f"/setup/people/{key}",
        csrf,
        name="Ada King",
        grade="PGY-3",
        email="ada@example.org",
        max_weekends="3",
    )
    assert changed.status_code == 303, changed.text
    ada = _program(sqlite_web).person["ada-lovelace"]
    assert (ada.name, ada.grade.label, ada.limits.max_weekends) == ("Ada King", "PGY-3", 3)
    removed = _post(sqlite_web, admin, f"/setup/people/{key}/remove", csrf)
    assert removed.status_code == 303
    assert "ada-lovelace" not in _program(sqlite_web).person


def test_a_bad_grade_is_named_beside_its_field_with_the_values_kept_and_nothing_saved(
    sqlite_web: Web,
) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    before = _versions(sqlite_web)
    answer = _post(
        sqlite_web,
        admin,
        "/setup/people",
        csrf,
        name="Grace Hopper",
        grade="PGY-9",
        email="grace@example.org",
        max_weekends="2",
    )
    assert answer.status_code == 422
    assert 'id="grade-error"' in answer.text
    assert 'value="Grace Hopper"' in answer.text
    assert 'value="grace@example.org"' in answer.text
    assert _versions(sqlite_web) == before


def test_a_bad_email_and_a_bad_limit_are_named_beside_their_fields(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    before = _versions(sqlite_web)
    answer = _post(
        sqlite_web, admin, "/setup/people", csrf, name="Grace Hopper", grade="PGY-2", email="grace-at-home"
    )
    assert answer.status_code == 422
    assert 'id="email-error"' in answer.text
    limit = _post(
        sqlite_web, admin, "/setup/people", csrf, name="Grace Hopper", grade="PGY-2", max_weekends="-1"
    )
    assert limit.status_code == 422
    assert 'id="max_weekends-error"' in limit.text
    assert _versions(sqlite_web) == before


def test_a_shift_type_is_added_changed_and_removed(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    added = _post(
        sqlite_web,
        admin,
        "/setup/shifts",
        csrf,
        name="Late clinic",
        start="13:00",
        duration="4h",
        kind="clinic",
    )
    assert added.status_code == 303, added.text
    assert _program(sqlite_web).shift["late-clinic"].duration_minutes == 240
    key = "late-clinic"
    bad = _post(
        sqlite_web,
        admin,
        f"/setup/shifts/{key}",
        csrf,
        name="Late clinic",
        start="25:00",
        duration="4h",
        kind="clinic",
    )
    assert bad.status_code == 422
    assert 'id="start-error"' in bad.text and 'value="25:00"' in bad.text
    changed = _post(
        sqlite_web,
        admin,
        f"/setup/shifts/{key}",
        csrf,
        name="Late clinic",
        start="14:00",
        duration="3h",
        kind="clinic",
    )
    assert changed.status_code == 303, changed.text
    assert _program(sqlite_web).shift["late-clinic"].duration_minutes == 180
    assert _post(sqlite_web, admin, f"/setup/shifts/{key}/remove", csrf).status_code == 303
    assert "late-clinic" not in _program(sqlite_web).shift


def test_a_post_and_its_cover_are_added_and_a_cover_for_an_unknown_shift_is_refused(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    program = _program(sqlite_web)
    service, shift = program.services[0].id, program.shift_types[0].id
    post = _post(
        sqlite_web,
        admin,
        "/setup/posts",
        csrf,
        service=service,
        name="Extra ward",
        shifts=shift,
        grades="PGY-1+",
        new_patients="1",
    )
    assert post.status_code == 303, post.text
    assert "extra-ward" in _program(sqlite_web).post
    before = _versions(sqlite_web)
    bad = _post(
        sqlite_web,
        admin,
        "/setup/cover",
        csrf,
        post="extra-ward",
        shift="no-such-shift",
        days="daily",
        grades="any",
        min="1",
    )
    assert bad.status_code == 422
    assert 'id="shift-error"' in bad.text and 'value="no-such-shift"' in bad.text
    assert _versions(sqlite_web) == before
    good = _post(
        sqlite_web,
        admin,
        "/setup/cover",
        csrf,
        post="extra-ward",
        shift=shift,
        days="weekdays",
        grades="any",
        min="0",
        target="1",
    )
    assert good.status_code == 303, good.text
    assert any(d.post_id == "extra-ward" for d in _program(sqlite_web).demands)
    key = "extra-ward"
    before = _versions(sqlite_web)
    kept = _post(sqlite_web, admin, f"/setup/posts/{key}/remove", csrf)
    assert kept.status_code == 422
    assert 'id="form-errors"' in kept.text and "extra-ward" in html.unescape(kept.text)
    assert _versions(sqlite_web) == before


def test_leave_and_a_request_are_added_to_a_person(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    program = _program(sqlite_web)
    person, day = program.people[0], program.block.start
    leave = _post(
        sqlite_web,
        admin,
        "/setup/leave",
        csrf,
        person=person.id,
        **{"from": str(day), "to": str(day)},
        kind="conference",
    )
    assert leave.status_code == 303, leave.text
    assert any(item.kind == "conference" for item in _program(sqlite_web).person[person.id].leave)
    bad = _post(
        sqlite_web, admin, "/setup/requests", csrf, person="nobody", date=str(day), wish="off", weight="1"
    )
    assert bad.status_code == 422 and 'id="person-error"' in bad.text
    asked = _post(
        sqlite_web, admin, "/setup/requests", csrf, person=person.id, date=str(day), wish="off", weight="2"
    )
    assert asked.status_code == 303, asked.text


def test_a_residents_list_imports_everyone(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    listed = (
        "grade , start date, name,email\n"
        "PGY-1, , Nia Brook, nia@example.org\n"
        " pgy2,2000-01-01,Omar Vale, omar@example.org\n"
    )
    answer = admin.post(
        "/setup/residents",
        data={"csrf_token": csrf, "program": DEMO_NAME, "version": str(_versions(sqlite_web))},
        files={"file": ("residents.csv", listed.encode(), "text/csv")},
    )
    assert answer.status_code == 303, answer.text
    program = _program(sqlite_web)
    assert program.person["nia-brook"].grade.label == "PGY-1"
    assert program.person["omar-vale"].post_ids
    assert program.paging.contacts["omar-vale"].email == "omar@example.org"


def test_a_bad_residents_list_names_row_and_column_and_imports_nobody(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    before = _versions(sqlite_web)
    listed = (
        "name,email,grade,start date\n"
        "Nia Brook,nia@example.org,PGY-1,\n"
        "Omar Vale,omar@example.org,PGY-9,\n"
        "Pia Lund,pia-at-home,PGY-2,2027-02-30\n"
        "Nia Brook,nia2@example.org,PGY-1,\n"
    )
    form = {"csrf_token": csrf, "program": DEMO_NAME, "version": str(before), "csv": listed}
    answer = admin.post("/setup/residents", data=form)
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    assert "row 3, grade: unknown grade 'PGY-9'" in text
    assert "row 4, email" in text and "row 4, start date" in text
    assert "row 5, name" in text
    assert "Nia Brook,nia@example.org" in text  # what was pasted is kept
    assert _versions(sqlite_web) == before
    assert "nia-brook" not in _program(sqlite_web).person


def test_only_those_who_edit_reference_data_open_set_up(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    assert chief.get("/setup").status_code == 403
    assert _post(sqlite_web, chief, "/setup/people", csrf, name="X", grade="PGY-1").status_code == 403


def test_the_program_file_downloads_as_yaml(sqlite_web: Web) -> None:
    admin, _ = sqlite_web.signed_in("admin")
    answer = admin.get("/setup/program.yaml")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    assert "hospital:" in answer.text


def test_a_new_program_is_made_from_a_form_once_and_a_bad_time_zone_is_named_beside_its_field(
    sqlite_web: Web,
) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    form = {**NEW_PROGRAM_FORM, "csrf_token": csrf, "name": "Small ward", "timezone": "Mars/Olympus"}
    bad = admin.post("/setup/new", data=form)
    assert bad.status_code == 422
    assert 'id="timezone-error"' in bad.text and 'value="Mars/Olympus"' in bad.text
    assert 'value="Small General"' in bad.text
    made = admin.post("/setup/new", data={**form, "timezone": "Europe/Dublin"})
    assert made.status_code == 303, made.text
    page = admin.get(made.headers["location"]).text
    assert "Program small-ward made" in page
    assert "/rosters?program=small-ward" in page
    again = admin.post("/setup/new", data={**form, "timezone": "Europe/Dublin"})  # sent twice
    assert again.status_code == 303
    assert "Program small-ward was made already" in admin.get(again.headers["location"]).text
    other = admin.post("/setup/new", data={**form, "timezone": "Europe/Dublin", "hospital": "Other"})
    assert other.status_code == 422 and 'id="name-error"' in other.text


def test_the_chief_declares_changes_and_removes_a_conflict_and_the_admin_never_reads_its_reason(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    people = _program(sqlite_web).people
    first, second = people[0], people[1]
    declared = len(_program(sqlite_web).conflicts)
    same = _post(
        sqlite_web, chief, "/setup/conflicts", csrf, first=first.id, second=first.id, reason="Siblings"
    )
    assert same.status_code == 422
    assert 'id="first-error"' in same.text and 'value="Siblings"' in same.text
    no_reason = _post(
        sqlite_web, chief, "/setup/conflicts", csrf, first=first.id, second=second.id, reason=""
    )
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    assert len(_program(sqlite_web).conflicts) == declared
    added = _post(
        sqlite_web, chief, "/setup/conflicts", csrf, first=first.id, second=second.id, reason="Siblings"
    )
    assert added.status_code == 303, added.text
    assert _program(sqlite_web).conflicts[-1].reason == "Siblings"
    admin, _ = sqlite_web.signed_in("admin")
    assert "Siblings" not in admin.get("/setup/program.yaml").text
    assert admin.get("/setup/conflicts").status_code == 403
    key = _last_conflict_key(chief)
    changed = _post(
        sqlite_web,
        chief,
        f"/setup/conflicts/{key}",
        csrf,
        first=first.id,
        second=second.id,
        reason="Married",
    )
    assert changed.status_code == 303, changed.text
    assert _program(sqlite_web).conflicts[-1].reason == "Married"
    assert "Married" in chief.get("/setup/conflicts").text
    key = _last_conflict_key(chief)  # a changed conflict is named anew
    assert _post(sqlite_web, chief, f"/setup/conflicts/{key}/remove", csrf).status_code == 303
    assert len(_program(sqlite_web).conflicts) == declared


def test_a_rotation_is_added_to_a_year_program_and_a_bad_complement_is_named_beside_its_field(
    sqlite_web: Web,
) -> None:
    store_small_year(sqlite_web)
    admin, csrf = sqlite_web.signed_in("admin")
    form = {"program": "small", "version": "1", "name": "Research", "grades": "residents", "length": "block"}
    form["vacation"] = "1"
    bad = admin.post("/setup/rotations", data={"csrf_token": csrf, **form, "min": "-1"})
    assert bad.status_code == 422
    assert 'id="min-error"' in bad.text and 'value="Research"' in bad.text
    added = admin.post("/setup/rotations", data={"csrf_token": csrf, **form, "min": "0", "max": "1"})
    assert added.status_code == 303, added.text
    with sqlite_web.database.reading() as session:
        found = ProgramRepository(session).latest("small")
    assert found is not None
    year = LiveSchedules().parsed(found).year
    assert year is not None and "research" in {r.id for r in year.rotations}
    block = _post(
        sqlite_web, admin, "/setup/rotations", csrf, name="Research", grades="residents", length="block"
    )
    assert block.status_code == 422 and "year program" in block.text
    # A block program's rotations page says rotations are a year file's, and offers no form
    assert 'id="entry-form"' in admin.get("/setup/rotations?program=small").text
    page = admin.get("/setup/rotations").text
    assert 'id="entry-form"' not in page and "Rotations belong to a year program" in page


# --- two people at once, a form sent twice, the back button ----------------------------------


def _sent(web: Web, client: httpx.Client, path: str, csrf: str, version: int, **data: str) -> httpx.Response:
    """A set-up form sent from a page opened at program version `version`."""
    form = {"csrf_token": csrf, "program": DEMO_NAME, "version": str(version), **data}
    return client.post(path, data=form)


def _version_on(page: str) -> int:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found is not None, "the form carries no version"
    return int(found.group(1))


def _people(web: Web) -> set[str]:
    return {p.id for p in _program(web).people}


def test_two_tabs_remove_different_people_and_the_second_is_shown_the_program_as_it_is_now(
    sqlite_web: Web,
) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    for name in ("Ada Lovelace", "Bea Moss"):
        assert _post(sqlite_web, admin, "/setup/people", csrf, name=name, grade="PGY-2").status_code == 303
    everyone, opened = _people(sqlite_web), _versions(sqlite_web)
    first = admin.get("/setup/people/ada-lovelace")
    second = admin.get("/setup/people/bea-moss")
    assert _version_on(first.text) == _version_on(second.text) == opened
    gone = _sent(sqlite_web, admin, "/setup/people/ada-lovelace/remove", csrf, opened)
    assert gone.status_code == 303
    stale = _sent(sqlite_web, admin, "/setup/people/bea-moss/remove", csrf, opened)
    assert stale.status_code == 409
    assert "The program changed since you opened this form" in stale.text
    assert "Ada Lovelace" not in stale.text and "Bea Moss" in stale.text  # the list as it is now
    assert _people(sqlite_web) == everyone - {"ada-lovelace"}
    assert _versions(sqlite_web) == opened + 1
    # The refusal's page is a form opened now: removing from it removes Bea, and no one else
    again = _sent(sqlite_web, admin, "/setup/people/bea-moss/remove", csrf, _version_on(stale.text))
    assert again.status_code == 303, again.text
    assert _people(sqlite_web) == everyone - {"ada-lovelace", "bea-moss"}


def test_a_form_sent_twice_adds_the_person_once_and_says_so(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    before, opened = _people(sqlite_web), _versions(sqlite_web)
    form = {"name": "Cy Twice", "grade": "PGY-1", "email": "cy@example.org"}
    first = _sent(sqlite_web, admin, "/setup/people", csrf, opened, **form)
    assert first.status_code == 303
    second = _sent(sqlite_web, admin, "/setup/people", csrf, opened, **form)
    assert second.status_code == 303
    said = admin.get(second.headers["location"]).text
    assert "Already saved (this form was sent twice): Added person Cy Twice." in said
    assert _people(sqlite_web) == before | {"cy-twice"}  # no cy-twice-2
    assert _versions(sqlite_web) == opened + 1


def test_a_removal_sent_twice_removes_once_and_says_so(sqlite_web: Web) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    assert _post(sqlite_web, admin, "/setup/people", csrf, name="Dee Once", grade="PGY-1").status_code == 303
    before, opened = _people(sqlite_web), _versions(sqlite_web)
    assert _sent(sqlite_web, admin, "/setup/people/dee-once/remove", csrf, opened).status_code == 303
    twice = _sent(sqlite_web, admin, "/setup/people/dee-once/remove", csrf, opened)
    assert twice.status_code == 303
    assert "Already saved" in admin.get(twice.headers["location"]).text
    assert _people(sqlite_web) == before - {"dee-once"}
    assert _versions(sqlite_web) == opened + 1


def test_the_back_button_resends_a_change_once_and_a_different_one_is_refused_with_the_values_kept(
    sqlite_web: Web,
) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    assert _post(sqlite_web, admin, "/setup/people", csrf, name="Eve Back", grade="PGY-1").status_code == 303
    opened = _version_on(admin.get("/setup/people/eve-back").text)
    changed = {"name": "Eve Back", "grade": "PGY-2", "max_weekends": "2"}
    assert _sent(sqlite_web, admin, "/setup/people/eve-back", csrf, opened, **changed).status_code == 303
    # Back to the page opened before the save, and sent again as it was: nothing more is saved
    resent = _sent(sqlite_web, admin, "/setup/people/eve-back", csrf, opened, **changed)
    assert resent.status_code == 303 and _versions(sqlite_web) == opened + 1
    # Back again, another value typed: refused, the page shows what was typed, nothing saved
    other = _sent(
        sqlite_web, admin, "/setup/people/eve-back", csrf, opened, **{**changed, "max_weekends": "4"}
    )
    assert other.status_code == 409
    assert 'id="form-errors"' in other.text and 'id="f-max_weekends" name="max_weekends"' in other.text
    assert 'value="4"' in other.text
    assert _program(sqlite_web).person["eve-back"].limits.max_weekends == 2
    # Sent from the refusal's page (the version it shows), the value is saved
    now = _version_on(other.text)
    assert now == opened + 1
    saved = _sent(sqlite_web, admin, "/setup/people/eve-back", csrf, now, **{**changed, "max_weekends": "4"})
    assert saved.status_code == 303
    assert _program(sqlite_web).person["eve-back"].limits.max_weekends == 4


def test_a_cover_demand_changed_by_someone_else_is_not_changed_by_a_form_that_names_it_as_it_was(
    sqlite_web: Web,
) -> None:
    admin, csrf = sqlite_web.signed_in("admin")
    page = admin.get("/setup/cover").text
    key = re.findall(r'href="/setup/cover/([0-9a-f]+)\?', page)[0]
    edit = admin.get(f"/setup/cover/{key}").text
    values = {n: v for n, v in re.findall(r'<input id="f-(\w+)" name="\w+"[^>]* value="([^"]*)"', edit)}
    values |= dict(
        re.findall(r'<select id="f-(\w+)" name="\w+"[^>]*>.*?<option value="([^"]*)" selected', edit)
    )
    target = str(int(values.get("target") or 0) + 1)
    changed = _sent(
        sqlite_web, admin, f"/setup/cover/{key}", csrf, _version_on(edit), **{**values, "target": target}
    )
    assert changed.status_code == 303, changed.text
    now = _versions(sqlite_web)
    # The old key no longer names it: a form opened now but for the row as it was changes nothing
    stale = _sent(sqlite_web, admin, f"/setup/cover/{key}/remove", csrf, now)
    assert stale.status_code == 422
    assert "no longer in the program" in stale.text
    assert _versions(sqlite_web) == now
    assert f'href="/setup/cover/{key}?' not in admin.get("/setup/cover").text


def _last_conflict_key(chief: httpx.Client) -> str:
    keys = re.findall(r'href="/setup/conflicts/([0-9a-f]+)\?', chief.get("/setup/conflicts").text)
    assert keys
    return str(keys[-1])


def test_a_conflict_declared_twice_from_one_form_is_declared_once_and_a_stale_change_is_refused(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    people = _program(sqlite_web).people
    pair = {"first": people[0].id, "second": people[2].id}
    declared, opened = len(_program(sqlite_web).conflicts), _versions(sqlite_web)
    first = _sent(sqlite_web, chief, "/setup/conflicts", csrf, opened, **pair, reason="Cousins")
    assert first.status_code == 303, first.text
    again = _sent(sqlite_web, chief, "/setup/conflicts", csrf, opened, **pair, reason="Cousins")
    assert again.status_code == 303
    assert "Already saved" in chief.get(again.headers["location"]).text
    assert len(_program(sqlite_web).conflicts) == declared + 1
    # A change from a page opened before the declaration is refused, the reason typed kept
    key = _last_conflict_key(chief)
    stale = _sent(sqlite_web, chief, f"/setup/conflicts/{key}", csrf, opened, **pair, reason="Neighbours")
    assert stale.status_code == 409
    assert "The program changed since you opened this form" in stale.text
    assert 'value="Neighbours"' in stale.text
    assert _program(sqlite_web).conflicts[-1].reason == "Cousins"
