"""The program: one service's people, posts, cover demands, rules and the block being planned.

Everything a solve needs is in one immutable `Program`. Front ends (the YAML program file, the
Curtois benchmark importer, the database) build it; the rules and the solver only read it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import cache, cached_property

from callroom.domain.absence import ApprovedAbsence
from callroom.domain.grades import Grade, GradeRange
from callroom.domain.paging import PagingConfig
from callroom.domain.roster import Assignment
from callroom.domain.shifts import ShiftType
from callroom.domain.year import Rotation, Year


@dataclass(frozen=True)
class Hospital:
    name: str
    timezone: str


@dataclass(frozen=True)
class Block:
    """The planning period: `days` consecutive dates from `start`. Rules average over the block."""

    start: date
    days: int

    @property
    def end(self) -> date:
        """The last date of the block (inclusive)."""
        return self.start + timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        return list(_dates(self.start, self.days))

    def index(self, day: date) -> int:
        """The day's position in the block; ValueError when it lies outside."""
        offset = (day - self.start).days
        if not 0 <= offset < self.days:
            raise ValueError(f"{day.isoformat()} is outside the block {self.start}..{self.end}")
        return offset

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@cache
def _dates(start: date, days: int) -> tuple[date, ...]:
    # Checkers ask for the block's dates per person and per rule; a year of blocks asks often.
    return tuple(start + timedelta(days=i) for i in range(days))


@dataclass(frozen=True)
class History:
    """The work done in the days before a block, from `start` to the block's eve: fixed facts.

    Runs of days are known from `start`; before it nothing is, so a run touching `start` is
    exempt from the minimum-length rules as one touching the block's first day is without it.
    """

    start: date
    assignments: tuple[Assignment, ...] = ()


@dataclass(frozen=True)
class Tally:
    """A resident's counts over the academic year before a block: what fairness balances over
    the year, and the named holidays already worked."""

    nights: int = 0
    weekends: int = 0
    calls: int = 0
    holidays: int = 0


@dataclass(frozen=True)
class Holiday:
    """A named holiday (Thanksgiving, Christmas Day, New Year's Day): nobody works more than one
    of the year's."""

    name: str
    day: date


@dataclass(frozen=True)
class Service:
    id: str
    name: str


@dataclass(frozen=True)
class Post:
    """A place that needs people: a service's day team, its night cover, the clinic, the Pit.

    `team` groups posts whose holders work together; declared conflicts forbid two people from
    sharing a team at overlapping times. `new_patients` is False for posts that take no new
    patients, the only ones allowed in the ACGME transition hours after 24 hours of work.
    """

    id: str
    name: str
    service_id: str
    shift_ids: tuple[str, ...]
    team: str
    new_patients: bool = True
    grades: GradeRange = GradeRange()


@dataclass(frozen=True)
class DayPattern:
    """Which dates of the block a demand applies to: weekdays (0 = Monday) plus or minus dates."""

    weekdays: frozenset[int] = frozenset(range(7))
    include: frozenset[date] = frozenset()
    exclude: frozenset[date] = frozenset()

    def applies(self, day: date, as_weekday: int | None = None) -> bool:
        """Whether the pattern takes `day` (read as weekday `as_weekday` when given: a holiday
        is staffed as a Sunday)."""
        if day in self.exclude:
            return False
        weekday = day.weekday() if as_weekday is None else as_weekday
        return weekday in self.weekdays or day in self.include


@dataclass(frozen=True)
class CoverRequirement:
    """How many people of some grades a post needs on a shift.

    `minimum` and `maximum` are hard; `target` is soft, each person under it costs
    `weight_under` and each person over it `weight_over`.
    """

    grades: GradeRange = GradeRange()
    minimum: int = 0
    target: int | None = None
    maximum: int | None = None
    weight_under: int = 100
    weight_over: int = 1

    def miss(self, count: int) -> int:
        """The points `count` people cost against the target (none without one)."""
        if self.target is None:
            return 0
        if count < self.target:
            return (self.target - count) * self.weight_under
        return (count - self.target) * self.weight_over


