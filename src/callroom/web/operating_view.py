"""What the OR pages show of a day's cases: each case as a block on the board (its room's column,
its rows of time), in the hospital's wall-clock time, with names instead of ids.

The board is a CSS grid (static/or.css): a column per room and a row per five minutes from the
first case's hour to the last case's end, every row the same height, so the time axis is to
scale (an hour is always as tall, a 07:40 case starts a third of the way down the 07:30 quarter)
and a case spans the rows of its length. The stylesheet has a class per row start (`t1`..
`t288`), per length (`d1`..`d288`) and per room column (`r1`..`r24`), because the
Content-Security-Policy allows no inline style. On a phone the grid is a
list: each room's heading, then its cases in order of time (the blocks come in that order).

Nothing here names a patient: the blocks are made from `OrCase`, which holds only an opaque key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from callroom.domain.operating import ACGME_CATEGORIES, CreditRole, OrCase
from callroom.domain.program import Program
from callroom.errors import CallroomError
from callroom.operating.types import BoardCase, DayBoard

SLOT_MINUTES = 5
SLOTS_PER_HOUR = 60 // SLOT_MINUTES
MOST_ROOMS = 24  # the stylesheet's room columns; a day with more rooms wraps the rest into the last
MOST_SLOTS = 24 * SLOTS_PER_HOUR  # a whole day of five minutes
CATEGORY_NAMES = {c.id: c.name for c in ACGME_CATEGORIES}
ROLE_CHOICES = tuple((role.value, f"{role.value}, {role.label}") for role in CreditRole)
FLAG_WORDS = {"laparoscopic": "lap", "robotic": "robot"}


def anchor(case_id: str) -> str:
    """The case's element id on a page: its id ("2027-03-02/OR 3/07:30") with only letters,
    digits and dashes, as an HTML id and a URL fragment want."""
    return "case-" + "".join(ch if ch.isalnum() else "-" for ch in case_id)


def category_name(category_id: str) -> str:
    return CATEGORY_NAMES.get(category_id, category_id)


@dataclass(frozen=True)
class OnCase:
    """A resident on a case in a credit role, named."""

    person_id: str
    name: str
    grade: str
    role: CreditRole


@dataclass(frozen=True)
class CaseBlock:
    """One case as the pages show it (no patient: see the module doc)."""

    case: OrCase
    starts: str  # "07:30", hospital time
    ends: str
    attending: str
    service: str
    min_grade: str
    categories: tuple[str, ...]  # names, not ids
    index: bool
    residents: tuple[OnCase, ...]
    row: int = 1  # the board's grid placement (see the module doc)
    span: int = 1
    column: int = 1

    @property
    def id(self) -> str:
        return self.case.id

    @property
    def anchor(self) -> str:
        return anchor(self.case.id)

    @property
    def flags(self) -> list[str]:
        return sorted(self.case.flags)

    @property
    def css(self) -> str:
        return f"r{self.column} t{self.row} d{self.span}"


@dataclass(frozen=True)
class RoomColumn:
    name: str
    column: int
    blocks: tuple[CaseBlock, ...]

    @property
    def css(self) -> str:
        return f"r{self.column}"


@dataclass(frozen=True)
class HourMark:
    label: str
    row: int
    span: int

    @property
    def css(self) -> str:
        return f"t{self.row} d{self.span}"


@dataclass(frozen=True)
class Board:
    """A day's rooms and the hours down the side."""

    rooms: tuple[RoomColumn, ...]
    hours: tuple[HourMark, ...]

    @property
    def blocks(self) -> list[CaseBlock]:
        return [b for room in self.rooms for b in room.blocks]


def local(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone))


def read_at(value: datetime, zone: str) -> str:
    """When a patient was read, on the hospital's clock: "Sat 05 Dec 2026, 05:46"."""
    return f"{local(value, zone):%a %d %b %Y, %H:%M}"


PAGE_WORDS = {
    "/or/case/patient": "the case's page",
    "/or/case": "the case's page",
    "/api/v1/or/patient": "the API",
}


def route_words(route: str) -> str:
    """Where a read came from ("POST /or/case/patient") as a reader names it."""
    path = route.split(" ", 1)[-1]
    return PAGE_WORDS.get(path, "the API" if path.startswith("/api/") else path)


def on_case(board_case: BoardCase, grades: Mapping[str, str]) -> tuple[OnCase, ...]:
    """The residents on the case, surgeons first, then the teaching assistant and assistants."""
    order = list(CreditRole)
    found = sorted(board_case.roles, key=lambda n: (order.index(n.role.role), n.name))
    return tuple(
        OnCase(n.role.person_id, n.name, grades.get(n.role.person_id, ""), n.role.role) for n in found
    )


