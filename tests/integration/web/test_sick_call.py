"""Sick calls through the pages: the chief says who is off sick and when, reads the repair as a
diff with the rules behind each move, approves or declines it, and publishes a shift nobody
could cover as an open shift; a second sick call works on the roster the first one left."""

from __future__ import annotations

import html
import re
from datetime import date

import httpx

from callroom.accounts.roles import Role
from callroom.changes.repairs import RepairAsk
from callroom.changes.types import State
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.paging.service import PagingService
from callroom.rosters.live import LiveSchedules
from callroom.services import build_services
from callroom.storage import RosterRepository
from callroom.storage.changes_repositories import ChangeRepository, NewProposal
from tests.integration.web.conftest import Web
from tests.principals import person
from tests.repair_world import (
    absence_days,
    free_resident_who_could_cover,
    leaves_a_hole,
    overlapping,
    residents_leaving_a_hole,
)
from tests.web_demo import DEMO_NAME, demo_program, solved_demo

REPAIR = re.compile(r'href="/changes/sick-call/(\d+)">See the repair')
JOB = re.compile(r"/changes/sick-call/jobs/(\d+)$")


def sick_call(
    chief: httpx.Client, csrf: str, who: str, first: date, last: date, **extra: str
) -> httpx.Response:
    form = {
        "csrf_token": csrf,
        "absent": who,
        "from_day": first.isoformat(),
        "from_time": "",
        "to_day": last.isoformat(),
        "to_time": "",
        "note": "flu",
        "time_limit": "10",
    }
    return chief.post("/changes/sick-call", data=form | extra)


def queued(chief: httpx.Client, csrf: str, who: str, first: date, last: date, **extra: str) -> int:
    """The id of the repair job the sick call queued (the answer sends the chief to it)."""
    answer = sick_call(chief, csrf, who, first, last, **extra)
    assert answer.status_code == 303, answer.text
    found = JOB.search(answer.headers["location"])
    assert found is not None, answer.headers["location"]
    return int(found[1])


def asked(web: Web, chief: httpx.Client, csrf: str, who: str, first: date, last: date, **extra: str) -> int:
    """The id of the repair the sick call made: its job run by a worker, the job's page links
    to it."""
    job_id = queued(chief, csrf, who, first, last, **extra)
    web.run_jobs()
    page = chief.get(f"/changes/sick-call/jobs/{job_id}").text
    found = REPAIR.search(page)
    assert found is not None, the_text(page)
    return int(found[1])


def approve(chief: httpx.Client, csrf: str, repair_id: int, reason: str = "sick call") -> httpx.Response:
    return chief.post(f"/changes/sick-call/{repair_id}/approve", data={"csrf_token": csrf, "reason": reason})


def newest(web: Web) -> tuple[int, Roster]:
    with web.database.reading() as session:
        rosters = RosterRepository(session)
        version = rosters.latest(DEMO_NAME)
        assert version is not None
        return version.number, rosters.load_roster(version.id)


def state_of(web: Web, repair_id: int) -> str:
    with web.database.reading() as session:
        found = ChangeRepository(session).get(repair_id)
        assert found is not None
        return found.state


def notices_to(web: Web, person_id: str) -> list[str]:
    received, _ = PagingService(web.database, LiveSchedules()).recent(person(person_id), 50)
    return [page.body for page in received]


def absences(web: Web) -> set[tuple[str, int | None]]:
    """The approved absences the live roster's program carries: (person, repair id)."""
    with web.database.reading() as session:
        live = LiveSchedules().live(session)
        assert live is not None
        return {(a.person_id, a.proposal_id) for a in live.program.absences}


def the_text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def sick_resident() -> str:
    """A resident whose absence on the usual days leaves a hole someone else must fill."""
    return residents_leaving_a_hole(demo_program(), solved_demo())[0]


def name(program: Program, person_id: str) -> str:
    return program.person[person_id].name


def test_the_chief_reaches_the_sick_call_from_the_menu_and_the_grid_and_picks_people_by_name(
    sqlite_web: Web,
) -> None:
    chief, _ = sqlite_web.signed_in("chief")
    grid = chief.get("/schedule").text
    assert 'href="/changes/sick-call">Sick call</a>' in grid and 'id="sick-call-link"' in grid
    page = chief.get("/changes/sick-call")
    assert page.status_code == 200
    program = demo_program()
    first = program.people[0]
    assert f'<option value="{first.id}">{html.escape(first.name)} ({first.grade.label})</option>' in page.text
    from_cell = chief.get(f"/changes/sick-call?absent={first.id}&day=2027-03-12").text
    assert f'<option value="{first.id}" selected>' in from_cell
    assert (
        'name="from_day" value="2027-03-12"' in from_cell and 'name="to_day" value="2027-03-12"' in from_cell
    )