@dataclass(frozen=True)
class CoverDemand:
    id: str
    post_id: str
    shift_id: str
    days: DayPattern
    requirements: tuple[CoverRequirement, ...]


@dataclass(frozen=True)
class Leave:
    """Leave from `start` to `end` inclusive. Leave days leave both sides of every ACGME average."""

    start: date
    end: date
    kind: str = "vacation"

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class Request:
    """A wish to work (`on`) or not work (`off`) on a date, optionally a shift and post."""

    day: date
    on: bool
    weight: int
    shift_id: str | None = None
    post_id: str | None = None


@dataclass(frozen=True)
class PersonLimits:
    """Per-person general rostering limits; None means no limit."""

    max_shifts: Mapping[str, int] = field(default_factory=dict, hash=False)
    min_total_minutes: int | None = None
    max_total_minutes: int | None = None
    min_consecutive_work: int | None = None
    max_consecutive_work: int | None = None
    min_consecutive_off: int | None = None
    max_weekends: int | None = None


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    grade: Grade
    post_ids: tuple[str, ...]
    rotation: str | None = None
    leave: tuple[Leave, ...] = ()
    days_off: frozenset[date] = frozenset()
    requests: tuple[Request, ...] = ()
    limits: PersonLimits = PersonLimits()
    # The dates each post may be worked, for a post listed only part of the block (a rotation
    # that changes mid-block); a post not in it may be worked on any date.
    post_dates: Mapping[str, frozenset[date]] = field(default_factory=dict, hash=False)

    @cached_property
    def leave_dates(self) -> frozenset[date]:
        return frozenset(d for leave in self.leave for d in leave.dates())

    def unavailable(self, day: date) -> bool:
        """Leave and fixed days off: the person works nothing that day."""
        return day in self.leave_dates or day in self.days_off


@dataclass(frozen=True)
class Conflict:
    """Two people who must never share a team. The reason is for the chief's eyes only."""

    first: str
    second: str
    reason: str


@dataclass(frozen=True)
class AcgmeLimits:
    """The ACGME §VI.F numbers; a review committee may override some per rotation (88 hours)."""

    weekly_hours: int = 80
    free_days_per_seven: int = 1
    max_continuous_hours: int = 24
    transition_hours: int = 4
    rest_after_call_hours: int = 14
    call_every_nth_night: int = 3
    min_rest_hours: int = 8
    night_float_max_nights: int | None = None
    rolling_window_days: int = 28
    free_day_start: time = time(0, 0)


@dataclass(frozen=True)
class RuleProfile:
    """Which duty-hour rules bind residents, and the general succession rules for everyone.

    `acgme` False switches the ACGME rules off (the Curtois benchmark has none). A free day in
    the solver is the 24 hours from `free_day_start`; the checker counts any 24 free hours.
    """

    acgme: bool = True
    limits: AcgmeLimits = AcgmeLimits()
    rotation_limits: Mapping[str, AcgmeLimits] = field(default_factory=dict, hash=False)
    forbidden_successions: frozenset[tuple[str, str]] = frozenset()

    def limits_for(self, person: Person) -> AcgmeLimits | None:
        """The ACGME limits binding this person, or None (attendings, or ACGME off)."""
        if not self.acgme or not person.grade.is_resident:
            return None
        if person.rotation is not None and person.rotation in self.rotation_limits:
            return self.rotation_limits[person.rotation]
        return self.limits


@dataclass(frozen=True)
class Weights:
    """Weights of the soft goals that are not per item (requests and cover carry their own).

    Fairness is the spread (most minus fewest) of nights, weekends worked and in-house call
    nights among colleagues of one grade on one rotation, counted per full block so leave is
    pro-rated. One shift of spread is free (shifts do not divide evenly: 9 nights among 4
    residents is 3, 2, 2, 2); beyond it the penalty is the weight per tenth of a shift.
    """

    fairness_nights: int = 2
    fairness_weekends: int = 2
    fairness_calls: int = 2
    short_rest: int = 20


