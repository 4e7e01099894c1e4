"""Large-neighbourhood search: small models of a few freed cells, kept when they cost no more."""

from __future__ import annotations

import dataclasses
import random
import time
from collections import Counter
from datetime import date
from pathlib import Path

from ortools.sat.python import cp_model

from callroom.domain.program import CoverDemand, Program
from callroom.domain.roster import Assignment, Roster
from callroom.formats.curtois import load_instance
from callroom.formats.program_file import load_program
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from callroom.solver.build.guards import Guards
from callroom.solver.build.model import RosterModel
from callroom.solver.build.space import Item, Space
from callroom.solver.heuristics.construct import Constructor
from callroom.solver.heuristics.lns import TRADE_DAYS, LocalSearch, fits
from callroom.solver.run import Progress, SolveOptions, Status, _polish, solve

CURTOIS = Path(__file__).parents[3] / "bench" / "curtois"
FULL = Path(__file__).parents[2] / "fixtures" / "programs" / "full.yaml"


def _roster(program: Program, items: list[Item]) -> Roster:
    dates = program.block.dates()
    return Roster.of(
        Assignment(program.people[i.person].id, dates[i.day], i.shift.id, i.post.id) for i in items
    )


def _search(name: str, seed: int = 0) -> tuple[Program, LocalSearch, int]:
    program = load_instance(CURTOIS / f"{name}.txt")
    space = Space.build(program, cp_model.CpModel())
    first = Constructor(space).roster()
    total = score(program, _roster(program, first)).total
    return program, LocalSearch(space, first, seed, total), total


def test_every_step_keeps_every_hard_rule_and_never_raises_the_penalty() -> None:
    # Instance8: forbidden successions, a cap on nights, runs of work and rest, weekends.
    program, search, total = _search("Instance8")
    for kind in list(search.kinds.values()) * 3:
        search.step(kind, search._cells(kind))
        roster = _roster(program, search.roster())
        assert hard_violations(program, roster) == []
        now = score(program, roster).total
        assert now <= total
        total = now


def test_a_trade_frees_the_week_of_a_costly_slot_and_a_far_week_of_each_freed_persons_work() -> None:
    _, search, _ = _search("Instance8")
    state = search.random.getstate()
    day, shift = search._worst_slot()
    search.random.setstate(state)  # the trade picks the same slot
    cells = search._cells(search.kinds["trade"])
    by_person: dict[int, set[int]] = {}
    for p, d in cells:
        by_person.setdefault(p, set()).add(d)
    far_weeks = 0
    for p, days in by_person.items():
        assert shift in search.shifts_of[p] and not search.people[p].off_days[day]
        elsewhere = days - set(search._around(day, TRADE_DAYS))
        if elsewhere:
            assert max(elsewhere) - min(elsewhere) < TRADE_DAYS
            assert any(abs(d - day) > TRADE_DAYS and d in search.held[p] for d in elsewhere)
            far_weeks += 1
    assert far_weeks > 0 and far_weeks >= len(by_person) // 2


def test_a_block_step_frees_a_few_people_on_every_day_of_the_block_they_may_work() -> None:
    # Instance16 is 8 weeks long, twice the longest window of weeks.
    program, search, total = _search("Instance16")
    kind = search.kinds["block"]
    kind.cells = 300
    cells = search._cells(kind)
    people = {p for p, _ in cells}
    assert len(people) == round(300 / search.days) > 1
    for p in people:
        on = {d for q, d in cells if q == p}
        assert on == {d for d in range(search.days) if not search.people[p].off_days[d]}
    search.step(kind, cells)
    roster = _roster(program, search.roster())
    assert hard_violations(program, roster) == [] and score(program, roster).total <= total


def test_a_block_no_longer_than_the_longest_window_has_no_block_steps() -> None:
    _, search, _ = _search("Instance8")  # 28 days
    assert "block" not in search.kinds


def test_the_search_improves_a_small_instance_and_its_own_tally_matches_the_evaluator() -> None:
    program, search, constructed = _search("Instance5")
    roster = _roster(program, search.run(None, max_steps=20))
    assert hard_violations(program, roster) == []
    assert score(program, roster).total < constructed
    assert score(program, roster).total == constructed - search.stats.gained


def test_the_same_seed_and_steps_give_the_same_roster() -> None:
    program, first, _ = _search("Instance7", seed=3)
    _, second, _ = _search("Instance7", seed=3)
    one = _roster(program, first.run(None, max_steps=12))
    assert one == _roster(program, second.run(None, max_steps=12))
    assert first.stats.gained == second.stats.gained


def test_two_threads_keep_every_rule_and_the_tally_of_what_they_gained() -> None:
    program, search, constructed = _search("Instance8")
    roster = _roster(program, search.run(None, max_steps=16, threads=2))
    assert hard_violations(program, roster) == []
    assert score(program, roster).total == constructed - search.stats.gained <= constructed


