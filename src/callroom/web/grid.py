"""The schedule grid as data a template can print: people down the side, days across.

Pure: built from a program and a roster, so it is computed once per request and the template
only loops. A cell is coloured by its post (a hue per service, a shade per post within it),
lettered by its shift and marked by the shift's kind (nights underlined, in-house calls framed);
leave and fixed days off are marked so a gap is never mistaken for one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from callroom.domain.grades import Grade
from callroom.domain.program import Person, Program
from callroom.domain.roster import Assignment, Roster

WEEK = 7
# Hues far apart on the colour wheel, one per service in program order.
SERVICE_HUES = (205, 135, 280, 25, 340, 55, 175, 95, 240, 0)


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
class Row:
    person: Person
    cells: tuple[Cell, ...]


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
    shift_codes: tuple[tuple[str, str], ...]  # (code, shift name) for the legend
    weeks: int


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
    """A background per post: its service's hue, lighter for each further post of the service."""
    found: list[PostColour] = []
    for s_index, service in enumerate(program.services):
        hue = SERVICE_HUES[s_index % len(SERVICE_HUES)]
        posts = [p for p in program.posts if p.service_id == service.id]
        for p_index, post in enumerate(posts):
            lightness = 62 + 24 * p_index // max(len(posts), 1)
            found.append(PostColour(f"p{len(found)}", post.id, post.name, f"hsl({hue} 70% {lightness}%)"))
    return tuple(found)


def block_weeks(program: Program) -> int:
    return -(-program.block.days // WEEK)


def build_grid(program: Program, roster: Roster, chosen: GridFilter) -> Grid:
    """The grid for `chosen`. Unknown filter values select nobody rather than everyone."""
    days = _days(program, chosen.week)
    colours = post_colours(program)
    css = {c.post_id: c.css for c in colours}
    codes = shift_codes(program)
    rows = tuple(_row(program, roster, person, days, css, codes) for person in _people(program, chosen))
    legend = tuple((codes[s.id], s.name) for s in program.shift_types)
    return Grid(days, rows, colours, legend, block_weeks(program))


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
) -> Row:
    by_day = {a.day: a for a in roster.for_person(person.id)}
    leave = person.leave_dates
    return Row(person, tuple(_cell(program, person, day, by_day.get(day), leave, css, codes) for day in days))


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
