"""The schedule grid as data a template can print: people down the side, days across, each
person's totals for the block at the end of their row, and the cover of each post and shift
below (`callroom.web.grid_cover`).

Pure: built from a program and a roster, so it is computed once per request and the template
only loops. A cell is coloured by its post (a colour of its own from a small palette), lettered
by its shift and marked by the shift's kind (nights underlined, in-house calls framed); leave and
fixed days off are marked so a gap is never mistaken for one. The viewer's own row comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from callroom.domain.grades import Grade
from callroom.domain.program import Person, Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftType
from callroom.rules.summary import PersonSummary, summarise
from callroom.web.grid_cover import SHORT, UNDER, CoverCell, CoverRow, cells_in, cover_rows

WEEK = 7
# One colour per post, in program order. Neighbours differ in hue, because posts of one service
# come together and a person's row mixes them. Every colour keeps the grid's ink (#1d2430) and the
# call frame (#7a0c10) at a contrast of 5.5:1 or more (a unit test holds it to the WCAG AA 4.5).
PALETTE = (
    "#8ecae6",  # blue
    "#ffb570",  # orange
    "#a7dd8c",  # green
    "#f4a3a8",  # rose
    "#c8b6e2",  # lavender
    "#f6e27a",  # yellow
    "#7fd1c7",  # teal
    "#e7b48f",  # tan
    "#b7c8f2",  # periwinkle
    "#f3b3dc",  # pink
    "#c9d97a",  # olive
    "#d6c2a8",  # sand
    "#b5e3c4",  # mint
    "#e0a9e6",  # orchid
    "#f8c9a0",  # peach
    "#9fd3f0",  # sky
)


@dataclass(frozen=True)
class GridFilter:
    """What the grid shows: a service (people who may work one of its posts), a grade, and
    either the whole block (`week` None) or one 7-day week of it (0-based)."""

    service: str | None = None
    grade: str | None = None
    week: int | None = None


@dataclass(frozen=True)
class Cell:
    day: date
    code: str  # the shift letter(s), "lv" on leave, "off" on a fixed day off, "" when free
    css: str  # post and shift-kind classes ("p3 k-night"), or "leave" / "dayoff" / "free"
    title: str  # what the cell means, for the tooltip and screen readers


@dataclass(frozen=True)
class Totals:
    """A person's block: hours counted as duty hours, nights, weekends worked, in-house calls."""

    hours: float
    nights: int
    weekends: int
    calls: int

    @classmethod
    def of(cls, summary: PersonSummary) -> Totals:
        return cls(sum(summary.weekly_hours), summary.nights, summary.weekends, summary.call_nights)


@dataclass(frozen=True)
class Row:
    person: Person
    cells: tuple[Cell, ...]
    totals: Totals
    mine: bool  # the viewer's own row


@dataclass(frozen=True)
class PostColour:
    css: str
    post_id: str
    label: str
    colour: str  # a CSS colour for the cell background


@dataclass(frozen=True)
class Grid:
    days: tuple[date, ...]
    rows: tuple[Row, ...]
    posts: tuple[PostColour, ...]
    shift_codes: tuple[tuple[str, str], ...]  # (code, shift name and hours) for the legend
    weeks: int
    cover: tuple[CoverRow, ...]

    @property
    def short(self) -> tuple[CoverCell, ...]:
        """Cover cells that break a hard rule (below a minimum, above a maximum), day by day."""
        return cells_in(self.cover, SHORT)

    @property
    def under(self) -> tuple[CoverCell, ...]:
        """Cover cells under a target but within the hard rules, day by day."""
        return cells_in(self.cover, UNDER)


def shift_codes(program: Program) -> dict[str, str]:
    """A short code per shift: its first letter, or more letters until it is unique."""
    codes: dict[str, str] = {}
    taken = {"lv", "off"}
    for shift in program.shift_types:
        letters = "".join(c for c in shift.id if c.isalnum()) or "x"
        length = 1
        while letters[:length].lower() in taken and length < len(letters):
            length += 1
        code = letters[:length].capitalize()
        if code.lower() in taken:
            code = f"{code}{len(codes)}"
        taken.add(code.lower())
        codes[shift.id] = code
    return codes


