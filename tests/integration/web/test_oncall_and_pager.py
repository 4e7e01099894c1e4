"""The on-call board (holders now and next, search, page button) and the pager inbox."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from callroom.paging.notices import PagingNotifier
from callroom.paging.routing import Schedule
from callroom.services import build_services
from callroom.web.board import board
from tests.integration.web.conftest import Web
from tests.web_demo import demo_program, sign_in_of, solved_demo

FIRST_MORNING = "2027-03-02T09:00"


def test_the_board_shows_who_holds_each_post_at_an_instant_and_who_is_next(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("operator")
    page = client.get("/oncall", params={"at": FIRST_MORNING})
    assert page.status_code == 200
    program = demo_program()
    at = datetime.combine(
        datetime.fromisoformat(FIRST_MORNING).date(), time(9), ZoneInfo(program.hospital.timezone)
    )
    rows = board(Schedule(program, solved_demo()), at)
    assert re.findall(r'data-post="([^"]+)"', page.text) == [p.id for p in program.posts]
    day_team = next(r for r in rows if r.post.id == "gs-day")
    card = re.search(r'data-post="gs-day">(.*?)</section>', page.text, re.S)
    assert card is not None and day_team.now and "Nobody now" not in card.group(1)
    assert all(h.name in card.group(1) and h.start <= at < h.end for h in day_team.now)
    night = next(r for r in rows if r.post.id == "gs-night")
    assert night.next and f"Next {night.next[0].start.strftime('%a %H:%M')}" in page.text
    assert 'id="outside-block"' not in page.text


def test_the_board_searches_posts_services_and_people(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("operator")
    page = client.get("/oncall", params={"at": FIRST_MORNING, "q": "neuro"})
    assert set(re.findall(r'data-post="([^"]+)"', page.text)) == {"neuro-day", "neuro-call", "neuro-home"}


def test_now_outside_the_block_says_so_and_links_to_the_block(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("operator")
    page = client.get("/oncall", params={"at": "2031-01-01T09:00"})
    assert 'id="outside-block"' in page.text and "/oncall?at=2027-03-01T09:00" in page.text


def test_a_bad_instant_is_named_next_to_its_field(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("operator")
    page = client.get("/oncall", params={"at": "yesterday"})
    assert page.status_code == 422 and 'id="at-error">the time must look like' in page.text


@pytest.mark.parametrize("at", ["9999-12-31T23:59", "9999-12-31T23:59-12:00", "0001-01-01T00:00+14:00"])
def test_an_instant_beyond_the_calendar_is_named_next_to_its_field(sqlite_web: Web, at: str) -> None:
    client, _ = sqlite_web.signed_in("operator")
    page = client.get("/oncall", params={"at": at})
    assert page.status_code == 422
    assert 'id="at-error">the time must lie in the years 1900 to 2199' in page.text


@pytest.mark.parametrize(
    ("at", "said"),
    [("2027-03-14T02:30", "does not exist in America/New_York"), ("2027-11-07T01:30", "happens twice")],
)
def test_a_wall_time_the_clocks_skip_or_repeat_is_named_next_to_its_field(
    sqlite_web: Web, at: str, said: str
) -> None:
    client, _ = sqlite_web.signed_in("operator")
    page = client.get("/oncall", params={"at": at})
    assert page.status_code == 422
    assert said in page.text.split('id="at-error">')[1].split("</")[0]


def test_a_page_form_names_the_bad_field(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("operator")
    answer = client.post(
        "/oncall/page",
        data={
            "csrf_token": csrf,
            "target": "post:pit",
            "body": "",
            "callback": "4411",
            "priority": "routine",
        },
    )
    assert answer.status_code == 422
    assert 'id="body-post-pit-error">body must be 1 to 500 characters' in answer.text
    answer = client.post(
        "/oncall/page",
        data={
            "csrf_token": csrf,
            "target": "post:pit",
            "body": "Bed 4",
            "callback": "call me",
            "priority": "whenever",
        },
    )
    assert "choose routine, urgent or stat" in answer.text


def test_a_page_sent_by_name_reaches_the_person_s_pager_and_is_acknowledged_there(sqlite_web: Web) -> None:
    nurse, nurse_csrf = sqlite_web.signed_in("operator")
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    sent = nurse.post(
        "/oncall/page",
        data={
            "csrf_token": nurse_csrf,
            "target": f"person:{resident.person_id}",
            "body": "Bed 12 pain score 9",
            "callback": "4411",
            "priority": "stat",
            "patient_ref": "MRN 0042",
            "by_name": "1",
        },
    )
    assert sent.status_code == 200, sent.text
    page_id = int(re.search(r"Page (\d+) sent", sent.text).group(1))  # type: ignore[union-attr]
    doctor, csrf = sqlite_web.signed_in("resident")
    inbox = doctor.get("/inbox")
    assert f'id="page-{page_id}"' in inbox.text and "Bed 12 pain score 9" in inbox.text
    assert "MRN 0042" in inbox.text  # clinicians see the patient reference
    acked = doctor.post(f"/inbox/pages/{page_id}/ack", data={"csrf_token": csrf})
    assert acked.status_code == 200 and 'data-state="acknowledged"' in acked.text
    timeline = nurse.get(f"/inbox/pages/{page_id}")
    assert 'id="page-state">acknowledged<' in timeline.text
    assert "acknowledged" in re.search(
        r'<table class="list" id="timeline">.*?</table>', timeline.text, re.S
    ).group(0)  # type: ignore[union-attr]


def test_a_sent_page_is_confirmed_with_whom_it_reached_and_a_link_to_its_log(sqlite_web: Web) -> None:
    nurse, csrf = sqlite_web.signed_in("operator")
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    sent = nurse.post(
        "/oncall/page",
        data={
            "csrf_token": csrf,
            "target": f"person:{resident.person_id}",
            "body": "Bed 7 obs",
            "callback": "4411",
            "priority": "stat",
            "label": resident.display_name,
        },
    )
    page_id = int(re.search(r"Page (\d+) sent", sent.text).group(1))  # type: ignore[union-attr]
    name = demo_program().person[resident.person_id or ""].name
    assert f"It reached {name}." in sent.text
    assert f'<a href="/inbox/pages/{page_id}">' in sent.text
    assert "<form" not in sent.text  # nothing to press again


def test_declining_needs_a_reason_named_next_to_the_page(sqlite_web: Web) -> None:
    nurse, nurse_csrf = sqlite_web.signed_in("operator")
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    sent = nurse.post(
        "/oncall/page",
        data={
            "csrf_token": nurse_csrf,
            "target": f"person:{resident.person_id}",
            "body": "Call back",
            "callback": "4411",
            "priority": "stat",
        },
    )
    page_id = int(re.search(r"Page (\d+) sent", sent.text).group(1))  # type: ignore[union-attr]
    doctor, csrf = sqlite_web.signed_in("resident")
    refused = doctor.post(f"/inbox/pages/{page_id}/decline", data={"csrf_token": csrf, "reason": " "})
    assert refused.status_code == 422 and "a decline needs a reason" in refused.text
    declined = doctor.post(f"/inbox/pages/{page_id}/decline", data={"csrf_token": csrf, "reason": "scrubbed"})
    assert declined.status_code == 200 and 'id="page-' in declined.text


def test_an_operator_does_not_see_patient_references_of_pages_they_did_not_send(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    sent = chief.post(
        "/oncall/page",
        data={
            "csrf_token": csrf,
            "target": "operators",
            "body": "Need a porter",
            "callback": "4411",
            "priority": "routine",
            "patient_ref": "MRN 77",
        },
    )
    page_id = int(re.search(r"Page (\d+) sent", sent.text).group(1))  # type: ignore[union-attr]
    nurse, _ = sqlite_web.signed_in("operator")
    inbox = nurse.get("/inbox")
    assert f'id="page-{page_id}"' in inbox.text and "MRN 77" not in inbox.text
    assert "MRN 77" not in nurse.get(f"/inbox/pages/{page_id}").text
    assert "MRN 77" in chief.get(f"/inbox/pages/{page_id}").text


def test_the_pager_refuses_a_last_event_id_that_can_name_no_event(sqlite_web: Web) -> None:
    doctor, _ = sqlite_web.signed_in("resident")

    beyond_any_id = {"Last-Event-ID": "99999999999999999999999999"}
    with doctor.stream("GET", "/inbox/stream", headers=beyond_any_id) as answer:
        status = answer.status_code

    assert status == 422


def test_the_page_forms_say_a_page_goes_to_whoever_holds_the_post_now(sqlite_web: Web) -> None:
    client, _ = sqlite_web.signed_in("operator")
    another_time = client.get("/oncall", params={"at": "2027-03-02T09:00"}).text
    now = client.get("/oncall").text
    assert "page-now" in another_time and "holds this <b>now</b>" in another_time
    assert "page-now" not in now


LOCAL_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? E[SD]T")  # the demo is in New York


def _timeline(html: str) -> str:
    found = re.search(r'<table class="list" id="timeline">.*?</table>', html, re.S)
    assert found is not None
    return found.group(0)


def test_a_notice_is_only_marked_seen_and_names_no_call_back(sqlite_web: Web) -> None:
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    services = build_services(sqlite_web.settings, sqlite_web.database)
    notice = PagingNotifier(services.paging).notify(resident.person_id or "", "Roster changed (version 2).")
    assert notice is not None
    doctor, csrf = sqlite_web.signed_in("resident")
    item = re.search(rf'<article[^>]*id="page-{notice}".*?</article>', doctor.get("/inbox").text, re.S)
    assert item is not None and "Roster changed (version 2)." in item.group(0)
    assert "Acknowledge" not in item.group(0) and "Decline" not in item.group(0)
    assert "Call back" not in item.group(0) and "from callroom" in item.group(0)
    assert f'action="/inbox/pages/{notice}/seen"' in item.group(0)

    seen = doctor.post(f"/inbox/pages/{notice}/seen", data={"csrf_token": csrf})
    assert seen.status_code == 200 and 'data-state="seen"' in seen.text
    assert "/seen" not in seen.text  # read once: nothing more to press
    detail = doctor.get(f"/inbox/pages/{notice}").text
    assert "call back" not in detail and "seen" in _timeline(detail)


def test_the_pager_and_a_page_s_timeline_show_hospital_time_and_names(sqlite_web: Web) -> None:
    nurse, nurse_csrf = sqlite_web.signed_in("operator")
    resident = sign_in_of(sqlite_web.sign_ins, "resident")
    name = demo_program().person[resident.person_id or ""].name
    sent = nurse.post(
        "/oncall/page",
        data={
            "csrf_token": nurse_csrf,
            "target": f"person:{resident.person_id}",
            "body": "Bed 3 needs a review",
            "callback": "4411",
            "priority": "stat",  # reaches them on duty or off
            "by_name": "1",
        },
    )
    page_id = int(re.search(r"Page (\d+) sent", sent.text).group(1))  # type: ignore[union-attr]
    doctor, csrf = sqlite_web.signed_in("resident")
    doctor.post(f"/inbox/pages/{page_id}/ack", data={"csrf_token": csrf})

    row = re.search(rf'<tr><td><a href="/inbox/pages/{page_id}">.*?</tr>', nurse.get("/inbox").text, re.S)
    assert row is not None and name in row.group(0) and "person:" not in row.group(0)
    assert LOCAL_TIME.search(row.group(0)) and "UTC" not in row.group(0)
    item = re.search(rf'<article[^>]*id="page-{page_id}".*?</article>', doctor.get("/inbox").text, re.S)
    assert item is not None and LOCAL_TIME.search(item.group(0)) and "UTC" not in item.group(0)

    detail = nurse.get(f"/inbox/pages/{page_id}").text
    timeline = _timeline(detail)
    assert LOCAL_TIME.search(timeline) and "UTC" not in detail
    assert name in timeline and (resident.person_id or "") not in timeline
    assert f"to {name}" in detail
