"""The academic year: its blocks, its rotations, what each grade must cover, and the plan.

The week (Monday to Sunday, from the year's start) is the unit of rotation: the plan puts every
resident on one rotation each week, and may mark the week as vacation. A rotation's `length`
says in what pieces it is given: whole blocks, half blocks or single weeks, so a week in the
emergency department in the middle of a block is an ordinary assignment. Block rosters are
then made from the plan (`year.derive`), one block at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from callroom.domain.grades import Grade, GradeRange

WEEK = 7


class Length(StrEnum):
    """The pieces a rotation is given in."""

    BLOCK = "block"
    HALF = "half"
    WEEK = "week"


@dataclass(frozen=True)
class Complement:
    """How many residents of some grades a rotation takes each week: `minimum` is hard, as is
    `maximum` (None: no cap). Residents on vacation that week are not counted."""

    grades: GradeRange
    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True)
class Rotation:
    """A rotation: the grades it takes, the posts a resident on it may work (the ACGME limits
    that apply on it are the program's `rules.rotations` entry of the same id), its weekly
    complement, the pieces it
    is given in, whether vacation may be taken during it, whether it is heavy (for sequencing
    and fairness), and the most weeks in a row one resident may spend on it."""

    id: str
    name: str
    post_ids: tuple[str, ...]
    grades: GradeRange = GradeRange(Grade.PGY1, Grade.PGY5)
    complement: tuple[Complement, ...] = ()
    length: Length = Length.BLOCK
    vacation: bool = True
    heavy: bool = False
    elective: bool = False
    max_weeks_in_a_row: int | None = None


@dataclass(frozen=True)
class Requirement:
    """Residents of `grades` spend between `min_weeks` and `max_weeks` (None: no cap) present on
    any of `rotation_ids` over the year. Vacation weeks do not count."""

    grades: GradeRange
    rotation_ids: tuple[str, ...]
    min_weeks: int = 0
    max_weeks: int | None = None

    @property
    def label(self) -> str:
        return " or ".join(self.rotation_ids)


@dataclass(frozen=True)
class FirstRotation:
    """Residents of `grades` start the year on `rotation_id` (interns' orientation)."""

    grades: GradeRange
    rotation_id: str


@dataclass(frozen=True)
class Fixed:
    """A resident's rotation fixed by the program for whole weeks (off-service, research)."""

    rotation_id: str
    start: date
    end: date


@dataclass(frozen=True)
class Wishes:
    """One resident's year: ranked vacation requests (each a list of week starts, first choice
    first), electives by rank, fixed rotations, the day they join when it is not the year's
    first, and the spans of their leave (the person's own `leave`: a week wholly inside it,
    such as parental leave, is a week away from the program)."""

    vacation: tuple[tuple[date, ...], ...] = ()
    electives: tuple[str, ...] = ()
    fixed: tuple[Fixed, ...] = ()
    joins: date | None = None
    leave: tuple[tuple[date, date], ...] = ()


@dataclass(frozen=True)
class VacationRules:
    """Each resident takes `weeks` weeks of vacation; at most `max_off` residents of one
    rotation are off in one week (None: no cap)."""

    weeks: int = 0
    max_off: int | None = None


@dataclass(frozen=True)
class YearBlock:
    """One block of the year: `weeks` weeks from week index `first` (0 is the year's first)."""

    number: int
    first: int
    weeks: int

    @property
    def week_indices(self) -> range:
        return range(self.first, self.first + self.weeks)

    def half_of(self, week: int) -> int:
        """0 for the first half of the block, 1 for the second (the longer half when odd)."""
        return 0 if week - self.first < self.weeks // 2 else 1


@dataclass(frozen=True)
class Year:
    """The academic year from `start` to `end` in `weeks` weeks of seven days from the start (the
    last week runs on to the end: a year of 366 days is 52 weeks, the last of nine days), cut
    into `blocks`."""

    start: date
    end: date
    blocks: tuple[YearBlock, ...]
    rotations: tuple[Rotation, ...]
    requirements: tuple[Requirement, ...] = ()
    first: tuple[FirstRotation, ...] = ()
    vacation: VacationRules = VacationRules()
    max_heavy_weeks_in_a_row: int | None = None
    wishes: Mapping[str, Wishes] = field(default_factory=dict, hash=False)

    @property
    def weeks(self) -> int:
        return ((self.end - self.start).days + 1) // WEEK

    def week_start(self, week: int) -> date:
        return self.start + timedelta(days=week * WEEK)

    def week_end(self, week: int) -> date:
        """The last day of the week (the year's end for its last week)."""
        return self.end if week == self.weeks - 1 else self.week_start(week + 1) - timedelta(days=1)

    def week_of(self, day: date) -> int:
        """The index of the week holding `day` (ValueError outside the year)."""
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the academic year {self.start} to {self.end}")
        return min((day - self.start).days // WEEK, self.weeks - 1)

    @cached_property
    def rotation(self) -> Mapping[str, Rotation]:
        return {r.id: r for r in self.rotations}

    @cached_property
    def block_of_week(self) -> tuple[YearBlock, ...]:
        found: list[YearBlock] = []
        for block in self.blocks:
            found.extend(block for _ in block.week_indices)
        return tuple(found)

    def block(self, number: int) -> YearBlock:
        for block in self.blocks:
            if block.number == number:
                return block
        raise KeyError(number)

    def wishes_of(self, person_id: str) -> Wishes:
        return self.wishes.get(person_id, Wishes())

    def joined_week(self, person_id: str) -> int:
        """The first week the resident is in the program (0 unless they join late)."""
        joins = self.wishes_of(person_id).joins
        return 0 if joins is None or joins <= self.start else self.week_of(joins)

    def weeks_in(self, person_id: str) -> tuple[int, ...]:
        """The weeks the resident is in the program: from the week they join, less the weeks
        wholly on leave. Only these weeks have a rotation, and only these count for requirements
        and complements."""
        return self._weeks_in.get(person_id) or tuple(range(self.joined_week(person_id), self.weeks))

    @cached_property
    def _weeks_in(self) -> Mapping[str, tuple[int, ...]]:
        return {
            person_id: tuple(
                w for w in range(self.joined_week(person_id), self.weeks) if not self._away(wishes, w)
            )
            for person_id, wishes in self.wishes.items()
            if wishes.leave
        }

    def _away(self, wishes: Wishes, week: int) -> bool:
        first, last = self.week_start(week), self.week_end(week)
        # Leave spans may abut (two weeks entered as two leaves): walk them in order.
        covered = first
        for start, end in sorted(wishes.leave):
            if start <= covered <= end:
                covered = end + timedelta(days=1)
        return covered > last

    def vacation_due(self, person_id: str) -> int:
        """Vacation weeks owed for the weeks the resident is in, pro rata for a late joiner (a
        leave of absence does not reduce it, but it never exceeds the weeks left)."""
        due = self.vacation.weeks * (self.weeks - self.joined_week(person_id)) // self.weeks
        return min(due, len(self.weeks_in(person_id)))


@dataclass(frozen=True)
class Placement:
    """One resident's week: the rotation they are on, and whether they are on vacation."""

    person_id: str
    week: int
    rotation_id: str
    vacation: bool = False


@dataclass(frozen=True)
class YearPlan:
    """Every resident's rotation week by week (residents not yet joined have no placement)."""

    placements: tuple[Placement, ...]

    @cached_property
    def at(self) -> Mapping[tuple[str, int], Placement]:
        return {(p.person_id, p.week): p for p in self.placements}

    def rotation_on(self, person_id: str, week: int) -> str | None:
        found = self.at.get((person_id, week))
        return None if found is None else found.rotation_id

    def people(self) -> list[str]:
        return sorted({p.person_id for p in self.placements})


def rotation_letters(rotation_ids: list[str]) -> dict[str, str]:
    """A distinct upper-case letter (or digit) per rotation, from its id where possible: how the
    terminal and the web show a year plan, a letter a week."""
    codes: dict[str, str] = {}
    for rotation_id in rotation_ids:
        letters = [c for c in rotation_id.upper() if c.isalpha()]
        spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" if c not in letters]
        codes[rotation_id] = next(c for c in [*letters, *spare] if c not in codes.values())
    return codes
