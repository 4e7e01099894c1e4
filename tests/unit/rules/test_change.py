"""What an edit would do, checked before it is saved: only the touched people and cover are
checked, and the answer must equal the difference between two full checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import CallroomError
from callroom.rules import ids
from callroom.rules.change import Change, DoesNotApply, give_away, impact, swap
from callroom.rules.check import check_all
from tests import factories as f
from tests import strategies as strat

CALLS = {"ada": (0, 4, 8), "bob": (1, 5), "cyd": (2, 6), "dan": (3, 7)}


def _call_rota() -> tuple[Program, Roster]:
    """Four residents share one in-house call a night for nine nights, with no rule broken."""
    program = f.program([f.person(pid) for pid in CALLS], demands=[f.demand("ward", "call")], days=9)
    roster = f.roster(*[(pid, d, "call") for pid, days in CALLS.items() for d in days])
    assert check_all(program, roster) == []
    return program, roster


def test_a_night_twelve_hours_after_a_call_is_reported_with_the_rest_rule() -> None:
    program, roster = _call_rota()
    extra = Assignment("bob", f.day(2), "night", "ward")
    result = impact(program, roster, Change(added=(extra,)))
    assert not result.acceptable
    assert ids.REST_AFTER_CALL in {v.rule for v in result.hard}
    assert all(v.person_id == "bob" for v in result.hard)


def test_giving_a_call_away_to_someone_who_is_free_that_night_leaves_cover_intact() -> None:
    program, roster = _call_rota()
    last_call = roster.on("ada", f.day(8))
    assert last_call is not None
    result = impact(program, roster, give_away(last_call, "cyd"))
    assert result.acceptable and result.introduced == ()
    assert result.after.on("cyd", f.day(8)) is not None and result.after.on("ada", f.day(8)) is None


def test_dropping_a_shift_that_holds_cover_introduces_a_cover_gap() -> None:
    program, roster = _call_rota()
    tuesday = roster.on("bob", f.day(1))
    assert tuesday is not None
    result = impact(program, roster, Change(removed=(tuesday,)))
    assert [(v.rule, v.day, v.measured) for v in result.hard] == [(ids.COVER_MINIMUM, f.day(1), 0)]


def test_a_swap_moves_each_shift_to_the_other_person() -> None:
    _, roster = _call_rota()
    mine, theirs = roster.on("ada", f.day(0)), roster.on("bob", f.day(1))
    assert mine is not None and theirs is not None
    after = swap(mine, theirs).apply(roster)
    assert after.on("bob", f.day(0)) is not None and after.on("ada", f.day(1)) is not None


def test_removing_a_shift_that_is_not_on_the_roster_is_refused() -> None:
    _, roster = _call_rota()
    with pytest.raises(CallroomError, match="does not work call"):
        Change(removed=(Assignment("ada", f.day(1), "call", "ward"),)).apply(roster)


def test_giving_a_shift_to_someone_who_holds_that_same_shift_is_refused_not_merged() -> None:
    program = f.program([f.person("ada"), f.person("bob")], days=3)
    roster = f.roster(("ada", 1, "night"), ("bob", 1, "night"))
    with pytest.raises(DoesNotApply, match="Bob already works Night on Ward on Tue 03 Mar") as refused:
        give_away(roster.assignments[0], "bob").apply(roster, program)
    assert refused.value.field == "added" and refused.value.assignment == roster.assignments[1]
    with pytest.raises(DoesNotApply):
        impact(program, roster, give_away(roster.assignments[0], "bob"))


def test_a_swap_that_gives_someone_a_second_shift_on_a_day_they_work_is_refused() -> None:
    _, roster = _call_rota()
    mine, theirs = roster.on("ada", f.day(0)), roster.on("bob", f.day(1))
    assert mine is not None and theirs is not None
    busy = Roster.of([*roster.assignments, Assignment("ada", f.day(1), "clinic", "ward")])
    with pytest.raises(DoesNotApply, match="ada already works clinic on ward on 2026-03-03"):
        swap(mine, theirs).apply(busy)


def test_adding_two_shifts_for_one_person_on_one_day_is_refused() -> None:
    _, roster = _call_rota()
    both = (Assignment("bob", f.day(2), "day", "ward"), Assignment("bob", f.day(2), "night", "ward"))
    with pytest.raises(DoesNotApply, match="bob already works day on ward"):
        Change(added=both).apply(roster)


def test_a_shift_replaced_on_the_same_day_is_not_a_second_shift() -> None:
    _, roster = _call_rota()
    call = roster.on("ada", f.day(0))
    assert call is not None
    night = Assignment("ada", f.day(0), "night", "ward")
    after = Change(removed=(call,), added=(night,)).apply(roster)
    assert after.on("ada", f.day(0)) == night and len(after.assignments) == len(roster.assignments)


def test_a_swap_with_oneself_is_refused() -> None:
    _, roster = _call_rota()
    mine = roster.assignments[0]
    with pytest.raises(CallroomError, match="two different people"):
        swap(mine, mine)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_impact_equals_the_difference_of_two_full_checks(data: st.DataObject) -> None:
    program = data.draw(strat.programs())
    roster = data.draw(strat.rosters(program))
    edited = data.draw(strat.edits(program, roster))
    change = Change(
        removed=tuple(set(roster.assignments) - set(edited.assignments)),
        added=tuple(set(edited.assignments) - set(roster.assignments)),
    )
    before, after = set(check_all(program, roster)), set(check_all(program, edited))
    result = impact(program, roster, change)
    assert set(result.introduced) == after - before
    assert set(result.resolved) == before - after