def test_a_sick_call_is_shown_as_a_diff_with_its_reasons_then_approved_and_everyone_moved_is_told(
    sqlite_web: Web,
) -> None:
    web, program = sqlite_web, demo_program()
    chief, csrf = web.signed_in("chief")
    absent, days = sick_resident(), absence_days()
    repair_id = asked(sqlite_web, chief, csrf, absent, days[0], days[-1])
    page = chief.get(f"/changes/sick-call/{repair_id}").text
    text = the_text(page)
    assert f"{name(program, absent)} off sick" in text
    assert "Off sick from the start of Wed 10 Mar to the end of Fri 12 Mar" in text
    rows = re.findall(r'<tr class="(off|on|moved)" data-person="([^"]+)">', page)
    assert ("off", absent) in rows and any(kind != "off" for kind, _ in rows)
    assert f"{len(rows)} change" in text
    assert "Off sick : from the start of Wed 10 Mar" in text  # the absent person's own days
    assert "Hard minimum cover by grade" in text  # why someone goes on: the post would go short
    assert state_of(web, repair_id) == State.ACCEPTED
    before, _ = newest(web)
    approved = approve(chief, csrf, repair_id, "flu, sent home")
    assert approved.status_code == 303
    assert approved.headers["location"] == f"/changes/sick-call/{repair_id}?done=approved"
    number, roster = newest(web)
    assert number == before + 1 and state_of(web, repair_id) == State.APPROVED
    assert overlapping(program, roster, absent, days[0].isoformat(), days[-1].isoformat()) == []
    assert absences(web) == {(absent, repair_id)}
    moved = {person_id for _, person_id in rows}
    for person_id in moved:
        assert any(f"Roster changed (version {number})" in body for body in notices_to(web, person_id))
    done = the_text(chief.get(f"/changes/sick-call/{repair_id}?done=approved").text)
    assert f"roster version {number} is live" in done and "flu, sent home" in done
    assert all(name(program, p) in done.split("Told of their new shifts:")[1] for p in moved)


def test_a_second_sick_call_right_after_the_first_works_on_the_roster_the_first_left(web: Web) -> None:
    program = demo_program()
    chief, csrf = web.signed_in("chief")
    first, days = sick_resident(), absence_days()
    first_id = asked(web, chief, csrf, first, days[0], days[-1])
    assert approve(chief, csrf, first_id).status_code == 303
    _, after_first = newest(web)
    # Someone the first repair put on a shift falls sick too, over the same days.
    second = next(
        a.person_id for a in set(after_first.assignments) - set(solved_demo().assignments) if a.day in days
    )
    second_id = asked(web, chief, csrf, second, days[1], days[-1])
    page = chief.get(f"/changes/sick-call/{second_id}").text
    assert f'data-person="{first}"' not in page  # the first stays off
    assert approve(chief, csrf, second_id).status_code == 303
    _, roster = newest(web)
    for absent, start in ((first, days[0]), (second, days[1])):
        assert overlapping(program, roster, absent, start.isoformat(), days[-1].isoformat()) == []
    assert absences(web) == {(first, first_id), (second, second_id)}
    assert state_of(web, first_id) == state_of(web, second_id) == State.APPROVED


