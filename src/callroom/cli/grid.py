"""The roster as a terminal grid: people down the side, block days across, a short code a cell.

Codes are the first letters of the shift id (at most three), unique per program; the cell colour
says which service the post belongs to. `grid_legend` explains both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from callroom.domain.days import is_weekend
from callroom.domain.program import Person, Program
from callroom.domain.roster import Roster
from callroom.domain.shifts import ShiftType

LEAVE = "lv"
DAY_OFF = "·"
MAX_CODE = 3
WEEKDAY_INITIALS = "MTWTFSS"
WEEKEND_STYLE = "bold yellow"
WEEKEND_SHADE = "on grey15"
DIM = "dim"
# Distinct on dark and light terminals; services beyond these reuse the palette in order.
SERVICE_COLOURS = ("cyan", "green", "magenta", "blue", "red", "bright_yellow", "bright_cyan")


def shift_codes(program: Program) -> dict[str, str]:
    """A code per shift id: its shortest unique prefix (1..3 letters), then letter and number.

    Shifts claim codes in program order, so earlier shifts get the shorter codes and the result
    never depends on anything but the program. "lv" is reserved for leave.
    """
    taken = {LEAVE}
    codes: dict[str, str] = {}
    for shift in program.shift_types:
        code = next(c for c in _candidates(shift.id) if c.lower() not in taken)
        taken.add(code.lower())
        codes[shift.id] = code
    return codes


def _candidates(shift_id: str) -> Iterator[str]:
    letters = "".join(c for c in shift_id if c.isalnum()) or "x"
    for length in range(1, min(MAX_CODE, len(letters)) + 1):
        yield letters[:length].capitalize()
    number = 2
    while True:  # terminates: only finitely many codes can be taken
        yield f"{letters[0].upper()}{number}"
        number += 1


def service_colours(program: Program) -> dict[str, str]:
    """A colour per service id, by the service's position in the program."""
    return {s.id: SERVICE_COLOURS[i % len(SERVICE_COLOURS)] for i, s in enumerate(program.services)}


def roster_grid(
    program: Program,
    roster: Roster,
    *,
    people: Sequence[str] | None = None,
    days: range | None = None,
) -> Table:
    """A Rich table of the roster.

    `people` picks person ids (default: everyone); `days` picks block day indices (default:
    the whole block). Rows are grouped by grade, juniors first and attendings last, keeping
    program order within a grade. A cell shows the shift code coloured by service, "lv" (dim)
    on leave, "·" on a fixed day off, blank otherwise; an assignment on a leave day still
    shows its code, since hiding it would hide the error. Raises ValueError on unknown ids or
    days outside the block.
    """
    dates = _dates(program, days)
    table = _empty_table(program, dates)
    cells = _CellPainter(program, roster)
    previous = None
    for person in _people(program, people):
        if previous is not None and person.grade != previous:
            table.add_section()
        previous = person.grade
        table.add_row(_label(person), *(cells.paint(person, day) for day in dates))
    return table


def _dates(program: Program, days: range | None) -> list[date]:
    dates = program.block.dates()
    if days is None:
        return dates
    outside = [i for i in days if not 0 <= i < len(dates)]
    if outside:
        raise ValueError(f"day index {outside[0]} is outside the block (0..{len(dates) - 1})")
    return [dates[i] for i in days]


def _people(program: Program, ids: Sequence[str] | None) -> list[Person]:
    if ids is None:
        chosen = list(program.people)
    else:
        unknown = [i for i in ids if i not in program.person]
        if unknown:
            raise ValueError(f"unknown person {unknown[0]!r}: not in the program")
        chosen = [program.person[i] for i in ids]
    # sorted() is stable, so program (or caller) order survives within a grade.
    return sorted(chosen, key=lambda p: p.grade)


def _empty_table(program: Program, dates: list[date]) -> Table:
    # No outer edge and no padding: 28 one-letter columns then fit a 100-column terminal.
    table = Table(
        title=program.hospital.name, box=box.MINIMAL, padding=(0, 0), show_edge=False, title_justify="left"
    )
    table.add_column("Person", no_wrap=True)
    for day in dates:
        _add_day_column(table, day)
    return table


def _add_day_column(table: Table, day: date) -> None:
    weekend = is_weekend(day)
    # Fold rather than ellipsize when the terminal is too narrow: "C/l" beats "…".
    table.add_column(
        f"{WEEKDAY_INITIALS[day.weekday()]}\n{day.day}",
        justify="center",
        overflow="fold",
        header_style=WEEKEND_STYLE if weekend else "bold",
        style=WEEKEND_SHADE if weekend else "",
    )


def _label(person: Person) -> Text:
    # Text, not markup: a name with brackets must not be read as style tags.
    return Text.assemble(person.name, " ", (person.grade.label, DIM))


class _CellPainter:
    """Turns (person, day) into a styled cell; lookups are built once per grid."""

    def __init__(self, program: Program, roster: Roster) -> None:
        self.program = program
        self.roster = roster
        self.codes = shift_codes(program)
        self.colours = service_colours(program)

    def paint(self, person: Person, day: date) -> Text:
        assignment = self.roster.on(person.id, day)
        if assignment is not None:
            return Text(self.codes.get(assignment.shift_id, "?"), self._colour(assignment.post_id))
        if day in person.leave_dates:
            return Text(LEAVE, DIM)
        return Text(DAY_OFF, DIM) if day in person.days_off else Text("")

    def _colour(self, post_id: str) -> str:
        post = self.program.post.get(post_id)
        return self.colours.get(post.service_id, "") if post is not None else ""


def grid_legend(program: Program) -> str:
    """The key to the grid as Rich markup: shift codes, service colours, leave and days off."""
    codes = shift_codes(program)
    shifts = " · ".join(f"[bold]{escape(codes[s.id])}[/] {_describe(s)}" for s in program.shift_types)
    colours = service_colours(program)
    services = " · ".join(f"[{colours[s.id]}]{escape(s.name)}[/]" for s in program.services)
    return "\n".join(
        (
            f"Shifts: {shifts}",
            f"Services: {services}",
            f"[{DIM}]{LEAVE}[/] leave · [{DIM}]{DAY_OFF}[/] fixed day off",
        )
    )


def _describe(shift: ShiftType) -> str:
    hours, minutes = divmod(shift.duration_minutes, 60)
    length = f"{hours}h{minutes:02d}" if minutes else f"{hours}h"
    return f"{escape(shift.name)} ({shift.start.strftime('%H:%M')}, {length})"
