"""Per-resident figures a chief reads after a solve: hours by week, free days, calls, nights."""

from __future__ import annotations

from dataclasses import dataclass

from callroom.domain.program import Person, Program
from callroom.domain.roster import Roster
from callroom.domain.shifts import ShiftKind
from callroom.rules.acgme import free_days
from callroom.rules.context import CheckContext
from callroom.rules.general import weekends_worked


@dataclass(frozen=True)
class PersonSummary:
    person: Person
    weekly_hours: tuple[float, ...]  # counted hours in each 7-day week of the block, by start day
    average_hours: float  # per week, averaged over days off leave (the ACGME figure)
    free_days: int
    call_nights: int
    nights: int
    weekends: int


def summarise(program: Program, roster: Roster) -> list[PersonSummary]:
    ctx = CheckContext(program, roster)
    return [_person(ctx, person) for person in program.people]


def _person(ctx: CheckContext, person: Person) -> PersonSummary:
    work = ctx.work[person.id]
    weeks = [0.0] * -(-ctx.program.block.days // 7)
    for item in work:
        weeks[item.day // 7] += item.counted / 60
    available = ctx.available_days(person)
    total = sum(weeks)
    return PersonSummary(
        person,
        tuple(weeks),
        total * 7 / available if available else 0.0,
        free_days(ctx, person),
        sum(1 for w in work if w.shift.kind is ShiftKind.IN_HOUSE_CALL),
        sum(1 for w in work if w.shift.kind is ShiftKind.NIGHT),
        len(weekends_worked(work)),
    )
