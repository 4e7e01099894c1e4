"""Cover: how many people of which grades hold each post on each shift and day."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from callroom.domain.grades import Grade
from callroom.domain.program import CoverDemand, CoverRequirement, Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.context import CheckContext
from callroom.rules.violations import CoverKey, Violation


@dataclass(frozen=True)
class CoverSlot:
    """One requirement of one demand on one date, with how many the roster puts there."""

    demand: CoverDemand
    requirement: CoverRequirement
    day: date
    count: int

    def key(self, rule: ids.RuleId) -> CoverKey:
        return CoverKey(
            rule.code, self.demand.post_id, self.demand.shift_id, self.day, self.requirement.grades.label
        )

    def describe(self, program: Program) -> str:
        post = program.post[self.demand.post_id]
        shift = program.shift[self.demand.shift_id]
        return f"{post.name}, {shift.name} on {self.day}: {self.count} {self.requirement.grades.label}"


SUNDAY = 6


def demand_days(program: Program, demand: CoverDemand) -> list[date]:
    """The block's dates the demand applies to. A named holiday is staffed as a Sunday: the
    weekend's cover, not the weekday's (dates the demand names itself still count as named)."""
    pattern = demand.days
    if pattern.weekdays == frozenset() and not pattern.exclude:
        # A demand for named dates only (every Curtois cover line): skip the scan of the block.
        return sorted(d for d in pattern.include if d in program.block)
    holidays = {h.day for h in program.holidays}
    return [d for d in program.block.dates() if pattern.applies(d, SUNDAY if d in holidays else None)]


def cover_slots(program: Program, roster: Roster) -> Iterator[CoverSlot]:
    held = _held(program, roster)
    for demand in program.demands:
        for day in demand_days(program, demand):
            grades = held.get((day, demand.post_id, demand.shift_id), Counter())
            for requirement in demand.requirements:
                count = sum(n for g, n in grades.items() if g in requirement.grades)
                yield CoverSlot(demand, requirement, day, count)


def _held(program: Program, roster: Roster) -> dict[tuple[date, str, str], Counter[Grade]]:
    """How many people of each grade hold each (day, post, shift)."""
    grade = {p.id: p.grade for p in program.people}
    held: dict[tuple[date, str, str], Counter[Grade]] = defaultdict(Counter)
    for a in roster.assignments:
        if a.person_id in grade:
            held[a.day, a.post_id, a.shift_id][grade[a.person_id]] += 1
    return held


def check_cover(ctx: CheckContext) -> list[Violation]:
    """Hard minimums and maximums. Requirements with neither are skipped, and a slot becomes a
    `CoverSlot` only when it breaks one: every what-if checks cover twice, for the whole block."""
    found: list[Violation] = []
    held = _held(ctx.program, ctx.roster)
    for demand in ctx.program.demands:
        hard = [r for r in demand.requirements if r.minimum > 0 or r.maximum is not None]
        for day in demand_days(ctx.program, demand) if hard else ():
            grades = held.get((day, demand.post_id, demand.shift_id))
            for requirement in hard:
                count = sum(n for g, n in grades.items() if g in requirement.grades) if grades else 0
                high = requirement.maximum
                if count < requirement.minimum or (high is not None and count > high):
                    found += _cover_violations(ctx.program, CoverSlot(demand, requirement, day, count))
    return found


def _cover_violations(program: Program, slot: CoverSlot) -> list[Violation]:
    found = []
    low, high = slot.requirement.minimum, slot.requirement.maximum
    if slot.count < low:
        found.append(
            Violation(
                ids.COVER_MINIMUM,
                f"{slot.describe(program)}; at least {low}",
                day=slot.day,
                measured=slot.count,
                limit=low,
                cover=slot.key(ids.COVER_MINIMUM),
            )
        )
    if high is not None and slot.count > high:
        found.append(
            Violation(
                ids.COVER_MAXIMUM,
                f"{slot.describe(program)}; at most {high}",
                day=slot.day,
                measured=slot.count,
                limit=high,
                cover=slot.key(ids.COVER_MAXIMUM),
            )
        )
    return found
