"""The hours service: log, confirm a week as scheduled, clock in and out, correct, justify,
review, report and what-if, each in one transaction against the live program and roster.

Who may do what (`HoursActor`): a resident logs, corrects, justifies and reads their own hours;
a program director reads everyone's hours and history and reviews justifications; an admin does
all of that and may also log or correct on a resident's behalf (a coordinator entering a
paper log). Every write records who made it; nothing is ever overwritten (see
storage.hours_repositories), so a correction made by anyone leaves the earlier value readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callroom.domain.clock import Clock, utc_now
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.domain.worklog import Decision, FieldError, LoggedPeriod, Reason, WorkKind, period_errors
from callroom.hours.confirm import scheduled_periods
from callroom.hours.errors import HoursConflict, HoursError, HoursNotAllowed, HoursNotFound
from callroom.paging.live import LiveSchedules
from callroom.rules.change import ChangeError
from callroom.rules.whatif import WhatIf, parse_take, whatif
from callroom.rules.worked import BlockReport, WeekHours, compliance, weekly_hours
from callroom.storage import Database, RosterRepository
from callroom.storage.hours_repositories import (
    HoursRepository,
    JustificationRecord,
    PeriodRecord,
    PeriodValues,
    RevisionRecord,
)


@dataclass(frozen=True)
class HoursActor:
    """Who acts. `reads_all`: program director or admin; `edits_all`: admin; `reviews`:
    program director or admin."""

    user: str
    reads_all: bool = False
    edits_all: bool = False
    reviews: bool = False

    def may_read(self, person_id: str) -> bool:
        return self.reads_all or self.user == person_id

    def may_edit(self, person_id: str) -> bool:
        return self.edits_all or self.user == person_id


@dataclass(frozen=True)
class Entry:
    """A period as a person typed it."""

    person_id: str
    start: datetime
    end: datetime
    kind: WorkKind = WorkKind.IN_HOUSE
    shift_id: str | None = None
    post_id: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Correction:
    """New values for a period; None keeps the current one."""

    start: datetime | None = None
    end: datetime | None = None
    kind: WorkKind | None = None
    shift_id: str | None = None
    post_id: str | None = None
    note: str = ""
    withdraw: bool = False


@dataclass(frozen=True)
class Confirmed:
    logged: tuple[PeriodRecord, ...]
    skipped: tuple[str, ...]  # why each scheduled shift was not logged


@dataclass(frozen=True)
class History:
    period: PeriodRecord
    revisions: tuple[RevisionRecord, ...]
    justifications: tuple[JustificationRecord, ...]


@dataclass(frozen=True)
class HoursReport:
    program: Program
    blocks: tuple[BlockReport, ...]
    weeks: tuple[WeekHours, ...]  # the first block's weeks (the program's own block)
    justifications: tuple[JustificationRecord, ...]
    periods: tuple[PeriodRecord, ...]


@dataclass(frozen=True)
class _Live:
    program: Program
    roster: Roster
    program_id: int


class HoursService:
    def __init__(self, database: Database, schedules: LiveSchedules, clock: Clock = utc_now) -> None:
        self._database = database
        self._schedules = schedules
        self._clock = clock

    # -- writes ---------------------------------------------------------------------------

    def log(self, actor: HoursActor, entry: Entry) -> PeriodRecord:
        """Store a period the resident worked; HoursError (nothing saved) when it is wrong."""
        with self._database.session() as session:
            live, hours = self._writer(session, actor, entry.person_id)
            candidate = LoggedPeriod(entry.person_id, entry.start, entry.end, entry.kind, entry.shift_id,
                                     entry.post_id)
            self._validate(live, hours, candidate)
            values = PeriodValues(entry.start, entry.end, entry.kind, entry.shift_id, entry.post_id,
                                  entry.note)
            return hours.add_period(live.program_id, entry.person_id, values, by=actor.user, source="log")

    def confirm(self, actor: HoursActor, person_id: str, week_start: date) -> Confirmed:
        """Log the person's scheduled shifts of the 7 days from `week_start` as worked: those
        that have ended and do not overlap hours already logged (each skip says why)."""
        with self._database.session() as session:
            live, hours = self._writer(session, actor, person_id)
            current = [p.logged() for p in hours.periods(live.program_id, person_id) if not p.open]
            planned, skipped = scheduled_periods(live.program, live.roster, person_id, week_start,
                                                 self._clock(), current)
            if not planned:
                why = "; ".join(skipped) or "no scheduled shift that week"
                raise HoursError("week", f"nothing to confirm in the week from {week_start}: {why}")
            logged = tuple(
                hours.add_period(live.program_id, person_id, PeriodValues(
                    p.start, p.end, p.kind, p.shift_id, p.post_id, "worked as scheduled"),
                    by=actor.user, source="confirm")
                for p in planned)
            return Confirmed(logged, tuple(skipped))

    def clock_in(self, actor: HoursActor, person_id: str, at: datetime | None = None,
                 kind: WorkKind = WorkKind.IN_HOUSE, shift_id: str | None = None,
                 post_id: str | None = None) -> PeriodRecord:
        """Open a period now (or at `at`, not in the future); one open period at a time."""
        now = self._clock()
        start = at or now
        with self._database.session() as session:
            live, hours = self._writer(session, actor, person_id)
            mine = hours.periods(live.program_id, person_id)
            already = next((p for p in mine if p.open), None)
            if already is not None:
                raise HoursConflict("person", f"{person_id} is clocked in since "
                                    f"{already.current.values.start.isoformat(timespec='minutes')} "
                                    f"(period {already.id}); clock out first")
            probe = LoggedPeriod(person_id, start, start + timedelta(minutes=1), kind, shift_id, post_id)
            self._validate_open(live, mine, probe, now)
            values = PeriodValues(start, None, kind, shift_id, post_id)
            return hours.add_period(live.program_id, person_id, values, by=actor.user, source="clock_in")

    def clock_out(self, actor: HoursActor, person_id: str, at: datetime | None = None) -> PeriodRecord:
        end = at or self._clock()
        with self._database.session() as session:
            live, hours = self._writer(session, actor, person_id)
            found = next((p for p in hours.periods(live.program_id, person_id) if p.open), None)
            if found is None:
                raise HoursConflict("person", f"{person_id} is not clocked in")
            values = replace(found.current.values, end=end)
            candidate = LoggedPeriod(person_id, values.start, end, values.kind, values.shift_id,
                                     values.post_id, found.id)
            self._validate(live, hours, candidate)
            return hours.revise(found.id, values, by=actor.user, source="clock_out")

    def correct(self, actor: HoursActor, period_id: int, change: Correction) -> PeriodRecord:
        """Add a revision with new values (or withdraw the period); earlier values stay."""
        with self._database.session() as session:
            hours = HoursRepository(session, clock=self._clock)
            found = self._period(hours, period_id)
            live, _ = self._writer(session, actor, found.person_id)
            values = _corrected(found.current.values, change)
            candidate = LoggedPeriod(found.person_id, values.start, values.end or values.start, values.kind,
                                     values.shift_id, values.post_id, found.id)
            if values.withdrawn:
                pass  # taking a period out needs no check: its history keeps it
            elif values.end is not None:
                self._validate(live, hours, candidate)
            else:  # still clocked in: a new start must be sane
                others = [p for p in hours.periods(live.program_id, found.person_id) if p.id != found.id]
                self._validate_open(live, others, candidate, self._clock())
            source = "withdrawal" if change.withdraw else "correction"
            return hours.revise(period_id, values, by=actor.user, source=source)

    def justify(self, actor: HoursActor, period_id: int, reason: Reason, note: str = ""
                ) -> JustificationRecord:
        """The resident's reason for staying; only the resident gives it."""
        with self._database.session() as session:
            hours = HoursRepository(session, clock=self._clock)
            found = self._period(hours, period_id)
            if actor.user != found.person_id:
                raise HoursNotAllowed("period", "only the resident who worked a period may justify it")
            return hours.add_justification(period_id, reason, note, by=actor.user)

    def review(self, actor: HoursActor, justification_id: int, decision: Decision, note: str = ""
               ) -> JustificationRecord:
        """The program director's decision; every decision is kept (a later one supersedes)."""
        if not actor.reviews:
            raise HoursNotAllowed("justification", "only a program director or admin reviews justifications")
        with self._database.session() as session:
            hours = HoursRepository(session, clock=self._clock)
            if hours.justification(justification_id) is None:
                raise HoursNotFound("justification", f"no justification {justification_id}")
            hours.add_review(justification_id, decision, note, by=actor.user)
            found = hours.justification(justification_id)
            assert found is not None
            return found

    # -- reads ----------------------------------------------------------------------------

    def periods(self, actor: HoursActor, person_id: str) -> list[PeriodRecord]:
        with self._database.reading() as session:
            live = self._live(session)
            self._readable(actor, live, person_id)
            return HoursRepository(session).periods(live.program_id, person_id)

    def history(self, actor: HoursActor, period_id: int) -> History:
        """Every value the period has had and its justifications with their reviews."""
        with self._database.reading() as session:
            hours = HoursRepository(session)
            found = self._period(hours, period_id)
            if not actor.may_read(found.person_id):
                raise HoursNotAllowed("period", "residents read only their own hours")
            justifications = [j for j in hours.justifications(found.program_id, found.person_id)
                              if j.period_id == period_id]
            return History(found, tuple(hours.history(period_id)), tuple(justifications))

    def report(self, actor: HoursActor, person_id: str | None = None, blocks: Sequence[int] = ()
               ) -> HoursReport:
        """Compliance by block on hours as logged (block 1 is the program's own block), the
        early warnings, and scheduled-versus-worked by week of block 1. Without `person_id`
        the whole program, for program directors and admins."""
        _check_blocks(blocks)
        with self._database.reading() as session:
            live = self._live(session)
            if person_id is None and not actor.reads_all:
                raise HoursNotAllowed("person", "residents read only their own hours: name yourself")
            if person_id is not None:
                self._readable(actor, live, person_id)
            hours = HoursRepository(session)
            records = [p for p in hours.periods(live.program_id, person_id) if not p.open]
            justifications = hours.justifications(live.program_id, person_id)
        logged = [p.logged() for p in records]
        numbers = sorted(set(blocks)) or _blocks_logged(live.program, logged)
        program = _scoped(live.program, person_id)
        # A named person gets their weeks even when no resident limits bind them (an attending).
        weeks = weekly_hours(program, logged, live.roster, [person_id] if person_id else None)
        return HoursReport(program, tuple(compliance(program, logged, numbers, live.roster)), tuple(weeks),
                           tuple(justifications), tuple(records))

    def whatif(self, actor: HoursActor, person_id: str, take: str) -> WhatIf:
        """Would `person_id` break a rule by taking `take` (DATE:SHIFT[:POST])?"""
        with self._database.reading() as session:
            live = self._live(session)
            self._readable(actor, live, person_id)
            records = HoursRepository(session).periods(live.program_id, person_id)
        try:
            assignment = parse_take(live.program, person_id, take)
            return whatif(live.program, live.roster, assignment, [p.logged() for p in records if not p.open])
        except ChangeError as error:
            raise HoursError(error.field, error.message) from None

    def timezone(self) -> ZoneInfo:
        """The hospital's zone, for reading wall-clock times a person typed without an offset."""
        with self._database.reading() as session:
            return ZoneInfo(self._live(session).program.hospital.timezone)

    # -- helpers --------------------------------------------------------------------------

    def _live(self, session: Session) -> _Live:
        schedule = self._schedules.current(session)
        if schedule is None or schedule.roster_version_id is None:
            raise HoursNotFound("program", "no roster is stored yet: solve or import one first")
        record = RosterRepository(session).get(schedule.roster_version_id)
        assert record is not None  # the live schedule was just read from it
        return _Live(schedule.program, schedule.roster, record.program_id)

    def _writer(self, session: Session, actor: HoursActor, person_id: str) -> tuple[_Live, HoursRepository]:
        live = self._live(session)
        _known(live, person_id)
        if not actor.may_edit(person_id):
            raise HoursNotAllowed("person", f"{actor.user} may not log or correct {person_id}'s hours")
        hours = HoursRepository(session, clock=self._clock)
        hours.lock(live.program_id)
        return live, hours

    def _readable(self, actor: HoursActor, live: _Live, person_id: str) -> None:
        _known(live, person_id)
        if not actor.may_read(person_id):
            raise HoursNotAllowed("person", "residents read only their own hours")

    def _period(self, hours: HoursRepository, period_id: int) -> PeriodRecord:
        found = hours.period(period_id)
        if found is None:
            raise HoursNotFound("period", f"no logged period {period_id}")
        return found

    def _validate(self, live: _Live, hours: HoursRepository, candidate: LoggedPeriod) -> None:
        now = self._clock()
        mine = hours.periods(live.program_id, candidate.person_id)
        errors = _link_errors(live.program, candidate)
        errors += period_errors(candidate, [_as_period(p, now) for p in mine], now, _names(live.program))
        if errors:
            raise HoursError.of(errors)

    def _validate_open(self, live: _Live, mine: list[PeriodRecord], probe: LoggedPeriod, now: datetime
                       ) -> None:
        if probe.start.tzinfo is None:
            raise HoursError("at", f"{probe.start.isoformat()} has no time zone; give an offset")
        errors = _link_errors(live.program, probe)
        if probe.start > now:
            errors.append(FieldError("at", f"{probe.start.isoformat(timespec='minutes')} is in the future"))
        others = [_as_period(p, now) for p in mine]
        errors += [FieldError("at", f"inside the logged period {o.id}") for o in others
                   if o.start <= probe.start < o.end]
        if errors:
            raise HoursError.of(errors)


