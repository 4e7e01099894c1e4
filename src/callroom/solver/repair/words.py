"""A repair's answer in words: the diff (who moves from what to what, and why), the posts that go
short, and what stops anyone filling them.

"Why" is asked of the rule checkers, not guessed: a move is necessary when putting that
person-day back as it was published would break a hard rule in the repaired roster, and the
rules it would break (with their numbers) are the reasons. The absent person's own days are
explained by the absence. The words are stored with the proposal, which the people it moves
read, so a declared conflict is only "a confidential rule" in them (`rules.privacy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.timeline import Timeline
from callroom.rules import ids
from callroom.rules.absences import absences_over
from callroom.rules.change import Change, impact
from callroom.rules.cover import cover_slots
from callroom.rules.privacy import as_seen_by
from callroom.rules.violations import CoverKey
from callroom.solver.repair.request import Absence, absence_days

MAX_REASONS = 3
MAX_CANDIDATES = 6


@dataclass(frozen=True)
class Move:
    """One changed person-day: `before` as published, `after` in the repair (None: off)."""

    person_id: str
    day: date
    before: Assignment | None
    after: Assignment | None
    reasons: tuple[str, ...] = ()

    def describe(self, program: Program) -> str:
        name = program.person[self.person_id].name if self.person_id in program.person else self.person_id
        why = f" ({'; '.join(self.reasons)})" if self.reasons else ""
        return f"{name}, {self.day}: {cell(program, self.before)} -> {cell(program, self.after)}{why}"


@dataclass(frozen=True)
class Shortfall:
    """A cover minimum the repair cannot meet: `short` of `minimum` people missing."""

    post_id: str
    shift_id: str
    day: date
    grades: str
    minimum: int
    short: int

    @property
    def key(self) -> CoverKey:
        """The key of the cover minimum this shortfall breaks, as the cover checker reports it."""
        return CoverKey(ids.COVER_MINIMUM.code, self.post_id, self.shift_id, self.day, self.grades)

    def describe(self, program: Program) -> str:
        post, shift = program.post[self.post_id].name, program.shift[self.shift_id].name
        return (
            f"{post}, {shift} on {self.day} goes short by {self.short} "
            f"({self.minimum - self.short} of the {self.minimum} {self.grades} needed)"
        )


def cell(program: Program, assignment: Assignment | None) -> str:
    """An assignment in words: "Night on The Pit", or "off"."""
    if assignment is None:
        return "off"
    return f"{program.shift[assignment.shift_id].name} on {program.post[assignment.post_id].name}"


def diff(published: Roster, repaired: Roster) -> list[tuple[str, date, Assignment | None, Assignment | None]]:
    """Every person-day whose assignment differs, in person and date order."""
    before = {(a.person_id, a.day): a for a in published.assignments}
    after = {(a.person_id, a.day): a for a in repaired.assignments}
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return [(person, day, before.get((person, day)), after.get((person, day))) for person, day in keys]


def as_change(moves: tuple[Move, ...] | list[Move]) -> Change:
    """The moves as one roster change (assignments removed, then added)."""
    return Change(
        removed=tuple(m.before for m in moves if m.before is not None),
        added=tuple(m.after for m in moves if m.after is not None),
    )


def describe_moves(
    program: Program, published: Roster, repaired: Roster, absence: Absence
) -> tuple[Move, ...]:
    timeline = Timeline(program)
    start, end = timeline.offset(absence.start), timeline.offset(absence.end)

    def ruled_out(a: Assignment | None) -> bool:
        if a is None or a.person_id != absence.person_id or a.day not in program.block:
            return False
        first, last = timeline.span(program.block.index(a.day), a.shift_id)
        return first < end and start < last

    moves = []
    for person, day, before, after in diff(published, repaired):
        if ruled_out(before):
            reasons: tuple[str, ...] = (f"absent {_span(program, absence)}",)
        else:
            reasons = _reasons(program, repaired, before, after)
        moves.append(Move(person, day, before, after, reasons))
    return tuple(moves)


def _span(program: Program, absence: Absence) -> str:
    """The absence on the hospital's wall clock: whole days as dates, else date and time."""
    zone = ZoneInfo(program.hospital.timezone)
    start, end = absence.start.astimezone(zone), absence.end.astimezone(zone)
    if start.time() == end.time() == start.time().replace(hour=0, minute=0, second=0, microsecond=0):
        days = absence_days(program, absence)
        return f"{days[0]} to {days[-1]}"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}"


def _reasons(
    program: Program, repaired: Roster, before: Assignment | None, after: Assignment | None
) -> tuple[str, ...]:
    """The hard rules that putting this person-day back as published would break."""
    back = Change(removed=() if after is None else (after,), added=() if before is None else (before,))
    found = as_seen_by(impact(program, repaired, back).hard, None, program)
    seen: list[str] = []
    for violation in found:
        text = f"{violation.rule.code}: {violation.message}"
        if text not in seen:
            seen.append(text)
    return tuple(seen[:MAX_REASONS])


def blockers(
    program: Program,
    repaired: Roster,
    absence: Absence,
    shortfalls: tuple[Shortfall, ...],
    movable: frozenset[str] | None = None,
) -> tuple[str, ...]:
    """For each shortfall, why each eligible colleague cannot take it (a few of them: those the
    chief let the repair move first, when the chief named them)."""
    lines: list[str] = []
    for short in shortfalls:
        lines.append(short.describe(program))
        lines += [f"  {line}" for line in _why_not(program, repaired, absence, short, movable or frozenset())]
    return tuple(lines)


def _why_not(
    program: Program, repaired: Roster, absence: Absence, short: Shortfall, first: frozenset[str]
) -> list[str]:
    slot = next(
        s
        for s in cover_slots(program, repaired)
        if (s.demand.post_id, s.demand.shift_id, s.day) == (short.post_id, short.shift_id, short.day)
        and s.requirement.minimum == short.minimum
    )
    eligible = sorted(
        (
            p
            for p in program.people
            if p.grade in slot.requirement.grades and program.may_work(p, short.post_id, short.shift_id)
        ),
        key=lambda p: p.id not in first,
    )
    if not eligible:
        return [f"nobody of grade {short.grades} may work it"]
    lines = []
    for person in eligible[:MAX_CANDIDATES]:
        lines.append(f"{person.name}: {_obstacle(program, repaired, absence, person.id, short)}")
    if len(eligible) > MAX_CANDIDATES:
        lines.append(f"... and {len(eligible) - MAX_CANDIDATES} more eligible colleagues")
    return lines


def _obstacle(program: Program, repaired: Roster, absence: Absence, person_id: str, short: Shortfall) -> str:
    if person_id == absence.person_id:
        return "is the absent person"
    if program.person[person_id].unavailable(short.day):
        return "is on leave or a fixed day off"
    timeline = Timeline(program)
    day = program.block.index(short.day)
    for approved in absences_over(program, timeline, person_id, day, short.shift_id):
        return approved.describe(timeline.zone)
    held = repaired.on(person_id, short.day)
    if held is not None:
        return f"already works {cell(program, held)} that day"
    taken = Assignment(person_id, short.day, short.shift_id, short.post_id)
    hard = as_seen_by(impact(program, repaired, Change(added=(taken,))).hard, None, program)
    if not hard:
        return "could take it, but only by moving others beyond the limits given"
    return "; ".join(f"{v.rule.code}: {v.message}" for v in hard[:MAX_REASONS])
