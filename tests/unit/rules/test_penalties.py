"""Soft goals scored on a roster, worked by hand: requests, fairness within a grade (pro-rated for
leave) and short rest. Each case also holds the model's objective to the same total.

Blocks start on Monday 2026-06-01 (no DST change); the ACGME rules are off unless a case needs
them, so only the goal under test scores.
"""

from __future__ import annotations

from datetime import date

import pytest

from callroom.domain.grades import Grade
from callroom.domain.program import Leave, Person, Program, Request, Weights
from callroom.domain.roster import Roster
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
Row = tuple[str, int, str] | tuple[str, int, str, str]


def _roster(*rows: Row) -> Roster:
    return f.roster(*rows, start=JUNE)


def _scored(program: Program, roster: Roster) -> list[tuple[str, int, str]]:
    assert hard_violations(program, roster) == []
    return [(i.rule.code, i.points, i.detail) for i in score(program, roster).items]


# Requests: on (to work) or off, for any work that day or a named shift and post.


def _asking(request: Request) -> Program:
    ada = f.person("ada", posts=("ward", "icu"), requests=[request])
    return f.program([ada], posts=[f.post("ward"), f.post("icu")], start=JUNE, days=7, acgme=False)


OFF_MONDAY = Request(JUNE, on=False, weight=5)
OFF_MONDAY_NIGHT = Request(JUNE, on=False, weight=5, shift_id="night")
ON_MONDAY = Request(JUNE, on=True, weight=4)
ON_MONDAY_NIGHT_WARD = Request(JUNE, on=True, weight=4, shift_id="night", post_id="ward")


@pytest.mark.parametrize(
    ("request_", "rows", "expected"),
    [
        (OFF_MONDAY, [("ada", 0, "day")], [("request.off", 5, "Ada: off any shift on 2026-06-01 refused")]),
        (OFF_MONDAY, [("ada", 1, "day")], []),
        (OFF_MONDAY_NIGHT, [("ada", 0, "day")], []),
        (
            OFF_MONDAY_NIGHT,
            [("ada", 0, "night", "icu")],
            [("request.off", 5, "Ada: off night on 2026-06-01 refused")],
        ),
        (ON_MONDAY, [], [("request.on", 4, "Ada: to work any shift on 2026-06-01 refused")]),
        (ON_MONDAY, [("ada", 0, "clinic", "icu")], []),
        (ON_MONDAY_NIGHT_WARD, [("ada", 0, "night", "ward")], []),
        (
            ON_MONDAY_NIGHT_WARD,
            [("ada", 0, "night", "icu")],
            [("request.on", 4, "Ada: to work night ward on 2026-06-01 refused")],
        ),
        (
            ON_MONDAY_NIGHT_WARD,
            [("ada", 0, "day", "ward")],
            [("request.on", 4, "Ada: to work night ward on 2026-06-01 refused")],
        ),
    ],
    ids=[
        "off-worked-costs-its-weight",
        "off-granted-costs-nothing",
        "off-a-night-working-a-day-is-granted",
        "off-a-night-working-a-night-elsewhere-is-refused",
        "on-not-working-costs-its-weight",
        "on-any-shift-anywhere-is-granted",
        "on-a-ward-night-working-it-is-granted",
        "on-a-ward-night-working-an-icu-night-is-refused",
        "on-a-ward-night-working-a-ward-day-is-refused",
    ],
)
def test_a_request_costs_its_weight_exactly_when_it_is_refused(
    request_: Request, rows: list[Row], expected: list[tuple[str, int, str]]
) -> None:
    program, roster = _asking(request_), _roster(*rows)
    assert _scored(program, roster) == expected
    assert_model_agrees(program, roster)


def test_a_request_for_a_day_outside_the_block_costs_nothing() -> None:
    program, roster = _asking(Request(f.day(10, JUNE), on=True, weight=4)), _roster()
    assert _scored(program, roster) == []
    assert_model_agrees(program, roster)


# Fairness: the spread of counts among residents of one grade, in tenths of a shift per full
# block, so scale = round(10 × block days / available days); the weight is per tenth.