def block_of(board_case: BoardCase, zone: str, grades: Mapping[str, str]) -> CaseBlock:
    """A case in words, not yet placed on the board."""
    case, needs = board_case.case, board_case.needs
    return CaseBlock(
        case=case,
        starts=local(case.start, zone).strftime("%H:%M"),
        ends=local(case.end, zone).strftime("%H:%M"),
        attending=board_case.attending or "no attending named",
        service=board_case.service,
        min_grade=needs.min_grade.label,
        categories=tuple(category_name(c) for c in needs.categories),
        index=needs.index,
        residents=on_case(board_case, grades),
    )


def grades_of(board: DayBoard) -> dict[str, str]:
    return {r.person_id: r.grade.label for r in board.residents}


def blocks_of(board: DayBoard) -> list[CaseBlock]:
    """The day's cases in words, by start (not placed: a list, as My cases shows them)."""
    grades = grades_of(board)
    return [block_of(c, board.timezone, grades) for c in sorted(board.cases, key=lambda c: c.case.start)]


def board_of(board: DayBoard) -> Board:
    """The day's cases placed: rooms in name order, rows from the first case's hour."""
    zone, cases = board.timezone, [c.case for c in board.cases]
    if not cases:
        return Board((), ())
    first = min(local(c.start, zone) for c in cases).replace(minute=0, second=0, microsecond=0)
    last = max(local(c.end, zone) for c in cases)
    rooms = sorted({c.room for c in cases}, key=_room_order)
    blocks = blocks_of(board)
    columns = []
    for number, room in enumerate(rooms, start=1):
        column = min(number, MOST_ROOMS)
        placed = [_placed(b, first, zone, column) for b in blocks if b.case.room == room]
        columns.append(RoomColumn(room, column, tuple(placed)))
    return Board(tuple(columns), _hours(first, last))


def _placed(block: CaseBlock, first: datetime, zone: str, column: int) -> CaseBlock:
    start = local(block.case.start, zone)
    row = int((start - first) / timedelta(minutes=SLOT_MINUTES)) + 1
    row = max(1, min(row, MOST_SLOTS))
    span = max(1, min(-(-block.case.minutes // SLOT_MINUTES), MOST_SLOTS + 1 - row))
    return CaseBlock(**{**block.__dict__, "row": row, "span": span, "column": column})


def _hours(first: datetime, last: datetime) -> tuple[HourMark, ...]:
    marks: list[HourMark] = []
    at = first
    while at < last and len(marks) < 24:
        row = len(marks) * SLOTS_PER_HOUR + 1
        marks.append(HourMark(at.strftime("%H:%M"), row, SLOTS_PER_HOUR))
        at += timedelta(hours=1)
    return tuple(marks)


def _room_order(room: str) -> tuple[str, int, str]:
    """ "OR 2" before "OR 10": rooms by their name with the number read as a number."""
    head = room.rstrip("0123456789")
    tail = room[len(head) :]
    return (head, int(tail) if tail else -1, room)


def hospital_today(program: Program, now: datetime) -> date:
    return local(now, program.hospital.timezone).date()


@dataclass(frozen=True)
class Choice:
    """A resident in a case's move form: who, and why the rules keep them off it (None: free)."""

    person_id: str
    label: str
    why_not: str | None


def choices(board: DayBoard, case_id: str) -> list[Choice]:
    """The residents for a case's form: those free to take it first, then the others with why."""
    found = [
        Choice(r.person_id, f"{r.name} ({r.grade.label})", board.availability.get((case_id, r.person_id)))
        for r in board.residents
    ]
    return sorted(found, key=lambda c: (c.why_not is not None, c.label))


def plan_state(board: DayBoard) -> str:
    """ "none", "draft" (a plan never told to the residents), "changed" (the plan or the cases
    changed since the last publication) or "published"."""
    if board.plan is None:
        return "none"
    if board.published is None:
        return "draft"
    return "changed" if board.changed_since_published else "published"


def refused_file(error: CallroomError) -> dict[str, object]:
    """A refused import as a page lists it: the headline, then each problem by line and column
    ("line 3, cpt: CPT code 99999 is not in the program's CPT table")."""
    headline = error.message.splitlines()[0] if error.message else "the file was refused"
    if "nothing was imported" not in headline:
        headline = f"Nothing was imported: {headline}"
    details = []
    for detail in error.details:
        line = detail.extra.get("line")
        where = ", ".join(part for part in (f"line {line}" if line else "", detail.field) if part)
        details.append(f"{where}: {detail.message}" if where else detail.message)
    return {"message": headline, "details": details}
