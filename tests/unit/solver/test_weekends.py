"""Weekend cover first: where weekends are scarce, the search starts with weekend short cover
weighed more."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from ortools.sat.python import cp_model

from callroom.domain.days import is_weekend
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.formats.curtois import load_instance
from callroom.rules.penalties import PenaltyReport, score
from callroom.solver.build.space import Space
from callroom.solver.heuristics.construct import Constructor
from callroom.solver.heuristics.weekends import (
    CAPPED_WEEKDAY_WEIGHT,
    WEEKEND_WEIGHT,
    capped_shifts,
    scarce,
    weekend_first,
)

CURTOIS = Path(__file__).parents[3] / "bench" / "curtois"


def _constructed(program: Program) -> Roster:
    items = Constructor(Space.build(program, cp_model.CpModel())).roster()
    dates = program.block.dates()
    return Roster.of(
        Assignment(program.people[i.person].id, dates[i.day], i.shift.id, i.post.id) for i in items
    )


def _by_day(report: PenaltyReport, rule: str) -> Counter[date]:
    points: Counter[date] = Counter()
    for item in report.items:
        if item.rule.code == rule and item.day is not None:
            points[item.day] += item.points
    return points


def test_weekends_are_scarce_where_their_targets_ask_for_nearly_all_the_weekend_caps_allow() -> None:
    # Instance19: 535 person-days asked on weekends, 516 allowed by 40 caps.
    assert scarce(load_instance(CURTOIS / "Instance19.txt"))
    # Instance9: 118 asked, 184 allowed.
    nine = load_instance(CURTOIS / "Instance9.txt")
    assert not scarce(nine)
    assert weekend_first(nine) is None


def test_the_weekend_first_program_weighs_only_short_cover_on_weekends_more() -> None:
    program = load_instance(CURTOIS / "Instance19.txt")
    shaped = weekend_first(program)
    assert shaped is not None
    roster = _constructed(program)
    own, first = score(program, roster), score(shaped, roster)

    own_under, first_under = _by_day(own, "cover.under"), _by_day(first, "cover.under")
    assert any(is_weekend(day) for day in own_under) and any(not is_weekend(day) for day in own_under)
    for day in own_under.keys() | first_under.keys():
        assert first_under[day] == own_under[day] * (WEEKEND_WEIGHT if is_weekend(day) else 1)
    assert _by_day(first, "cover.over") == _by_day(own, "cover.over")
    for rule in ("request.on", "request.off"):
        assert _by_day(first, rule) == _by_day(own, rule)


def test_the_weekend_first_program_asks_for_the_same_cover_on_the_same_days() -> None:
    program = load_instance(CURTOIS / "Instance13.txt")
    shaped = weekend_first(program)
    assert shaped is not None
    empty = Roster.of([])
    # With no one at work every slot is short by its target: the same slots, the same people.
    own, first = _by_day(score(program, empty), "cover.under"), _by_day(score(shaped, empty), "cover.under")
    assert own.keys() == first.keys()
    assert sum(first.values()) > sum(own.values())
    assert all(first[d] == own[d] * (WEEKEND_WEIGHT if is_weekend(d) else 1) for d in own)


def test_a_shift_type_everyones_maximum_cannot_fill_is_left_short_on_weekends_first() -> None:
    # Instance15 asks for 104 n1 and 94 n2 shifts; everyone's maximum adds up to 84 and 78.
    program = load_instance(CURTOIS / "Instance15.txt")
    assert capped_shifts(program) == {"n1", "n2"}
    shaped = weekend_first(program)
    assert shaped is not None
    own = {d.id: d.requirements for d in program.demands}
    for demand in shaped.demands:
        on_weekends = demand.id.endswith(":weekend")
        capped = demand.shift_id in ("n1", "n2")
        if capped:
            times = 1 if on_weekends else CAPPED_WEEKDAY_WEIGHT
        else:
            times = WEEKEND_WEIGHT if on_weekends else 1
        for first, mine in zip(demand.requirements, own[demand.id.removesuffix(":weekend")], strict=True):
            assert first.weight_under == mine.weight_under * times


def test_no_shift_type_is_capped_where_everyones_maximum_covers_it() -> None:
    # Instance19's nights: 179 asked, 206 allowed.
    assert capped_shifts(load_instance(CURTOIS / "Instance19.txt")) == frozenset()
