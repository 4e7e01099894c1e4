"""The demo program: the packaged St. Elsewhere file is big enough to be the real thing, matches
its generator, and solves to a roster that breaks no hard rule."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from callroom.demo import DEMO_PROGRAM, demo_program_path
from callroom.demo.generate import program_text
from callroom.domain.grades import Grade
from callroom.domain.program import Program
from callroom.formats.program_file import load_program
from callroom.rules.check import hard_violations
from callroom.rules.cover import demand_days
from callroom.solver.run import SolveOptions, Status, solve


@pytest.fixture(scope="module")
def demo() -> Program:
    return load_program(demo_program_path())


def test_the_packaged_path_is_the_yaml_next_to_the_package() -> None:
    assert demo_program_path() == DEMO_PROGRAM
    assert DEMO_PROGRAM.name == "st_elsewhere.yaml" and DEMO_PROGRAM.is_file()


def test_the_generator_writes_exactly_the_committed_file() -> None:
    # If this fails, regenerate: python -m callroom.demo.generate > src/callroom/demo/st_elsewhere.yaml
    assert program_text() == DEMO_PROGRAM.read_text(encoding="utf-8")


def test_it_has_sixty_residents_across_all_five_years_and_fifteen_attendings(demo: Program) -> None:
    grades = [person.grade for person in demo.people]
    residents = [g for g in grades if g.is_resident]

    assert len(residents) >= 60
    assert set(residents) == {Grade.PGY1, Grade.PGY2, Grade.PGY3, Grade.PGY4, Grade.PGY5}
    assert grades.count(Grade.ATTENDING) >= 15


def test_it_staffs_every_service_the_story_names(demo: Program) -> None:
    named = {
        "gs-day",
        "gs-night",
        "pit",
        "neuro-day",
        "neuro-call",
        "ct-day",
        "plastics-day",
        "peds-day",
        "free-clinic",
    }

    assert len(demo.posts) >= 8
    assert named <= set(demo.post)
    assert {demand.post_id for demand in demo.demands} == set(demo.post)


def test_its_block_is_four_weeks_from_a_monday_across_the_spring_clock_change(demo: Program) -> None:
    zone = ZoneInfo(demo.hospital.timezone)
    noons = (datetime.combine(day, time(12), zone) for day in (demo.block.start, demo.block.end))
    offsets = {noon.utcoffset() for noon in noons}

    assert (demo.block.start, demo.block.days) == (date(2027, 3, 1), 28)
    assert demo.block.start.weekday() == 0
    assert len(offsets) == 2


def test_it_has_leave_fixed_days_off_requests_both_ways_and_declared_conflicts(demo: Program) -> None:
    leave_kinds = {leave.kind for person in demo.people for leave in person.leave}
    requests = [request for person in demo.people for request in person.requests]

    assert {"vacation", "conference"} <= leave_kinds
    assert sum(1 for person in demo.people if person.leave) >= 5
    assert any(person.days_off for person in demo.people)
    assert {request.on for request in requests} == {True, False}
    assert any(request.shift_id is not None for request in requests)
    assert len({request.weight for request in requests}) > 1
    assert len(demo.conflicts) >= 2 and all(conflict.reason for conflict in demo.conflicts)


def test_every_resident_works_for_their_own_rotation(demo: Program) -> None:
    for person in demo.people:
        if person.grade.is_resident:
            services = {demo.post[post_id].service_id for post_id in person.post_ids}
            assert person.rotation in services, person.id


def test_acgme_rules_bind_with_the_neurosurgery_88_hour_exception(demo: Program) -> None:
    neuro = next(p for p in demo.people if p.rotation == "neurosurgery" and p.grade.is_resident)
    general = next(p for p in demo.people if p.rotation == "gen-surg" and p.grade.is_resident)

    assert demo.rules.acgme
    assert demo.rules.limits_for(neuro).weekly_hours == 88  # type: ignore[union-attr]
    assert demo.rules.limits_for(general).weekly_hours == 80  # type: ignore[union-attr]


def test_hard_minimums_ask_for_well_under_what_the_residents_can_give(demo: Program) -> None:
    # The demo must always solve: resident minimums stay under 60% of the days residents are
    # available, while targets ask for more, so the solver has trade-offs to make.
    needed = sum(
        max(
            (need.minimum for need in demand.requirements if need.grades.highest < Grade.ATTENDING), default=0
        )
        * len(demand_days(demo, demand))
        for demand in demo.demands
    )
    wanted = sum(
        max(
            (
                max(need.minimum, need.target or 0)
                for need in demand.requirements
                if need.grades.highest < Grade.ATTENDING
            ),
            default=0,
        )
        * len(demand_days(demo, demand))
        for demand in demo.demands
    )
    available = sum(
        1 for p in demo.people if p.grade.is_resident for day in demo.block.dates() if not p.unavailable(day)
    )

    assert needed < 0.6 * available
    assert wanted > needed * 1.3


@pytest.mark.slow
def test_a_short_solve_finds_a_roster_that_breaks_no_hard_rule(demo: Program) -> None:
    solution = solve(demo, SolveOptions(time_limit_s=8, workers=2, seed=0, deterministic=False))

    assert solution.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert solution.roster is not None and solution.report is not None
    assert hard_violations(demo, solution.roster) == []
    assert solution.report.total > 0  # targets above the minimums: there is always something to trade
