"""Cover against capacity: a program whose eligible people cannot give the shifts its cover
needs is infeasible at once, and the explanation is the sum, the same on every run."""

from __future__ import annotations

from datetime import date

from ortools.sat.python import cp_model

from callroom.domain.grades import Grade
from callroom.domain.program import AcgmeLimits, DayPattern, Leave, PersonLimits, Program
from callroom.domain.shifts import ShiftKind
from callroom.solver.build.model import build_model
from callroom.solver.explain.capacity import shortage
from callroom.solver.explain.infeasible import _holds, explain_infeasibility
from callroom.solver.run import SolveOptions, Status, solve
from tests.factories import CALL, DAY, MONDAY, day, demand, need, person, post, program, shift_type

QUICK = SolveOptions(time_limit_s=5, seed=0)
FALL_BACK_WEEK = date(2026, 10, 26)  # a Monday; clocks go back at 02:00 on Sunday 2026-11-01
ROUND = shift_type("round", "07:00", 4, ShiftKind.DAY)


def seniors_on_call(
    count: int, start: date = MONDAY, days: int = 28, limits: AcgmeLimits = AcgmeLimits()
) -> Program:
    """`count` PGY-3s share a 24-hour call that needs one of them every night."""
    people = [person(f"dr-{chr(97 + i)}", Grade.PGY3, posts=["neuro"]) for i in range(count)]
    return program(
        people,
        shifts=[CALL],
        posts=[post("neuro", ["call"])],
        start=start,
        days=days,
        limits=limits,
        demands=[demand("neuro", "call", need(minimum=1, grades="PGY-3+"))],
    )


def on(day_: date) -> DayPattern:
    return DayPattern(weekdays=frozenset(), include=frozenset({day_}))


def test_it_proves_three_seniors_with_nine_calls_each_cannot_cover_twenty_eight_nights() -> None:
    solution = solve(seniors_on_call(3), QUICK)
    assert solution.status is Status.INFEASIBLE and solution.explanation is not None
    text = str(solution.explanation)
    assert "Dr-A may take at most 9 in-house call nights in 28 days" in text
    assert "Dr-A 9 + Dr-B 9 + Dr-C 9 = 27 of the 28 needed: 27 < 28." in text


def test_it_explains_two_eligible_with_the_same_sum_on_every_seed_and_time_limit() -> None:
    texts = {
        str(solve(seniors_on_call(2), SolveOptions(time_limit_s=5, seed=seed)).explanation)
        for seed in range(3)
    }
    texts |= {str(explain_infeasibility(seniors_on_call(2), time_limit_s=limit)) for limit in (0.01, 10)}
    assert len(texts) == 1
    assert "Dr-A 9 + Dr-B 9 = 18 of the 28 needed: 18 < 28." in texts.pop()


def test_it_leaves_a_program_with_enough_capacity_to_the_search() -> None:
    four = seniors_on_call(4)
    assert shortage(four) is None
    assert solve(four, QUICK).status in (Status.OPTIMAL, Status.FEASIBLE)


def test_it_takes_leave_out_of_a_persons_calls() -> None:
    people = [
        person("ann", Grade.PGY3, posts=["neuro"], leave=[Leave(day(3), day(9))]),
        person("bo", Grade.PGY4, posts=["neuro"]),
    ]
    found = shortage(
        program(
            people,
            shifts=[CALL],
            posts=[post("neuro", ["call"])],
            demands=[demand("neuro", "call", need(minimum=1, grades="PGY-3+"))],
        )
    )
    assert found is not None
    assert "Ann may take at most 7 in-house call nights in 21 days" in "\n".join(found.sentences)
    assert found.sentences[-1].endswith("Ann 7 + Bo 9 = 16 of the 28 needed: 16 < 28.")


def test_it_names_the_day_on_which_too_few_eligible_people_are_free() -> None:
    people = [
        person("ann", Grade.PGY3, posts=["neuro"], leave=[Leave(day(3), day(4))]),
        person("bo", Grade.PGY4, posts=["neuro"], days_off=[day(3)]),
    ]
    found = shortage(
        program(
            people,
            shifts=[CALL],
            posts=[post("neuro", ["call"])],
            days=6,
            demands=[demand("neuro", "call", need(minimum=1, grades="PGY-3+"))],
        )
    )
    assert found is not None
    assert found.sentences[1:] == (
        "- Neuro (Call) needs at least 1 PGY-3+ on 2026-03-05; eligible: Ann, Bo.",
        "- Ann is on leave on 2026-03-05.",
        "- Bo is off (fixed day off) on 2026-03-05.",
        "On 2026-03-05 only 0 of them can work: 0 < 1.",
    )


def test_it_counts_the_longest_runs_and_the_caps_on_shifts_of_attendings() -> None:
    people = [
        person("ann", Grade.ATTENDING, posts=["day"], limits=PersonLimits(max_consecutive_work=4)),
        person("bo", Grade.ATTENDING, posts=["day"], limits=PersonLimits(max_shifts={"day": 4})),
    ]
    found = shortage(
        program(
            people,
            shifts=[DAY],
            posts=[post("day", ["day"])],
            demands=[demand("day", "day", need(minimum=1))],
        )
    )
    assert found is not None
    text = "\n".join(found.sentences)
    assert "Ann may work Day on at most 23 of the 28 days: at most 4 working days in a row." in text
    assert "Bo may work at most 4 Day shifts." in text
    assert "Ann 23 + Bo 4 = 27 of the 28 needed: 27 < 28." in text


def test_it_gives_guard_keys_that_conflict_in_the_model_as_well() -> None:
    three = seniors_on_call(3)
    found = shortage(three)
    assert found is not None
    assert _holds(build_model(three, explain=True), list(found.keys), 10) == cp_model.INFEASIBLE


def test_it_counts_calls_across_the_fall_back_night_in_elapsed_hours() -> None:
    every_night = AcgmeLimits(call_every_nth_night=1, weekly_hours=200)
    found = shortage(seniors_on_call(1, start=FALL_BACK_WEEK, days=14, limits=every_night))
    assert found is not None
    assert (
        "Dr-A may work Call on at most 7 of the 14 days: Call on two days in a row is 48 h "
        "continuous (49 h from 2026-10-30, 49 h from 2026-10-31, across the clock change), "
        "more than 24 + 4 h"
    ) in "\n".join(found.sentences)


def test_it_cites_a_call_on_the_fall_back_night_and_the_shift_after_it_in_elapsed_hours() -> None:
    saturday, sunday = date(2026, 10, 31), date(2026, 11, 1)
    ann = person("ann", Grade.PGY3, posts=["neuro", "rounds"])
    fall_back = program(
        [ann],
        shifts=[CALL, ROUND],
        start=FALL_BACK_WEEK,
        days=7,
        posts=[post("neuro", ["call"]), post("rounds", ["round"], new_patients=False)],
        demands=[
            demand("neuro", "call", need(minimum=1), days=on(saturday)),
            demand("rounds", "round", need(minimum=1), days=on(sunday)),
        ],
    )
    solution = solve(fall_back, QUICK)
    assert solution.status is Status.INFEASIBLE and solution.explanation is not None
    assert (
        "Ann may not work Call on 2026-10-31 and then Round on 2026-11-01: 29 h continuous "
        "(Call on 2026-10-31 lasts 25 h across the clock change), more than 24 + 4 hours"
    ) in str(solution.explanation)
