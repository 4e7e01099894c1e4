"""A resident's week of duty hours and the program director's review, over last year's demo
block (one that has ended, so its shifts can be confirmed as worked), read with httpx."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx
import pytest

from callroom.domain.worklog import Reason
from callroom.storage.hours_repositories import HoursRepository
from tests.hours_demo import past_program, resident_on, store_past_demo
from tests.integration.web.conftest import Web
from tests.web_demo import sign_in_of

WEEK = "/hours/week?week=1"


@pytest.fixture
def past(sqlite_web: Web) -> Web:
    store_past_demo(sqlite_web.database)
    return sqlite_web


def _data(page: str, element: str) -> dict[str, Any]:
    found = re.search(rf'id="{element}">(.*?)</script>', page, re.S)
    assert found is not None, f"no #{element} in the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _period_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="period-(\d+)"', page)]


def _confirm_first_week(client: httpx.Client, csrf: str) -> httpx.Response:
    start = past_program().block.start.isoformat()
    return client.post(
        "/hours/week/confirm", data={"csrf_token": csrf, "week": "1", "key": "confirm", "week_start": start}
    )


def test_a_resident_confirms_a_week_in_one_post_and_sees_it_logged_beside_scheduled(past: Web) -> None:
    client, csrf = past.signed_in("resident")
    before = client.get(WEEK)
    assert before.status_code == 200 and _period_ids(before.text) == []
    done = _confirm_first_week(client, csrf)
    assert done.status_code == 200
    assert re.search(r'id="confirm-notice"><p>Logged \d+ shifts? as scheduled', done.text)
    assert _period_ids(done.text)
    hours = client.get("/hours").text
    chart = _data(hours, "weekly-data")
    assert chart["worked"][0] == chart["hours"][0] > 0 and chart["worked"][1:] == [0.0] * 3
    assert 'id="weeks-table"' in hours


def test_a_correction_ending_before_its_start_is_refused_next_to_the_field_keeping_what_was_typed(
    past: Web,
) -> None:
    client, csrf = past.signed_in("resident")
    period = _period_ids(_confirm_first_week(client, csrf).text)[0]
    typed = {"start": "2026-03-02T09:00", "end": "2026-03-02T08:00", "note": "left at eight"}
    refused = client.post(
        f"/hours/week/periods/{period}/correct", data={"csrf_token": csrf, "week": "1", **typed}
    )
    assert refused.status_code == 422
    key = f"correct-{period}"
    assert re.search(rf'id="{key}-end-error">[^<]*is not after the start 2026-03-02 09:00 EST', refused.text)
    for name, value in typed.items():
        assert f'id="{key}-{name}" name="{name}" type="' in refused.text
        assert f'value="{value}"' in refused.text


def test_a_correction_form_starts_from_the_period_s_note_so_correcting_the_times_keeps_it(
    past: Web,
) -> None:
    client, csrf = past.signed_in("resident")
    period = _period_ids(_confirm_first_week(client, csrf).text)[0]
    noted = {"start": "2026-03-02T07:00", "end": "2026-03-02T20:30", "note": "stayed for a whipple"}
    client.post(f"/hours/week/periods/{period}/correct", data={"csrf_token": csrf, "week": "1", **noted})
    page = client.get(WEEK).text
    form = re.search(rf'id="correct-{period}-note" name="note" type="text" value="([^"]*)"', page)
    assert form is not None and form.group(1) == "stayed for a whipple"


def test_a_correction_overlapping_another_period_names_it_next_to_the_start(past: Web) -> None:
    client, csrf = past.signed_in("resident")
    first, second = _period_ids(_confirm_first_week(client, csrf).text)[:2]
    page = client.get(WEEK).text
    later_start = re.search(
        rf'id="correct-{second}-start" name="start" type="datetime-local" value="([^"]+)"', page
    )
    assert later_start is not None
    refused = client.post(
        f"/hours/week/periods/{first}/correct",
        data={
            "csrf_token": csrf,
            "week": "1",
            "start": later_start.group(1),
            "end": later_start.group(1)[:11] + "23:00",
        },
    )
    assert refused.status_code == 422
    assert re.search(rf'id="correct-{first}-start-error">overlaps the logged period {second}', refused.text)


def test_a_resident_cannot_correct_someone_else_s_period(past: Web) -> None:
    client, csrf = past.signed_in("resident")
    period = _period_ids(_confirm_first_week(client, csrf).text)[0]
    other, other_csrf = past.signed_in("resident2")
    refused = other.post(
        f"/hours/week/periods/{period}/correct",
        data={"csrf_token": other_csrf, "week": "1", "start": "2026-03-02T07:00", "end": "2026-03-02T18:00"},
    )
    assert refused.status_code == 403 and "is not one of yours" in refused.text


def test_the_program_director_accepts_a_justification_and_the_resident_reads_the_decision(past: Web) -> None:
    client, csrf = past.signed_in("resident")
    period = _period_ids(_confirm_first_week(client, csrf).text)[0]
    given = client.post(
        f"/hours/week/periods/{period}/justify",
        data={"csrf_token": csrf, "week": "1", "reason": "severely_ill_patient", "note": "bed 4 bled"},
    )
    assert given.status_code == 200 and "Waiting for the program director" in given.text
    director, director_csrf = past.signed_in("director")
    review = director.get("/hours/review").text
    found = re.search(r'id="justification-(\d+)"', review)
    assert found is not None and sign_in_of(past.sign_ins, "resident").display_name.split(" (")[0] in review
    refused = director.post(
        f"/hours/review/{found.group(1)}", data={"csrf_token": director_csrf, "decision": "rejected"}
    )
    assert refused.status_code == 422 and f'id="note-{found.group(1)}-error"' in refused.text
    accepted = director.post(
        f"/hours/review/{found.group(1)}",
        data={"csrf_token": director_csrf, "decision": "accepted", "note": "thank you"},
    )
    assert accepted.status_code == 200 and 'id="none-pending"' in accepted.text
    assert "Accepted</b> by Nadia Rahimi: thank you" in client.get(WEEK).text


def test_a_refused_justification_reaches_the_resident_s_pager_as_a_notice_with_the_reason(past: Web) -> None:
    client, csrf = past.signed_in("resident")
    period = _period_ids(_confirm_first_week(client, csrf).text)[0]
    client.post(
        f"/hours/week/periods/{period}/justify",
        data={"csrf_token": csrf, "week": "1", "reason": "educational_event", "note": "grand rounds"},
    )
    director, director_csrf = past.signed_in("director")
    found = re.search(r'id="justification-(\d+)"', director.get("/hours/review").text)
    assert found is not None
    refused = director.post(
        f"/hours/review/{found.group(1)}",
        data={"csrf_token": director_csrf, "decision": "rejected", "note": "rounds ended at five"},
    )
    assert refused.status_code == 200 and "the resident is sent a notice with your reason" in refused.text

    inbox = client.get("/inbox").text
    notice = re.search(r'<article class="card inbox-item [^"]*notice"[^>]*>.*?</article>', inbox, re.S)
    assert notice is not None, "no notice in the resident's pager"
    said = html.unescape(notice.group(0))
    assert "Your justification for staying (a unique educational event)" in said
    assert "was refused: rounds ended at five" in said
    assert re.search(r"from 20\d\d-\d\d-\d\d \d\d:\d\d E[SD]T", said)  # the period, in hospital time
    assert "Acknowledge" not in said and "Call back" not in said


def test_each_resident_is_drawn_against_their_own_weekly_limit(past: Web) -> None:
    chief, _ = past.signed_in("chief")
    overview = _data(chief.get("/hours").text, "overview-data")
    limits = dict(zip(overview["ids"], overview["limits"], strict=True))
    neuro, general = resident_on("neurosurgery"), resident_on("gen-surg")
    assert (limits[neuro.id], limits[general.id]) == (88, 80)
    for person, limit in ((neuro, 88), (general, 80)):
        assert _data(chief.get("/hours", params={"person": person.id}).text, "weekly-data")["limit"] == limit


@pytest.mark.parametrize(
    ("who", "path"), [("director", WEEK), ("resident", "/hours/review"), ("chief", "/hours/review")]
)
def test_the_week_is_for_those_who_log_and_the_review_for_the_program_director(
    past: Web, who: str, path: str
) -> None:
    client, _ = past.signed_in(who)
    assert client.get(path).status_code == 403


def test_clocking_in_and_straight_out_logs_no_empty_period_and_says_so(sqlite_web: Web) -> None:
    client, csrf = sqlite_web.signed_in("resident")
    form = {"csrf_token": csrf, "key": "clock"}
    opened = client.post("/hours/week/clock-in", data=form)
    assert opened.status_code == 200 and 'id="clock-out"' in opened.text
    closed = client.post("/hours/week/clock-out", data=form)
    assert closed.status_code == 200
    said = re.search(r'id="clock-notice"><p>([^<]*)</p>', closed.text)
    assert said is not None and "within a minute of clocking in" in said.group(1)
    assert "nothing logged" in said.group(1)
    page = client.get("/hours/week").text
    assert _period_ids(page) == [] and 'id="clock-in"' in page  # nothing logged, not clocked in
    again = client.post("/hours/week/clock-in", data=form)
    assert again.status_code == 200 and 'id="clock-out"' in again.text


def _justify(client: httpx.Client, csrf: str, period: int, reason: str) -> httpx.Response:
    return client.post(
        f"/hours/week/periods/{period}/justify",
        data={"csrf_token": csrf, "week": "1", "reason": reason, "note": ""},
    )


def _decide(past: Web, decision: str, note: str) -> httpx.Response:
    director, csrf = past.signed_in("director")
    found = re.search(r'id="justification-(\d+)"', director.get("/hours/review").text)
    assert found is not None, "nothing waits for the director"
    return director.post(
        f"/hours/review/{found.group(1)}", data={"csrf_token": csrf, "decision": decision, "note": note}
    )


def test_a_reason_sent_three_times_waits_once_and_the_resends_are_refused_with_why(past: Web) -> None:
    client, csrf = past.signed_in("resident")
    period = _period_ids(_confirm_first_week(client, csrf).text)[0]
    first = _justify(client, csrf, period, "severely_ill_patient")
    assert first.status_code == 200 and "Waiting for the program director" in first.text
    assert first.text.count("Stayed late? Say why") == len(_period_ids(first.text)) - 1
    for _ in range(2):
        again = _justify(client, csrf, period, "severely_ill_patient")
        assert again.status_code == 409
        said = html.unescape(again.text)
        assert (
            f'id="justify-{period}-error"' in said and "is already waiting for the program director" in said
        )
    director, _ = past.signed_in("director")
    review = director.get("/hours/review").text
    assert len(re.findall(r'<li class="card" id="justification-\d+"', review)) == 1


def test_after_a_refusal_a_new_reason_can_be_sent_and_the_week_shows_the_latest_decision(past: Web) -> None:
    client, csrf = past.signed_in("resident")
    period = _period_ids(_confirm_first_week(client, csrf).text)[0]
    _justify(client, csrf, period, "educational_event")
    assert _decide(past, "rejected", "rounds ended at five").status_code == 200
    refused = client.get(WEEK).text
    assert "Refused</b>" in refused and refused.count("Stayed late? Say why") == len(_period_ids(refused))
    assert _justify(client, csrf, period, "severely_ill_patient").status_code == 200
    assert _decide(past, "accepted", "fair enough").status_code == 200
    week = client.get(WEEK).text
    assert "Accepted</b> by Nadia Rahimi: fair enough" in week
    assert "Waiting for the program director" not in week


def test_with_three_reasons_stored_the_week_shows_the_director_s_latest_decision_not_the_last_sent(
    past: Web,
) -> None:
    client, csrf = past.signed_in("resident")
    period = _period_ids(_confirm_first_week(client, csrf).text)[0]
    resident = sign_in_of(past.sign_ins, "resident").person_id or ""
    with past.database.session() as session:  # three sends stored as they were before resends were refused
        hours = HoursRepository(session)
        sent = [
            hours.add_justification(period, Reason.SEVERELY_ILL_PATIENT, "", by=resident) for _ in range(3)
        ]
    director, director_csrf = past.signed_in("director")
    for justification, decision, note in (
        (sent[0], "rejected", "not that night"),
        (sent[1], "accepted", "fine"),
    ):
        done = director.post(
            f"/hours/review/{justification.id}",
            data={"csrf_token": director_csrf, "decision": decision, "note": note},
        )
        assert done.status_code == 200
    week = client.get(WEEK).text
    assert "Accepted</b> by Nadia Rahimi: fine" in week and "Waiting for the program director" not in week
