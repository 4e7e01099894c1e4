"""The direct repair: fill each hole with free colleagues, and prove that is the minimum.

Any repair that meets cover must change the absent person's shifts that overlap the absence
(`lost`) and bring someone new to each post that is short that day. A person works one shift a
day, so each changed person-day adds at most one person to one slot (a post's shift on a day),
and so at most one to each requirement of that slot: a slot whose requirements miss 1 resident
and 1 PGY-3+ may be mended by one senior. A slot therefore needs at least as many changed
person-days as its most-missed requirement misses, and no changed day serves two slots. Unless
the absent person's own changed days could fill a place (on a day the absence only partly
covers, a hole they could take outside it), `lost` plus the sum over short slots of their
largest miss is a lower bound on the changed person-days of every repair. (The sum of misses
over requirements is not: it counted the senior above twice.)

Each slot is filled by colleagues who count for the most requirements still missing, checked
with `impact`; when that meets the bound the repair is proven minimal without a search.
Otherwise (a chain of moves is needed, or no one colleague fills two requirements at once) the
CP-SAT repair takes over, first on the few person-days the bound says a repair that meets it
may change (`LowerBound.fillers`), then near them (repair.staged).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from callroom.domain.program import Person, Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.timeline import Timeline
from callroom.rules import ids
from callroom.rules.absences import check_absences
from callroom.rules.change import Change, impact
from callroom.rules.context import CheckContext
from callroom.rules.cover import CoverSlot, cover_slots
from callroom.solver.repair.request import Absence, RepairLimits


@dataclass(frozen=True)
class LowerBound:
    """The lower bound of the module doc: the absent person's `lost` shifts, the roster
    without them, its short cover `holes`, and the changed person-days every repair needs."""

    lost: tuple[Assignment, ...]
    after: Roster
    holes: tuple[CoverSlot, ...]

    @property
    def changes(self) -> int:
        slots = _by_slot(self.holes).values()
        return len(self.lost) + sum(max(_missing(h) for h in short) for short in slots)

    def fillers(self, program: Program, absence: Absence, limits: RepairLimits) -> set[tuple[str, date]]:
        """The person-days that could add someone a hole misses: a repair with no more changes
        than the bound changes only these besides the lost shifts (each of its other changes
        adds a missing person to a short slot, or it would need more)."""
        return {
            (person.id, hole.day)
            for hole in self.holes
            for person in program.people
            if _may_fill(program, absence, limits, person, hole)
        }


def lower_bound(program: Program, published: Roster, absence: Absence) -> LowerBound | None:
    """The bound, or None where it does not hold: the published roster breaks an approved
    absence, taking the lost shifts off breaks a rule other than cover, or the absent person's
    own changed day could fill a hole."""
    if check_absences(CheckContext(program, published)):
        return None  # the published roster breaks an approved absence: a search mends that too
    overlaps = _overlap_test(program, absence)
    lost = tuple(
        a
        for a in published.for_person(absence.person_id)
        if a.day in program.block and overlaps(a.day, a.shift_id)
    )
    removal = impact(program, published, Change(removed=lost))
    if any(v.rule is not ids.COVER_MINIMUM for v in removal.hard):
        return None
    holes = tuple(s for s in cover_slots(program, removal.after) if s.count < s.requirement.minimum)
    if any(_absent_could_fill(program, absence, overlaps, {a.day for a in lost}, h) for h in holes):
        return None  # the bound would not hold: the absent person's own changed day might fill it
    return LowerBound(lost, removal.after, holes)


def direct_repair(
    program: Program, published: Roster, absence: Absence, limits: RepairLimits
) -> tuple[Roster, int] | None:
    """The repaired roster and its change count when it meets the lower bound, else None."""
    bound = lower_bound(program, published, absence)
    return None if bound is None else fill(program, absence, limits, bound)


def fill(
    program: Program, absence: Absence, limits: RepairLimits, bound: LowerBound
) -> tuple[Roster, int] | None:
    """The holes of `bound` filled by free colleagues, when that meets the bound, else None."""
    roster, changes = bound.after, len(bound.lost)
    for slot, short in _by_slot(list(bound.holes)).items():
        filled = _fill(program, roster, absence, limits, slot, short)
        if filled is None:
            return None
        roster, added = filled
        if added > max(_missing(h) for h in short):
            return None  # more than the bound: a search may do better, and proves what it finds
        changes += added
    return roster, changes


Slot = tuple[date, str, str]  # (day, post, shift): one changed person-day fills at most one


def _by_slot(holes: Sequence[CoverSlot]) -> dict[Slot, list[CoverSlot]]:
    found: dict[Slot, list[CoverSlot]] = defaultdict(list)
    for hole in holes:
        found[hole.day, hole.demand.post_id, hole.demand.shift_id].append(hole)
    return found


def _missing(hole: CoverSlot) -> int:
    return hole.requirement.minimum - hole.count


def _overlap_test(program: Program, absence: Absence) -> Callable[[date, str], bool]:
    """Whether a block day's shift overlaps the absence."""
    timeline = Timeline(program)
    start, end = timeline.offset(absence.start), timeline.offset(absence.end)

    def overlaps(day: date, shift_id: str) -> bool:
        first, last = timeline.span(program.block.index(day), shift_id)
        return first < end and start < last

    return overlaps


