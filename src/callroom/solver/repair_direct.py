"""The direct repair: fill each hole with one free colleague, and prove that is the minimum.

Any repair that meets cover must change the absent person's shifts in the absence (`lost`) and
give each missing place on a post to someone new that day: a person works one shift a day, so
every missing place is a different changed person-day (a colleague who is free, or who leaves a
place that can spare them). When the absence covers whole days (the
absent person can work nothing on those days, so their changed days fill nothing), `lost +
missing` is a lower bound on the changed person-days of every repair. If colleagues can take
each missing place without breaking a hard rule (checked with `impact`), that bound is met,
and the repair is proven minimal without a search. Otherwise (a chain of moves is needed) the
CP-SAT repair takes over.
"""

from __future__ import annotations

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
    lost = _lost(program, published, absence)
    if lost is None:
        return None
    removal = impact(program, published, Change(removed=tuple(lost)))
    if any(v.rule is not ids.COVER_MINIMUM for v in removal.hard):
        return None
    roster = removal.after
    holes = [s for s in cover_slots(program, roster) if s.count < s.requirement.minimum]
    changes = len(lost)
    for hole in holes:
        filled = _fill(program, roster, absence, limits, hole)
        if filled is None:
            return None
        roster = filled
        changes += hole.requirement.minimum - hole.count
    return roster, changes


def _lost(program: Program, published: Roster, absence: Absence) -> list[Assignment] | None:
    """The absent person's shifts the absence rules out; None unless on each of those days
    every shift they could work overlaps the absence (so the bound above holds)."""
    timeline = Timeline(program)
    start, end = timeline.offset(absence.start), timeline.offset(absence.end)
    person = program.person[absence.person_id]

    def overlaps(day_index: int, shift_id: str) -> bool:
        first, last = timeline.span(day_index, shift_id)
        return first < end and start < last

    lost = []
    for a in published.for_person(person.id):
        if a.day not in program.block:
            continue
        d = program.block.index(a.day)
        if not overlaps(d, a.shift_id):
            continue
        if not all(overlaps(d, shift_id) for _, shift_id in program.options(person)):
            return None
        lost.append(a)
    return lost


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