def _pair(
    bob_leave: tuple[int, int] | None = None, bob_grade: Grade = Grade.PGY2, weights: Weights = Weights()
) -> Program:
    leave = [] if bob_leave is None else [Leave(f.day(bob_leave[0], JUNE), f.day(bob_leave[1], JUNE))]
    people: list[Person] = [f.person("ada"), f.person("bob", bob_grade, leave=leave)]
    return f.program(people, start=JUNE, days=10, acgme=False, weights=weights)


def test_two_nights_in_a_full_block_match_one_night_in_half_a_block() -> None:
    program = _pair(bob_leave=(5, 9))
    roster = _roster(("ada", 0, "night"), ("ada", 2, "night"), ("bob", 1, "night"))
    assert _scored(program, roster) == []
    assert_model_agrees(program, roster)


def test_two_nights_against_none_cost_the_weight_times_the_10_tenths_past_one_free_shift() -> None:
    program = _pair(bob_leave=(5, 9))
    roster = _roster(("ada", 0, "night"), ("ada", 2, "night"))
    assert _scored(program, roster) == [
        ("fairness.nights", 2 * 10, "PGY-2: 2 (ada) vs 0 (bob) per full block")
    ]
    assert_model_agrees(program, roster)


def test_one_night_in_half_a_block_counts_as_two_per_full_block() -> None:
    program = _pair(bob_leave=(5, 9))
    roster = _roster(("bob", 0, "night"))
    assert _scored(program, roster) == [
        ("fairness.nights", 2 * 10, "PGY-2: 2 (bob) vs 0 (ada) per full block")
    ]
    assert_model_agrees(program, roster)


def test_the_leave_scale_is_rounded_to_the_nearest_tenth() -> None:
    # Bob is available 6 days of 10: scale round(100 / 6) = 17 (not 16), so one night is 1.7;
    # 3 nights against 1.7 is a spread of 13 tenths, 3 past the free one.
    program = _pair(bob_leave=(6, 9))
    roster = _roster(("ada", 0, "night"), ("ada", 2, "night"), ("ada", 4, "night"), ("bob", 0, "night"))
    assert _scored(program, roster) == [
        ("fairness.nights", 2 * 3, "PGY-2: 3 (ada) vs 1.7 (bob) per full block")
    ]
    assert_model_agrees(program, roster)


def test_residents_of_different_grades_are_not_compared() -> None:
    program = _pair(bob_grade=Grade.PGY4)
    roster = _roster(("ada", 0, "night"), ("ada", 2, "night"), ("ada", 5, "call"))
    assert _scored(program, roster) == []
    assert_model_agrees(program, roster)


def test_one_weekend_and_one_call_more_than_a_colleague_are_free() -> None:
    program = _pair()
    roster = _roster(("ada", 5, "call"))  # Saturday
    assert _scored(program, roster) == []
    assert_model_agrees(program, roster)


def test_two_calls_against_none_cost_the_weight_times_10_tenths() -> None:
    program = _pair()
    roster = _roster(("ada", 1, "call"), ("ada", 5, "call"))  # the second on a Saturday
    assert _scored(program, roster) == [
        ("fairness.calls", 2 * 10, "PGY-2: 2 (ada) vs 0 (bob) per full block")
    ]
    assert_model_agrees(program, roster)


def test_a_fairness_weight_of_zero_switches_that_count_off() -> None:
    program = _pair(weights=Weights(fairness_nights=0))
    roster = _roster(("ada", 0, "night"))
    assert _scored(program, roster) == []
    assert_model_agrees(program, roster)


# Short rest: the ACGME "should" of 8 hours between periods, priced by Weights.short_rest.


def test_each_short_rest_costs_the_short_rest_weight() -> None:
    early = f.shift_type("early", "02:59", 4)
    shifts = (f.DAY, early)
    program = f.program(
        [f.person("ada")],
        shifts=shifts,
        posts=[f.post("ward", ["day", "early"])],
        start=JUNE,
        days=3,
        weights=Weights(short_rest=35),
    )
    roster = _roster(("ada", 0, "day"), ("ada", 1, "early"))
    assert _scored(program, roster) == [("acgme.short-rest", 35, "Ada: 7 h 59 min off before Early")]
    assert_model_agrees(program, roster)