def _absent_could_fill(
    program: Program,
    absence: Absence,
    overlaps: Callable[[date, str], bool],
    lost_days: set[date],
    hole: CoverSlot,
) -> bool:
    """On a day the absent person lost a shift but could still work another one (the absence
    starts or ends that day), could that other shift be this hole? Then their changed day might
    fill it, and `lost + missing` is no longer a lower bound."""
    person = program.person[absence.person_id]
    return (
        hole.day in lost_days
        and person.grade in hole.requirement.grades
        and program.may_work(person, hole.demand.post_id, hole.demand.shift_id, hole.day)
        and not overlaps(hole.day, hole.demand.shift_id)
    )


def _fill(
    program: Program,
    roster: Roster,
    absence: Absence,
    limits: RepairLimits,
    slot: Slot,
    short: list[CoverSlot],
) -> tuple[Roster, int] | None:
    """The roster with the slot's missing places taken by colleagues, and how many were added;
    None when they cannot all be filled. Each next colleague is one who counts for the most
    requirements still missing; free colleagues first, then those working elsewhere that day
    whose place can spare them (one changed person-day either way)."""
    day = slot[0]
    if limits.window is not None and not limits.window[0] <= day <= limits.window[1]:
        return None
    missing = {id(h): _missing(h) for h in short}
    added = 0
    while any(missing.values()):
        taken = _one_more(program, roster, absence, limits, [h for h in short if missing[id(h)]])
        if taken is None:
            return None
        roster, person = taken
        added += 1
        for hole in short:
            if missing[id(hole)] and person.grade in hole.requirement.grades:
                missing[id(hole)] -= 1
    return roster, added


def _one_more(
    program: Program, roster: Roster, absence: Absence, limits: RepairLimits, wanting: list[CoverSlot]
) -> tuple[Roster, Person] | None:
    """The roster with one more colleague on the slot of `wanting` (its requirements still
    missing someone), chosen as `_fill` says, and who it is."""
    hole = wanting[0]
    ranked = sorted(program.people, key=lambda p: -sum(p.grade in h.requirement.grades for h in wanting))
    for free in (True, False):
        for person in ranked:
            if not any(_may_fill(program, absence, limits, person, h) for h in wanting):
                continue
            held = roster.on(person.id, hole.day)
            if (held is None) != free or held == _slot(person.id, hole):
                continue
            found = impact(
                program,
                roster,
                Change(removed=() if held is None else (held,), added=(_slot(person.id, hole),)),
            )
            if found.acceptable:
                return found.after, person
    return None


def _slot(person_id: str, hole: CoverSlot) -> Assignment:
    return Assignment(person_id, hole.day, hole.demand.shift_id, hole.demand.post_id)


def _may_fill(
    program: Program, absence: Absence, limits: RepairLimits, person: Person, hole: CoverSlot
) -> bool:
    if person.id == absence.person_id or (limits.movable is not None and person.id not in limits.movable):
        return False
    if person.grade not in hole.requirement.grades or person.unavailable(hole.day):
        return False
    return program.may_work(person, hole.demand.post_id, hole.demand.shift_id, hole.day)
