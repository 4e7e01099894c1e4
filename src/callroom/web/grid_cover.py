"""The grid's cover rows: for each post and shift the program demands cover of, and each day,
how many hold it against the demand's minimum and target for that day.

Which demands apply on which day, and how many of which grades count toward each requirement,
are `callroom.rules.cover.cover_slots`: the one definition the checkers, the penalties and the
solver share (a holiday is staffed as a Sunday, say). A cell is:

- "short" (red) when a hard rule of cover breaks: fewer than a minimum, or more than a maximum;
- "under" (amber) when it is within the hard rules but fewer than a target;
- "met" (green) otherwise; "closed" when no one may work it that day (a maximum of 0);
- "none" when no demand applies that day.

Its title names what is missing by grade ("missing 1 PGY-3+: 0 of at least 1").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rules.cover import CoverSlot, cover_slots

SHORT, UNDER, MET, CLOSED, NONE = "short", "under", "met", "closed", "none"
# The words of each state, for the cell's title (which a screen reader reads too).
SAID = {SHORT: "breaks the hard cover rules", UNDER: "under target", MET: "covered", CLOSED: "closed"}


@dataclass(frozen=True)
class CoverCell:
    day: date
    count: str  # how many hold the post on the shift that day; "" when no demand applies
    state: str  # SHORT, UNDER, MET, CLOSED or NONE (also the cell's CSS class)
    title: str
    gaps: tuple[str, ...]  # what is missing or too many, one phrase per requirement


@dataclass(frozen=True)
class CoverRow:
    post_id: str
    shift_id: str
    label: str  # "The Pit (emergency department) · Night"
    css: str  # the post's colour class
    cells: tuple[CoverCell, ...]


def cover_rows(
    program: Program, roster: Roster, days: Iterable[date], css: dict[str, str], service: str | None
) -> tuple[CoverRow, ...]:
    """A row per (post, shift) with a cover demand, posts in program order (those of `service`
    only, when given), over `days`."""
    shown = tuple(days)
    wanted = set(shown)
    slots: dict[tuple[str, str], dict[date, list[CoverSlot]]] = defaultdict(lambda: defaultdict(list))
    for slot in cover_slots(program, roster):
        if slot.day in wanted:
            slots[slot.demand.post_id, slot.demand.shift_id][slot.day].append(slot)
    held = Counter((a.post_id, a.shift_id, a.day) for a in roster.assignments)
    rows = []
    for post in program.posts:
        if service is not None and post.service_id != service:
            continue
        for shift in program.shift_types:
            by_day = slots.get((post.id, shift.id))
            if not by_day:
                continue
            label = f"{post.name} · {shift.name}"
            cells = tuple(
                _cell(label, day, held[post.id, shift.id, day], by_day.get(day, [])) for day in shown
            )
            rows.append(CoverRow(post.id, shift.id, label, css[post.id], cells))
    return tuple(rows)


def _cell(label: str, day: date, count: int, slots: list[CoverSlot]) -> CoverCell:
    if not slots:
        return CoverCell(day, "", NONE, f"{label}, {day:%a %d %b}: no cover asked", ())
    gaps = tuple(gap for slot in slots for gap in _gaps(slot))
    state = _state(slots)
    said = f"{label}, {day:%a %d %b}: {_people(count, 'person', 'people')} on, {SAID[state]}"
    return CoverCell(day, str(count), state, "; ".join((said, *gaps)), gaps)


def _state(slots: list[CoverSlot]) -> str:
    def broken(s: CoverSlot) -> bool:
        high = s.requirement.maximum
        return s.count < s.requirement.minimum or (high is not None and s.count > high)

    if any(broken(s) for s in slots):
        return SHORT
    if any(s.requirement.target is not None and s.count < s.requirement.target for s in slots):
        return UNDER
    if all(s.requirement.maximum == 0 for s in slots):
        return CLOSED
    return MET


def _gaps(slot: CoverSlot) -> list[str]:
    """What this requirement lacks (or has too many of), in words naming the grade."""
    need, count, grades = slot.requirement, slot.count, slot.requirement.grades.label
    if count < need.minimum:
        return [f"missing {_grade(need.minimum - count, grades)}: {count} of at least {need.minimum}"]
    if need.maximum is not None and count > need.maximum:
        return [f"{_grade(count - need.maximum, grades)} too many: {count} of at most {need.maximum}"]
    if need.target is not None and count < need.target:
        return [f"missing {_grade(need.target - count, grades)}: {count} of a target of {need.target}"]
    return []


def _grade(count: int, label: str) -> str:
    """ "2 residents", "1 attending", "1 PGY-3+", "2 people of any grade"."""
    if label in ("resident", "attending"):
        return _people(count, label, f"{label}s")
    if label == "any grade":
        return f"{_people(count, 'person', 'people')} of any grade"
    return f"{count} {label}"


def _people(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def cells_in(rows: tuple[CoverRow, ...], state: str) -> tuple[CoverCell, ...]:
    """The cells of `rows` in `state`, day by day (rows in their order within a day)."""
    found = [
        (cell.day, index, cell) for index, row in enumerate(rows) for cell in row.cells if cell.state == state
    ]
    return tuple(cell for _, _, cell in sorted(found, key=lambda x: (x[0], x[1])))