def test_hard_cover_bounds_hold_through_every_step() -> None:
    # Instance5 with every slot held to at least what the constructed roster gives it and at
    # most one more: each step may move work only where the bounds leave room.
    program, search, _ = _search("Instance5")
    roster = _roster(program, search.roster())
    held = Counter((a.day, a.shift_id) for a in roster.assignments)
    bounded = dataclasses.replace(
        program,
        demands=tuple(_bounded(demand, held) for demand in program.demands),
    )
    space = Space.build(bounded, cp_model.CpModel())
    by_cell = {(i.person, i.day, i.shift.id): i for days in space.items for day in days for i in day}
    start = [by_cell[i.person, i.day, i.shift.id] for i in search.roster()]
    assert hard_violations(bounded, _roster(bounded, start)) == []
    bounded_search = LocalSearch(space, start, seed=1)
    for _ in range(3):
        after = _roster(bounded, bounded_search.run(None, max_steps=bounded_search.stats.steps + 5))
        assert hard_violations(bounded, after) == []


def _bounded(demand: CoverDemand, held: Counter[tuple[date, str]]) -> CoverDemand:
    [day] = demand.days.include
    count = held[day, demand.shift_id]
    [need] = demand.requirements
    return dataclasses.replace(
        demand, requirements=(dataclasses.replace(need, minimum=count, maximum=count + 1),)
    )


def test_freeing_nothing_changes_nothing() -> None:
    program, search, total = _search("Instance2")
    assert search.step(search.kinds["window"], {}) == 0
    assert score(program, _roster(program, search.roster())).total == total


def test_a_large_general_program_is_solved_by_the_search_without_its_whole_model() -> None:
    program = load_instance(CURTOIS / "Instance13.txt")  # 120 people, 18 shift types
    constructed = score(
        program, _roster(program, Constructor(Space.build(program, cp_model.CpModel())).roster())
    ).total
    heard: list[Progress] = []
    solution = solve(program, SolveOptions(time_limit_s=6, seed=0), on_progress=heard.append)
    assert solution.status is Status.FEASIBLE and solution.roster is not None
    assert solution.violations == ()
    assert solution.objective == score(program, solution.roster).total < constructed
    told = [p.objective for p in heard if p.objective is not None]
    assert told and told == sorted(told, reverse=True)
    assert solution.objective <= told[-1]


def test_a_search_that_adopts_a_better_roster_goes_on_from_it_and_counts_from_its_penalty() -> None:
    program, search, _ = _search("Instance8")
    polished = Constructor(search.space).polish(search.run(None, max_steps=4), None)
    polished_total = score(program, _roster(program, polished)).total
    heard: list[int] = []

    search.adopt(polished, polished_total)
    gained_before = search.stats.gained
    roster = _roster(program, search.run(None, max_steps=search.stats.steps + 12, on_gain=heard.append))

    assert hard_violations(program, roster) == []
    assert score(program, roster).total == polished_total - (search.stats.gained - gained_before)
    assert heard and heard[-1] == score(program, roster).total


def test_time_the_polish_leaves_goes_back_to_the_search_from_the_polished_roster() -> None:
    program, search, _ = _search("Instance8")
    searched = search.run(None, max_steps=4)
    built = RosterModel(
        program, search.space.model, search.space, Guards(search.space.model, enabled=False), []
    )
    polished = Constructor(search.space).polish(searched, None)
    found: list[list[Item]] = []

    def go_on() -> list[Item]:
        found.append(search.roster())
        return search.roster()

    assert _polish(built, search, searched, time.monotonic() + 60, go_on) == search.roster()
    assert [_roster(program, roster) for roster in found] == [_roster(program, polished)]
    assert _polish(built, search, searched, time.monotonic() - 1, go_on) == searched  # no time left
    assert len(found) == 1


def _unpolished(name: str) -> tuple[Program, LocalSearch, int]:
    """A search from the constructor's day-by-day schedules, before its rounds of replanning."""
    program = load_instance(CURTOIS / f"{name}.txt")
    constructor = Constructor(Space.build(program, cp_model.CpModel()))
    first = [item for person in constructor.people for item in constructor._place(person)]
    total = score(program, _roster(program, first)).total
    return program, LocalSearch(constructor.space, first, 0, total), total


def test_what_a_person_working_a_shift_is_worth_is_what_moving_them_there_saves() -> None:
    _, search, _ = _search("Instance8")
    rng = random.Random(5)
    for _ in range(200):
        p, d = rng.randrange(len(search.people)), rng.randrange(search.days)
        held = search.held[p].get(d)
        for item in [None, *search.space.items[p][d]]:
            change = search._change({(p, d): item})
            assert change is not None
            assert search._worth(p, d, item) - search._worth(p, d, held) == -change


def test_replanning_each_person_lowers_the_penalty_keeps_every_rule_and_tallies_its_gains() -> None:
    program, search, start = _unpolished("Instance8")
    for p in range(len(search.people)):
        search._replan(p)
    roster = _roster(program, search.roster())
    assert hard_violations(program, roster) == []
    assert search.stats.replanned == search.stats.gained > 0
    assert score(program, roster).total == start - search.stats.gained


def test_one_thread_replans_people_beside_the_steps_of_the_other() -> None:
    program, search, start = _unpolished("Instance8")
    heard: list[int] = []
    roster = _roster(program, search.run(None, max_steps=30, threads=2, replan=True, on_gain=heard.append))
    assert hard_violations(program, roster) == []
    assert search.stats.replanned > 0
    assert score(program, roster).total == start - search.stats.gained == heard[-1]


def test_programs_under_acgme_rules_are_not_for_the_search() -> None:
    assert load_program(FULL).rules.acgme
    assert not fits(load_program(FULL))
    assert fits(load_instance(CURTOIS / "Instance1.txt"))