def test_bad_input_is_refused_next_to_its_field_keeping_what_was_typed(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    absent, days = sick_resident(), absence_days()
    cases = [
        ("absent", {"absent": "nobody-at-all"}, "no person 'nobody-at-all'"),
        ("to", {"absent": absent, "to_day": "2027-03-09"}, "the absence must end after it starts"),
        ("from", {"absent": absent, "from_day": "2027-06-01", "to_day": "2027-06-02"}, "outside the block"),
        ("from", {"absent": absent, "from_time": "7 am"}, "not a time of day"),
    ]
    for field, typed, said in cases:
        answer = sick_call(chief, csrf, absent, days[0], days[-1], **typed)
        assert answer.status_code == 422, (field, answer.status_code)
        error = re.search(rf'<p class="field-error" id="{field}-error" role="alert">(.*?)</p>', answer.text)
        assert error is not None and said in html.unescape(error[1]), (field, answer.text[-2000:])
        assert 'name="note" maxlength="500" value="flu"' in answer.text
        for key in ("from_day", "to_day"):
            assert (
                f'name="{key}" value="{typed.get(key, days[0 if key == "from_day" else -1].isoformat())}"'
                in answer.text
            )
    assert sqlite_web.run_jobs() == 0  # nothing was queued
    with sqlite_web.database.reading() as session:
        assert ChangeRepository(session).listing(states=(State.ACCEPTED,)) == []


def test_pressing_repair_twice_gives_one_job_while_another_sick_call_gets_its_own(sqlite_web: Web) -> None:
    program = demo_program()
    chief, csrf = sqlite_web.signed_in("chief")
    absent, other, days = *residents_leaving_a_hole(program, solved_demo())[:2], absence_days()
    first = queued(chief, csrf, absent, days[0], days[-1])
    assert queued(chief, csrf, absent, days[0], days[-1]) == first
    second = queued(chief, csrf, other, days[0], days[0])
    assert second != first
    page = the_text(chief.get(f"/changes/sick-call/jobs/{first}").text)
    assert f"Sick call #{first} · {name(program, absent)}, from the start of Wed 10 Mar" in page
    assert "queued" in page and "Fewest changes found" in page and "Cancel" in page
    assert sqlite_web.run_jobs() == 2
    with sqlite_web.database.reading() as session:
        waiting = ChangeRepository(session).listing(states=(State.ACCEPTED,))
    assert sorted(r.payload["absence"]["person_id"] for r in waiting) == sorted([absent, other])
    done = chief.get(f"/changes/sick-call/jobs/{first}").text
    assert "done" in the_text(done) and "See the repair</a>" in done and "Cancel</button>" not in done


def test_a_cancelled_repair_makes_nothing_and_leads_back_to_the_form_with_its_values(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    absent, days = sick_resident(), absence_days()
    helper = next(p.id for p in demo_program().people if p.id != absent)
    job_id = queued(chief, csrf, absent, days[0], days[-1], **{f"only-{helper}": "on", "time_limit": "30"})
    cancelled = chief.post(f"/changes/sick-call/jobs/{job_id}/cancel", data={"csrf_token": csrf})
    assert cancelled.status_code == 303
    assert cancelled.headers["location"] == f"/changes/sick-call/jobs/{job_id}"
    assert sqlite_web.run_jobs() == 0  # a queued job cancelled is never started
    page = chief.get(f"/changes/sick-call/jobs/{job_id}").text
    assert "cancelled" in the_text(page) and "Cancel</button>" not in page
    back = re.search(r'href="(/changes/sick-call\?job=\d+)">Back to the sick call form', page)
    assert back is not None
    form = chief.get(html.unescape(back[1])).text
    assert "The repair was cancelled" in the_text(form)
    assert f'<option value="{absent}" selected>' in form
    assert f'name="from_day" value="{days[0]}"' in form and f'name="to_day" value="{days[-1]}"' in form
    assert f'name="only-{helper}" checked' in form and 'value="flu"' in form
    assert '<option value="30" selected>' in form
    with sqlite_web.database.reading() as session:
        assert ChangeRepository(session).listing(states=(State.ACCEPTED,)) == []


def test_a_shift_nobody_allowed_could_cover_is_left_uncovered_then_published_as_an_open_shift(
    sqlite_web: Web,
) -> None:
    web, program = sqlite_web, demo_program()
    chief, csrf = web.signed_in("chief")
    days = absence_days()
    # A shift whose loss leaves a hole, and the only person the chief lets the repair move may
    # not work that post: the hole stays.
    roster = solved_demo()
    shift = next(a for a in sorted(roster.assignments) if a.day in days and leaves_a_hole(program, roster, a))
    helper = next(p.id for p in program.people if not program.may_work(p, shift.post_id, shift.shift_id))
    day = shift.day.isoformat()
    only = {f"only-{helper}": "on"}
    repair_id = asked(sqlite_web, chief, csrf, shift.person_id, shift.day, shift.day, **only)
    page = chief.get(f"/changes/sick-call/{repair_id}").text
    text = the_text(page)
    assert "Left uncovered" in text and "goes short by 1" in text and "Why nobody could take it" in text
    assert "Publish as an open shift" not in text  # only once the repaired roster is live
    early = chief.post(f"/changes/sick-call/{repair_id}/open-shift", data={"csrf_token": csrf, "slot": "0"})
    assert early.status_code == 422 and "approve the repair first" in early.text
    assert approve(chief, csrf, repair_id).status_code == 303
    assert "Publish as an open shift" in chief.get(f"/changes/sick-call/{repair_id}").text
    opened = chief.post(f"/changes/sick-call/{repair_id}/open-shift", data={"csrf_token": csrf, "slot": "0"})
    assert opened.status_code == 303 and opened.headers["location"].endswith("?done=opened")
    shown = the_text(chief.get(opened.headers["location"]).text)
    assert re.search(r"Open shift #\d+: offered to [1-9]\d* (person|people) the rules allow", shown), shown
    with web.database.reading() as session:
        open_shifts = ChangeRepository(session).listing(states=(State.OPEN,))
    assert [(r.payload["slot"]["day"], r.payload["holder"]) for r in open_shifts] == [(day, None)]
    again = chief.post(f"/changes/sick-call/{repair_id}/open-shift", data={"csrf_token": csrf, "slot": "0"})
    assert again.status_code == 409 and "already an open shift" in html.unescape(again.text)


def test_a_repair_the_roster_has_moved_on_from_is_refused_with_a_link_to_the_fresh_one(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    absent, shift = free_resident_who_could_cover(demo_program(), solved_demo())
    first_id = asked(sqlite_web, chief, csrf, absent, shift.day, shift.day)
    # Meanwhile the holder of a shift she could take falls sick, and only she may move: the
    # second repair puts her on that shift, not knowing she will be off sick.
    only = {f"only-{absent}": "on"}
    second_id = asked(sqlite_web, chief, csrf, shift.person_id, shift.day, shift.day, **only)
    assert approve(chief, csrf, second_id).status_code == 303
    refused = approve(chief, csrf, first_id)
    assert refused.status_code == 409
    fresh = re.search(r'href="/changes/sick-call/(\d+)">see the fresh repair', refused.text)
    assert fresh is not None and int(fresh[1]) > second_id
    assert state_of(sqlite_web, first_id) == State.REFUSED
    assert approve(chief, csrf, int(fresh[1])).status_code == 303
    _, roster = newest(sqlite_web)
    day = shift.day.isoformat()
    assert overlapping(demo_program(), roster, absent, day, day) == []


def test_a_declined_repair_leaves_the_roster_as_it_was(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    days = absence_days()
    repair_id = asked(sqlite_web, chief, csrf, sick_resident(), days[0], days[0])
    before = newest(sqlite_web)
    declined = chief.post(
        f"/changes/sick-call/{repair_id}/decline",
        data={"csrf_token": csrf, "reason": "she came in after all"},
    )
    assert declined.status_code == 303
    assert newest(sqlite_web) == before and state_of(sqlite_web, repair_id) == State.REFUSED
    page = the_text(chief.get(f"/changes/sick-call/{repair_id}").text)
    assert "she came in after all" in page and "Approve" not in page
    assert absences(sqlite_web) == set()


def test_an_approval_without_a_reason_is_refused_next_to_the_field(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    days = absence_days()
    repair_id = asked(sqlite_web, chief, csrf, sick_resident(), days[0], days[0])
    answer = approve(chief, csrf, repair_id, "  ")
    assert answer.status_code == 422 and 'id="approve-error"' in answer.text
    assert state_of(sqlite_web, repair_id) == State.ACCEPTED


def test_a_repair_that_finds_nothing_says_why_and_leads_back_to_the_form_with_its_values(
    sqlite_web: Web,
) -> None:
    program, roster = demo_program(), solved_demo()
    chief, _ = sqlite_web.signed_in("chief")
    days = absence_days()
    shift = next(a for a in sorted(roster.assignments) if a.day in days and leaves_a_hole(program, roster, a))
    helper = next(p.id for p in program.people if not program.may_work(p, shift.post_id, shift.shift_id))
    # Only someone who may not work the post may move, so CP-SAT must search, and the API's
    # smallest time limits give it too little time to find anything.
    ask = RepairAsk(
        shift.person_id, shift.day.isoformat(), shift.day.isoformat(), only=(helper,), time_limit_s=0.001
    )
    services = build_services(sqlite_web.settings, sqlite_web.database)
    job, _ = services.jobs.submit_repair(person("chief-okafor", Role.CHIEF), ask)
    assert sqlite_web.run_jobs() == 1
    page = chief.get(f"/changes/sick-call/jobs/{job.id}").text
    assert "failed : no repair found within the time limit; try a longer one" in the_text(page)
    assert "See the repair</a>" not in page and "Cancel</button>" not in page
    form = chief.get(f"/changes/sick-call?job={job.id}")
    assert form.status_code == 200
    said = re.search(r'<p class="field-error" id="job-error" role="alert">(.*?)</p>', form.text)
    assert said is not None and "The repair found nothing: no repair found within the time limit" in said[1]
    assert f'<option value="{shift.person_id}" selected>' in form.text
    assert (
        f'name="from_day" value="{shift.day}"' in form.text and f'name="only-{helper}" checked' in form.text
    )
    with sqlite_web.database.reading() as session:
        assert ChangeRepository(session).listing(states=(State.ACCEPTED,)) == []


def test_a_resident_may_not_call_in_a_sick_colleague(sqlite_web: Web) -> None:
    resident, csrf = sqlite_web.signed_in("resident")
    assert resident.get("/changes/sick-call").status_code == 403
    days = absence_days()
    assert sick_call(resident, csrf, sick_resident(), days[0], days[0]).status_code == 403
    job_id = queued(*sqlite_web.signed_in("chief"), sick_resident(), days[0], days[0])
    assert resident.get(f"/changes/sick-call/jobs/{job_id}").status_code == 403
    refused = resident.post(f"/changes/sick-call/jobs/{job_id}/cancel", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert resident.get(f"/api/v1/jobs/{job_id}").status_code == 403  # the API's read, with the session
    assert 'href="/changes/sick-call"' not in resident.get("/schedule").text


def copy_of(web: Web, repair_id: int) -> int:
    """A second proposal for the same sick call, stored as two asks were before a second ask
    answered with the first."""
    with web.database.session() as session:
        changes = ChangeRepository(session)
        first = changes.get(repair_id)
        assert first is not None
        fields = (first.program_name, first.kind, first.state, first.base_version_id, first.requester)
        new = NewProposal(*fields, first.colleague, first.payload, first.note, first.created_at)
        return changes.add(new).id


def test_the_same_sick_call_asked_again_while_its_repair_waits_leads_to_that_repair(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    absent, days = sick_resident(), absence_days()
    repair_id = asked(sqlite_web, chief, csrf, absent, days[0], days[-1])
    again = sick_call(chief, csrf, absent, days[0], days[-1])
    assert again.status_code == 303
    assert again.headers["location"] == f"/changes/sick-call/{repair_id}?done=waiting"
    page = the_text(chief.get(again.headers["location"]).text)
    assert "This sick call was asked before: its repair, below, is waiting for your decision." in page
    assert sqlite_web.run_jobs() == 0
    with sqlite_web.database.reading() as session:
        waiting = ChangeRepository(session).listing(states=(State.ACCEPTED,))
    assert [r.id for r in waiting] == [repair_id]


def test_a_sick_call_already_approved_is_refused_naming_the_version_that_approved_it(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    absent, days = sick_resident(), absence_days()
    repair_id = asked(sqlite_web, chief, csrf, absent, days[0], days[-1])
    assert approve(chief, csrf, repair_id).status_code == 303
    number, _ = newest(sqlite_web)
    again = sick_call(chief, csrf, absent, days[0], days[-1])
    assert again.status_code == 409
    said = the_text(again.text)
    who = name(demo_program(), absent)
    assert f"{who} is already off sick 10–12 Mar, approved in version {number}" in said
    assert 'id="absent-error"' in again.text and sqlite_web.run_jobs() == 0


def test_the_second_of_two_repairs_of_one_sick_call_is_closed_on_approval_with_no_fresh_repair(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    absent, days = sick_resident(), absence_days()
    first = asked(sqlite_web, chief, csrf, absent, days[0], days[-1])
    second = copy_of(sqlite_web, first)
    assert approve(chief, csrf, first).status_code == 303
    number, _ = newest(sqlite_web)
    refused = approve(chief, csrf, second)
    assert refused.status_code == 409
    said = the_text(refused.text)
    assert f"is already off sick 10–12 Mar, approved in version {number}: nothing left to repair" in said
    assert state_of(sqlite_web, second) == State.REFUSED
    with sqlite_web.database.reading() as session:
        pending = ChangeRepository(session).listing(states=(State.ACCEPTED,))
    assert pending == []
    requests = the_text(chief.get("/requests").text)
    assert "no shift to change" not in requests
