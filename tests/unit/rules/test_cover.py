"""Cover: hard minimums and maximums by grade, and soft targets with their weights, by hand.

A one-day block (Monday 2026-06-01) with the ACGME rules off, so only cover speaks. Ada and Bob
are PGY-2s, Cy a PGY-4; the ward's day shift carries the demand, the clinic does not.
"""

from __future__ import annotations

from datetime import date

import pytest

from callroom.domain.grades import Grade
from callroom.domain.program import CoverRequirement, DayPattern, Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import check_all
from callroom.rules.penalties import score
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)


def _program(*requirements: CoverRequirement, days: DayPattern = DayPattern()) -> Program:
    people = [
        f.person("ada", posts=("ward", "clinic")),
        f.person("bob", posts=("ward", "clinic")),
        f.person("cy", Grade.PGY4, posts=("ward", "clinic")),
    ]
    posts = [f.post("ward"), f.post("clinic", team="clinic")]
    return f.program(
        people,
        posts=posts,
        demands=[f.demand("ward", "day", *requirements, days=days)],
        start=JUNE,
        days=1,
        acgme=False,
    )


def _on_the_ward(*people: str, shift: str = "day", post: str = "ward") -> Roster:
    return f.roster(*((p, 0, shift, post) for p in people), start=JUNE)


AT_LEAST_ONE_SENIOR = f.need(minimum=1, grades="PGY-3+")


def test_a_pgy4_on_the_ward_meets_at_least_one_pgy3_plus() -> None:
    program, roster = _program(AT_LEAST_ONE_SENIOR), _on_the_ward("ada", "cy")
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_two_pgy2s_do_not_make_one_pgy3_plus() -> None:
    program, roster = _program(AT_LEAST_ONE_SENIOR), _on_the_ward("ada", "bob")
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit, v.day) for v in found] == [(ids.COVER_MINIMUM, 0, 1, JUNE)]
    assert found[0].message == "Ward, Day on 2026-06-01: 0 PGY-3+; at least 1"
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(
    ("shift", "post"), [("night", "ward"), ("day", "clinic")], ids=["another-shift", "another-post"]
)
def test_a_senior_on_another_shift_or_post_does_not_cover_the_ward_day(shift: str, post: str) -> None:
    program, roster = _program(AT_LEAST_ONE_SENIOR), _on_the_ward("cy", shift=shift, post=post)
    assert [(v.rule, v.measured) for v in check_all(program, roster)] == [(ids.COVER_MINIMUM, 0)]
    assert_model_agrees(program, roster)


def test_a_demand_only_binds_on_its_days() -> None:
    tuesdays = DayPattern(weekdays=frozenset({1}))
    program, roster = _program(AT_LEAST_ONE_SENIOR, days=tuesdays), _on_the_ward()
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_each_requirement_of_a_demand_is_checked_on_its_own() -> None:
    program = _program(f.need(minimum=2), AT_LEAST_ONE_SENIOR)
    roster = _on_the_ward("ada", "bob")
    assert [(v.rule, v.measured, v.limit) for v in check_all(program, roster)] == [(ids.COVER_MINIMUM, 0, 1)]
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(
    ("people", "over"),
    [(("ada", "cy"), False), (("ada", "bob", "cy"), True)],
    ids=["two-meet-a-maximum-of-two", "three-break-it"],
)
def test_at_most_two_on_the_ward(people: tuple[str, ...], over: bool) -> None:
    program, roster = _program(f.need(maximum=2)), _on_the_ward(*people)
    found = check_all(program, roster)
    assert [(v.rule, v.measured, v.limit) for v in found] == ([(ids.COVER_MAXIMUM, 3, 2)] if over else [])
    assert all(v.message == "Ward, Day on 2026-06-01: 3 any grade; at most 2" for v in found)
    assert_model_agrees(program, roster)


TWO_WANTED = f.need(target=2, under=30, over=7)


@pytest.mark.parametrize(
    ("people", "penalties"),
    [
        (("ada",), {ids.COVER_UNDER.code: 30}),
        ((), {ids.COVER_UNDER.code: 60}),
        (("ada", "bob"), {}),
        (("ada", "bob", "cy"), {ids.COVER_OVER.code: 7}),
    ],
    ids=["one-under-costs-30", "two-under-cost-60", "on-target-costs-nothing", "one-over-costs-7"],
)
def test_a_soft_target_of_two_costs_its_weights_per_person_under_or_over(
    people: tuple[str, ...], penalties: dict[str, int]
) -> None:
    program, roster = _program(TWO_WANTED), _on_the_ward(*people)
    assert check_all(program, roster) == []
    assert score(program, roster).by_rule() == penalties
    assert_model_agrees(program, roster)


def test_a_soft_target_by_grade_counts_only_that_grade() -> None:
    program = _program(f.need(target=1, grades="PGY-3+", under=50))
    roster = _on_the_ward("ada", "bob")
    report = score(program, roster)
    assert [(i.rule, i.points, i.detail) for i in report.items] == [
        (ids.COVER_UNDER, 50, "Ward, Day on 2026-06-01: 0 PGY-3+, target 1")
    ]
    assert_model_agrees(program, roster)