@dataclass(frozen=True)
class Program:
    hospital: Hospital
    block: Block
    services: tuple[Service, ...]
    shift_types: tuple[ShiftType, ...]
    posts: tuple[Post, ...]
    demands: tuple[CoverDemand, ...]
    people: tuple[Person, ...]
    conflicts: tuple[Conflict, ...] = ()
    rules: RuleProfile = RuleProfile()
    weights: Weights = Weights()
    paging: PagingConfig = PagingConfig()
    # Not from the program file: the absences the chief approved on its published rosters
    # (stored in the database), laid over the program by the live roster (rosters.live).
    absences: tuple[ApprovedAbsence, ...] = ()
    # Work done before the block starts (the previous block's published roster, or the program
    # file's `history`): fixed facts that the rules carrying across a boundary (continuous
    # hours, rest, runs of days, free-day windows) look back on. Its shifts and posts are the
    # program's own.
    history: History | None = None
    # A year program: `block` spans the academic year, and block programs are made from it and
    # its published plan (year.derive). None for a program of one block.
    year: Year | None = None
    # The year so far, for a block made from a year (year.derive): each resident's counts before
    # the block, and the year's named holidays.
    ledger: Mapping[str, Tally] = field(default_factory=dict, hash=False)
    holidays: tuple[Holiday, ...] = ()

    @cached_property
    def shift(self) -> Mapping[str, ShiftType]:
        return {s.id: s for s in self.shift_types}

    @cached_property
    def post(self) -> Mapping[str, Post]:
        return {p.id: p for p in self.posts}

    @cached_property
    def person(self) -> Mapping[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def service(self) -> Mapping[str, Service]:
        return {s.id: s for s in self.services}

    @cached_property
    def absences_of(self) -> Mapping[str, tuple[ApprovedAbsence, ...]]:
        """Each person's approved absences (people without any are left out)."""
        found: dict[str, list[ApprovedAbsence]] = {}
        for absence in self.absences:
            found.setdefault(absence.person_id, []).append(absence)
        return {person_id: tuple(absences) for person_id, absences in found.items()}

    @property
    def history_start(self) -> date:
        """The first day the program knows the work of: its history's start, or the block's."""
        return self.block.start if self.history is None else min(self.history.start, self.block.start)

    @property
    def history_days(self) -> int:
        """How many days before the block its history covers (0 without one)."""
        return (self.block.start - self.history_start).days

    def with_history(self, history: History | None) -> Program:
        """The same program looking back on this history before its block."""
        return dataclasses.replace(self, history=history)

    def with_absences(self, absences: Iterable[ApprovedAbsence]) -> Program:
        """The same program with these approved absences (instead of its own)."""
        return dataclasses.replace(self, absences=tuple(absences))

    def may_work(self, person: Person, post_id: str, shift_id: str, day: date | None = None) -> bool:
        """Eligibility: the person lists the post (on that day, when given), their grade fits
        it, it runs that shift, and their limits do not cap that shift type at zero."""
        post = self.post.get(post_id)
        if post is None or post_id not in person.post_ids or shift_id not in post.shift_ids:
            return False
        if day is not None and post_id in person.post_dates and day not in person.post_dates[post_id]:
            return False
        return person.grade in post.grades and person.limits.max_shifts.get(shift_id, 1) > 0

    @cached_property
    def residents(self) -> tuple[Person, ...]:
        """Everyone below attending: those the ACGME limits bind and a year plans."""
        return tuple(p for p in self.people if p.grade.is_resident)

    def rotation_posts(self, person: Person, rotation: Rotation) -> list[str]:
        """The rotation's posts (of this program) whose grades take the person."""
        return [p for p in rotation.post_ids if p in self.post and person.grade in self.post[p].grades]

    def may_rotate(self, person: Person, rotation: Rotation) -> bool:
        """The rotation takes the person's grade, and so does one of its posts (if it has any)."""
        known = [p for p in rotation.post_ids if p in self.post]
        return person.grade in rotation.grades and (not known or bool(self.rotation_posts(person, rotation)))

    def options(self, person: Person) -> list[tuple[str, str]]:
        """Every (post, shift) the person may ever be assigned, in a stable order."""
        return [
            (post.id, shift_id)
            for post in self.posts
            for shift_id in post.shift_ids
            if self.may_work(person, post.id, shift_id)
        ]
