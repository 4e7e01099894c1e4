"""The direct repair: fill each hole with one free colleague, and prove that is the minimum.

Any repair that meets cover must change the absent person's shifts that overlap the absence
(`lost`) and give each missing place on a post to someone new that day: a person works one
shift a day, so every missing place is a different changed person-day (a colleague who is free,
or who leaves a place that can spare them). Unless the absent person's own changed days could
fill a missing place (on a day the absence only partly covers, a hole they could take outside
it), `lost + missing` is therefore a lower bound on the changed person-days of every repair. If
colleagues can take each missing place without breaking a hard rule (checked with `impact`),
the bound is met and the repair is proven minimal without a search. Otherwise (a chain of moves
is needed) the CP-SAT repair takes over.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from callroom.domain.program import Person, Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.timeline import Timeline
from callroom.rules import ids
from callroom.rules.change import Change, impact
from callroom.rules.cover import CoverSlot, cover_slots
from callroom.solver.repair_input import Absence, RepairLimits


def direct_repair(program: Program, published: Roster, absence: Absence,
                  limits: RepairLimits) -> tuple[Roster, int] | None:
    """The repaired roster and its change count when it meets the lower bound, else None."""
    overlaps = _overlap_test(program, absence)
    lost = [a for a in published.for_person(absence.person_id)
            if a.day in program.block and overlaps(a.day, a.shift_id)]
    removal = impact(program, published, Change(removed=tuple(lost)))
    if any(v.rule is not ids.COVER_MINIMUM for v in removal.hard):
        return None
    roster = removal.after
    holes = [s for s in cover_slots(program, roster) if s.count < s.requirement.minimum]
    if any(_absent_could_fill(program, absence, overlaps, {a.day for a in lost}, h) for h in holes):
        return None  # the bound would not hold: the absent person's own changed day might fill it
    changes = len(lost)
    for hole in holes:
        filled = _fill(program, roster, absence, limits, hole)
        if filled is None:
            return None
        roster = filled
        changes += hole.requirement.minimum - hole.count
    return roster, changes


def _overlap_test(program: Program, absence: Absence) -> Callable[[date, str], bool]:
    """Whether a block day's shift overlaps the absence."""
    timeline = Timeline(program)
    start, end = timeline.offset(absence.start), timeline.offset(absence.end)

    def overlaps(day: date, shift_id: str) -> bool:
        first, last = timeline.span(program.block.index(day), shift_id)
        return first < end and start < last

    return overlaps


def _absent_could_fill(program: Program, absence: Absence, overlaps: Callable[[date, str], bool],
                       lost_days: set[date], hole: CoverSlot) -> bool:
    """On a day the absent person lost a shift but could still work another one (the absence
    starts or ends that day), could that other shift be this hole? Then their changed day might
    fill it, and `lost + missing` is no longer a lower bound."""
    person = program.person[absence.person_id]
    return (hole.day in lost_days and person.grade in hole.requirement.grades
            and program.may_work(person, hole.demand.post_id, hole.demand.shift_id)
            and not overlaps(hole.day, hole.demand.shift_id))


def _fill(program: Program, roster: Roster, absence: Absence, limits: RepairLimits,
          hole: CoverSlot) -> Roster | None:
    """The roster with the hole's missing places taken by free colleagues, or None."""
    if limits.window is not None and not limits.window[0] <= hole.day <= limits.window[1]:
        return None
    missing = hole.requirement.minimum - hole.count
    # Free colleagues first; then colleagues working elsewhere that day whose place can spare
    # them (one changed person-day either way).
    for free in (True, False):
        for person in program.people:
            if missing == 0:
                return roster
            if not _may_fill(program, roster, absence, limits, person, hole):
                continue
            held = roster.on(person.id, hole.day)
            if (held is None) != free or held == _slot(person.id, hole):
                continue
            found = impact(program, roster, Change(removed=() if held is None else (held,),
                                                   added=(_slot(person.id, hole),)))
            if found.acceptable:
                roster, missing = found.after, missing - 1
    return roster if missing == 0 else None


def _slot(person_id: str, hole: CoverSlot) -> Assignment:
    return Assignment(person_id, hole.day, hole.demand.shift_id, hole.demand.post_id)


def _may_fill(program: Program, roster: Roster, absence: Absence, limits: RepairLimits, person: Person,
              hole: CoverSlot) -> bool:
    if person.id == absence.person_id or (limits.movable is not None and person.id not in limits.movable):
        return False
    if person.grade not in hole.requirement.grades or person.unavailable(hole.day):
        return False
    return program.may_work(person, hole.demand.post_id, hole.demand.shift_id)
