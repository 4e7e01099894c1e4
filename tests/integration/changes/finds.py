"""Cells of the solved demo roster that a change test needs, found by looking, never hard-coded."""

from __future__ import annotations

from collections import defaultdict

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster


def residents(program: Program) -> set[str]:
    return {p.id for p in program.people if p.grade.is_resident}


def held_by_two(program: Program, roster: Roster) -> tuple[Assignment, Assignment]:
    """The same shift on the same post on the same day, held by two residents."""
    slots: dict[tuple[object, ...], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        if a.person_id in residents(program):
            slots[(a.day, a.shift_id, a.post_id)].append(a)
    first, second, *_ = next(held for held in slots.values() if len(held) > 1)
    return first, second


def free_to_take(program: Program, roster: Roster) -> tuple[Assignment, str]:
    """A resident's shift and a colleague who is off that day and may work it."""
    for a in (a for a in roster.assignments if a.person_id in residents(program)):
        for other in program.people:
            if (
                other.id in residents(program)
                and other.id != a.person_id
                and roster.on(other.id, a.day) is None
                and not other.unavailable(a.day)
                and program.may_work(other, a.post_id, a.shift_id)
            ):
                return a, other.id
    raise AssertionError("nobody is free to take a shift in the demo roster")