MAX_BLOCKS = 13
"""Blocks one report may cover: an academic year of four-week blocks."""


def _check_blocks(blocks: Sequence[int]) -> None:
    if any(n < 1 for n in blocks):
        raise HoursError("block", "block numbers start at 1 (the program's own block)")
    if len(set(blocks)) > MAX_BLOCKS:
        raise HoursError("block", f"at most {MAX_BLOCKS} blocks in one report (an academic year)")


def _known(live: _Live, person_id: str) -> None:
    if person_id not in live.program.person:
        raise HoursError("person", f"unknown person {person_id!r}")


def _names(program: Program) -> dict[str, str]:
    return {p.id: p.name for p in program.people}


def _link_errors(program: Program, period: LoggedPeriod) -> list[FieldError]:
    errors = []
    if period.shift_id is not None and period.shift_id not in program.shift:
        errors.append(FieldError("shift", f"unknown shift {period.shift_id!r}"))
    if period.post_id is not None and period.post_id not in program.post:
        errors.append(FieldError("post", f"unknown post {period.post_id!r}"))
    return errors


def _as_period(record: PeriodRecord, now: datetime) -> LoggedPeriod:
    """A stored period for overlap checks: an open one runs until now."""
    values = record.current.values
    end = values.end if values.end is not None else max(now, values.start + timedelta(minutes=1))
    return LoggedPeriod(record.person_id, values.start, end, values.kind, values.shift_id, values.post_id,
                        record.id)


def _corrected(values: PeriodValues, change: Correction) -> PeriodValues:
    return PeriodValues(
        change.start or values.start, change.end or values.end, change.kind or values.kind,
        change.shift_id if change.shift_id is not None else values.shift_id,
        change.post_id if change.post_id is not None else values.post_id,
        change.note, change.withdraw or values.withdrawn)


def _blocks_logged(program: Program, logged: Sequence[LoggedPeriod]) -> list[int]:
    """Block 1 (the program's own) through the last block with a logged period."""
    if not logged:
        return [1]
    last = max(p.start for p in logged).date()
    newest = max(1, (last - program.block.start).days // program.block.days + 1)
    return list(range(max(1, newest - MAX_BLOCKS + 1), newest + 1))


def _scoped(program: Program, person_id: str | None) -> Program:
    """The program with only the named person, so reports and checks stay on them."""
    if person_id is None:
        return program
    return replace(program, people=tuple(p for p in program.people if p.id == person_id))