def post_colours(program: Program) -> tuple[PostColour, ...]:
    """A background per post, in program order; past the palette's end the colours come round
    again (the legend and each cell's title still name the post)."""
    return tuple(
        PostColour(f"p{index}", post.id, post.name, PALETTE[index % len(PALETTE)])
        for index, post in enumerate(program.posts)
    )


def block_weeks(program: Program) -> int:
    return -(-program.block.days // WEEK)


def build_grid(program: Program, roster: Roster, chosen: GridFilter, viewer_id: str | None = None) -> Grid:
    """The grid for `chosen`, the row of `viewer_id` (the signed-in person) first. Unknown filter
    values select nobody rather than everyone."""
    days = _days(program, chosen.week)
    colours = post_colours(program)
    css = {c.post_id: c.css for c in colours}
    codes = shift_codes(program)
    totals = {s.person.id: Totals.of(s) for s in summarise(program, roster)}
    rows = [
        _row(program, roster, person, days, css, codes, totals[person.id], person.id == viewer_id)
        for person in _people(program, chosen)
    ]
    rows.sort(key=lambda row: not row.mine)  # stable: everyone else keeps grade order
    legend = tuple((codes[s.id], f"{s.name}, {_hours(s)}") for s in program.shift_types)
    cover = cover_rows(program, roster, days, css, chosen.service)
    return Grid(days, tuple(rows), colours, legend, block_weeks(program), cover)


def _hours(shift: ShiftType) -> str:
    """The shift's wall-clock hours in the hospital's time zone, as program files give them."""
    end = datetime.combine(date.min, shift.start) + timedelta(minutes=shift.duration_minutes)
    return f"{shift.start:%H:%M}–{end:%H:%M}"


def _days(program: Program, week: int | None) -> tuple[date, ...]:
    dates = program.block.dates()
    if week is None:
        return tuple(dates)
    return tuple(dates[week * WEEK : (week + 1) * WEEK])


def _people(program: Program, chosen: GridFilter) -> Iterable[Person]:
    """People in grade order (juniors first, attendings last), program order within a grade."""
    posts = {p.id for p in program.posts if p.service_id == chosen.service}
    order = {person.id: index for index, person in enumerate(program.people)}
    found = [
        person
        for person in program.people
        if (chosen.service is None or posts.intersection(person.post_ids))
        and (chosen.grade is None or person.grade.label == chosen.grade)
    ]
    return sorted(found, key=lambda p: (int(p.grade), order[p.id]))


def _row(
    program: Program,
    roster: Roster,
    person: Person,
    days: tuple[date, ...],
    css: dict[str, str],
    codes: dict[str, str],
    totals: Totals,
    mine: bool,
) -> Row:
    by_day = {a.day: a for a in roster.for_person(person.id)}
    leave = person.leave_dates
    cells = tuple(_cell(program, person, day, by_day.get(day), leave, css, codes) for day in days)
    return Row(person, cells, totals, mine)


def _cell(
    program: Program,
    person: Person,
    day: date,
    assignment: Assignment | None,
    leave: frozenset[date],
    css: dict[str, str],
    codes: dict[str, str],
) -> Cell:
    if assignment is not None:
        post = program.post[assignment.post_id]
        shift = program.shift[assignment.shift_id]
        classes = f"{css[post.id]} k-{shift.kind.value}"
        return Cell(day, codes[shift.id], classes, f"{shift.name}, {post.name}")
    if day in leave:
        return Cell(day, "lv", "leave", "on leave")
    if day in person.days_off:
        return Cell(day, "off", "dayoff", "fixed day off")
    return Cell(day, "", "free", "free")


def grade_labels(program: Program) -> list[str]:
    """The grades present in the program, juniors first."""
    grades: set[Grade] = {person.grade for person in program.people}
    return [grade.label for grade in sorted(grades, key=int)]
