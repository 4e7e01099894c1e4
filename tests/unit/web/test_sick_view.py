"""The sick-call form read into a repair ask, its defaults on the hospital's wall clock, and a
stored repair's payload put into words for the page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callroom.errors import Invalid
from callroom.web import sick_view
from tests.web_demo import demo_program


def test_the_form_starts_from_now_on_the_hospital_s_clock_to_the_end_of_tomorrow() -> None:
    # 14:20 UTC on 10 March 2027 is 09:20 in New York (EST, before the clocks change).
    found = sick_view.defaults(demo_program(), datetime(2027, 3, 10, 14, 20, tzinfo=UTC))
    assert found["from_day"] == "2027-03-10" and found["from_time"] == "09:20"
    assert found["to_day"] == "2027-03-11" and found["to_time"] == ""


def test_outside_the_live_block_the_form_starts_on_the_block_s_first_day() -> None:
    found = sick_view.defaults(demo_program(), datetime(2026, 12, 5, 6, 0, tzinfo=UTC))
    assert (found["from_day"], found["from_time"], found["to_day"]) == ("2027-03-01", "", "2027-03-02")


def test_a_day_alone_is_the_whole_day_and_a_time_makes_it_a_wall_clock_instant() -> None:
    form = {
        "absent": "ann",
        "from_day": "2027-03-10",
        "from_time": "07:30",
        "to_day": "2027-03-12",
        "to_time": "",
        "time_limit": "30",
        "only-bo": "on",
        "only-cy": "on",
        "note": " flu ",
    }
    ask = sick_view.ask_of(form)
    assert (ask.absent, ask.start, ask.end) == ("ann", "2027-03-10T07:30", "2027-03-12")
    assert (ask.only, ask.time_limit_s, ask.note) == (("bo", "cy"), 30, "flu")


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"absent": ""}, "absent"),
        ({"from_day": ""}, "from"),
        ({"from_day": "10/03/2027"}, "from"),
        ({"to_time": "late"}, "to"),
        ({"time_limit": "5"}, "time_limit"),
    ],
)
def test_what_cannot_be_read_is_refused_naming_its_field(typed: dict[str, str], field: str) -> None:
    form = {"absent": "ann", "from_day": "2027-03-10", "to_day": "2027-03-11", "time_limit": "10"}
    with pytest.raises(Invalid) as refused:
        sick_view.ask_of(form | typed)
    assert refused.value.field == field


def test_each_shift_left_uncovered_keeps_the_reasons_nobody_could_take_it() -> None:
    payload = {
        "shortfalls": [
            "Ward, Call on 2027-03-10 goes short by 1",
            "Ward, Call on 2027-03-11 goes short by 1",
        ],
        "shortfall_keys": [
            {"rule": "cover.minimum", "post_id": "ward", "shift_id": "call", "day": d, "grades": "PGY-3+"}
            for d in ("2027-03-10", "2027-03-11")
        ],
        "blockers": [
            "Ward, Call on 2027-03-10 goes short by 1",
            "  Bo: already works Call on Ward that day",
            "  Cy: acgme.q3: 3 calls in 6 nights",
            "Ward, Call on 2027-03-11 goes short by 1",
            "  nobody of grade PGY-3+ may work it",
        ],
    }
    first, second = sick_view.uncovered(payload)
    assert first.why_not == ("Bo: already works Call on Ward that day", "Cy: acgme.q3: 3 calls in 6 nights")
    assert (second.index, second.day.isoformat(), second.shift_id, second.post_id) == (
        1,
        "2027-03-11",
        "call",
        "ward",
    )
    assert second.why_not == ("nobody of grade PGY-3+ may work it",)


def test_the_moves_read_by_day_who_comes_off_before_who_goes_on_each_with_its_rule() -> None:
    payload = {
        "moves": [
            {
                "person_id": "bo",
                "name": "Bo",
                "day": "2027-03-10",
                "before": "off",
                "after": "Call on Ward",
                "reasons": ["cover.minimum: Ward, Call on 2027-03-10: 0 PGY-3+; at least 1"],
            },
            {
                "person_id": "ann",
                "name": "Ann",
                "day": "2027-03-10",
                "before": "Call on Ward",
                "after": "off",
                "reasons": ["absent 2027-03-10 to 2027-03-12"],
            },
        ]
    }
    off, on = sick_view.rows(payload, "from the start of Wed 10 Mar to the end of Fri 12 Mar")
    assert (off.name, off.direction, on.name, on.direction) == ("Ann", "off", "Bo", "on")
    assert off.reasons == (
        sick_view.Reason("Off sick", "from the start of Wed 10 Mar to the end of Fri 12 Mar"),
    )
    assert on.reasons[0].rule == "Hard minimum cover by grade"


def test_the_absence_is_said_on_the_wall_clock_as_typed() -> None:
    program = demo_program()
    assert sick_view.span(program, {"from": "2027-03-10T07:30", "to": "2027-03-12"}) == (
        "from 07:30 on Wed 10 Mar to the end of Fri 12 Mar"
    )
    assert sick_view.span(program, {"from": "2027-03-10", "to": "2027-03-10T19:00-05:00"}) == (
        "from the start of Wed 10 Mar to 19:00 EST on Wed 10 Mar"
    )


def test_a_sick_call_taken_back_to_its_form_asks_for_the_same_repair_again() -> None:
    typed = {
        "absent": "sefa-uribe",
        "from_day": "2027-03-10",
        "from_time": "07:30",
        "to_day": "2027-03-12",
        "to_time": "",
        "note": "flu",
        "time_limit": "30",
        "only-kofi-adeyemi": "on",
        "only-ezra-kaplan": "on",
    }
    ask = sick_view.ask_of(typed)
    assert sick_view.form_of(ask) == typed
    assert sick_view.ask_of(sick_view.form_of(ask)) == ask
