"""The hours service: log, confirm a week as scheduled, clock in and out, correct, justify,
review, report and what-if, each in one transaction against the live program and roster.

Who may do what is the permission table, asked of the acting `Principal`: a resident logs,
corrects, justifies and reads their own hours (`hours:log-own`); chiefs and program directors
read everyone's (`hours:read`); a program director reviews justifications (`hours:review`); a
coordinator may log or correct on a resident's behalf, entering a paper log (`hours:edit-any`).
Every write records who made it; nothing is ever overwritten (see storage.hours_repositories),
so a correction made by anyone leaves the earlier value readable. A refused justification is
told to the resident who gave it, as a notice (`callroom.paging.notices`), with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.clock import Clock, utc_now
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.domain.wallclock import local_text
from callroom.domain.worklog import (
    Decision,
    LoggedPeriod,
    Reason,
    WorkKind,
    open_period_errors,
    period_errors,
)
from callroom.errors import Conflict, Detail, Invalid, NotAllowed, NotFound
from callroom.hours.confirm import scheduled_periods
from callroom.paging.notices import Notifier, SilentNotifier
from callroom.rosters.live import LiveSchedules
from callroom.rules.whatif import WhatIf, parse_take, whatif
from callroom.rules.worked import BlockReport, WeekHours, blocks_weekly_hours, compliance
from callroom.storage import Database, RosterRepository
from callroom.storage.hours_repositories import (
    HoursRepository,
    JustificationRecord,
    PeriodRecord,
    PeriodValues,
    RevisionRecord,
)

__all__ = [
    "Confirmed",
    "Correction",
    "Entry",
    "History",
    "HoursReport",
    "HoursService",
    "JustificationRecord",
    "PeriodRecord",
    "RevisionRecord",
]


EMPTY_NOTE = "clocked out within a minute of clocking in: no work to log"


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
    weeks: tuple[WeekHours, ...]  # the weeks of the blocks asked for (block 1's when none was)
    justifications: tuple[JustificationRecord, ...]
    periods: tuple[PeriodRecord, ...]


@dataclass(frozen=True)
class _Live:
    program: Program
    roster: Roster
    program_id: int


NOTICE_SENDER = "callroom:hours"  # who a resident's notice of a refused justification is from


class HoursService:
    def __init__(
        self,
        database: Database,
        schedules: LiveSchedules,
        clock: Clock = utc_now,
        notifier: Notifier | None = None,
    ) -> None:
        self._database = database
        self._schedules = schedules
        self._clock = clock
        self._notifier = notifier or SilentNotifier()

    # -- writes ---------------------------------------------------------------------------

    def log(self, caller: Principal, entry: Entry) -> PeriodRecord:
        """Store a period the resident worked; Invalid (nothing saved) when it is wrong."""
        with self._database.session() as session:
            live, hours = self._writer(session, caller, entry.person_id)
            candidate = LoggedPeriod(
                entry.person_id, entry.start, entry.end, entry.kind, entry.shift_id, entry.post_id
            )
            self._validate(live, hours, candidate)
            values = PeriodValues(
                entry.start, entry.end, entry.kind, entry.shift_id, entry.post_id, entry.note
            )
            return hours.add_period(
                live.program_id, entry.person_id, values, by=caller.identity, source="log"
            )

    def confirm(self, caller: Principal, person_id: str, week_start: date) -> Confirmed:
        """Log the person's scheduled shifts of the 7 days from `week_start` as worked: those
        that have ended and do not overlap hours already logged (each skip says why)."""
        with self._database.session() as session:
            live, hours = self._writer(session, caller, person_id)
            current = [p.logged() for p in hours.periods(live.program_id, person_id) if not p.open]
            planned, skipped = scheduled_periods(
                live.program, live.roster, person_id, week_start, self._clock(), current
            )
            if not planned:
                why = "; ".join(skipped) or "no scheduled shift that week"
                raise Invalid("week", f"nothing to confirm in the week from {week_start}: {why}")
            logged = tuple(
                hours.add_period(
                    live.program_id,
                    person_id,
                    PeriodValues(p.start, p.end, p.kind, p.shift_id, p.post_id, "worked as scheduled"),
                    by=caller.identity,
                    source="confirm",
                )
                for p in planned
            )
            return Confirmed(logged, tuple(skipped))

    def clock_in(
        self,
        caller: Principal,
        person_id: str,
        at: datetime | None = None,
        kind: WorkKind = WorkKind.IN_HOUSE,
        shift_id: str | None = None,
        post_id: str | None = None,
    ) -> PeriodRecord:
        """Open a period now (or at `at`, not in the future); one open period at a time."""
        now = self._clock()
        start = at or now
        with self._database.session() as session:
            live, hours = self._writer(session, caller, person_id)
            mine = hours.periods(live.program_id, person_id)
            already = next((p for p in mine if p.open), None)
            if already is not None:
                since = local_text(already.current.values.start, _zone(live.program))
                who = _names(live.program)[person_id]
                raise Conflict(
                    "person", f"{who} is clocked in since {since} (period {already.id}); clock out first"
                )
            probe = LoggedPeriod(person_id, start, start + timedelta(minutes=1), kind, shift_id, post_id)
            self._validate_open(live, mine, probe, now)
            values = PeriodValues(start, None, kind, shift_id, post_id)
            return hours.add_period(live.program_id, person_id, values, by=caller.identity, source="clock_in")

    def clock_out(self, caller: Principal, person_id: str, at: datetime | None = None) -> PeriodRecord:
        """Close the open period. One closed within a minute of its start (clocked in by mistake,
        or in and straight out) holds no work: it is withdrawn, not logged as an empty period."""
        end = at or self._clock()
        with self._database.session() as session:
            live, hours = self._writer(session, caller, person_id)
            found = next((p for p in hours.periods(live.program_id, person_id) if p.open), None)
            if found is None:
                raise Conflict("person", f"{_names(live.program)[person_id]} is not clocked in")
            values = replace(found.current.values, end=end)
            candidate = LoggedPeriod(
                person_id, values.start, end, values.kind, values.shift_id, values.post_id, found.id
            )
            if end >= values.start and candidate.minutes == 0:
                empty = replace(values, withdrawn=True, note=EMPTY_NOTE)
                return hours.revise(found.id, empty, by=caller.identity, source="withdrawal")
            self._validate(live, hours, candidate)
            return hours.revise(found.id, values, by=caller.identity, source="clock_out")

    def correct(
        self, caller: Principal, period_id: int, change: Correction, *, own: bool = False
    ) -> PeriodRecord:
        """Add a revision with new values (or withdraw the period); earlier values stay. `own`:
        only a period of the caller's (NotAllowed otherwise), for routes about oneself."""
        with self._database.session() as session:
            hours = HoursRepository(session, clock=self._clock)
            found = self._period(hours, period_id, caller.identity if own else None)
            live, _ = self._writer(session, caller, found.person_id)
            values = _corrected(found.current.values, change)
            candidate = LoggedPeriod(
                found.person_id,
                values.start,
                values.end or values.start,
                values.kind,
                values.shift_id,
                values.post_id,
                found.id,
            )
            if values.withdrawn:
                pass  # taking a period out needs no check: its history keeps it
            elif values.end is not None:
                self._validate(live, hours, candidate)
            else:  # still clocked in: a new start must be sane
                others = [p for p in hours.periods(live.program_id, found.person_id) if p.id != found.id]
                self._validate_open(live, others, candidate, self._clock())
            source = "withdrawal" if change.withdraw else "correction"
            return hours.revise(period_id, values, by=caller.identity, source=source)

    def justify(
        self, caller: Principal, period_id: int, reason: Reason, note: str = ""
    ) -> JustificationRecord:
        """The resident's reason for staying; only the resident gives it."""
        with self._database.session() as session:
            hours = HoursRepository(session, clock=self._clock)
            found = self._period(hours, period_id)
            if caller.identity != found.person_id:
                raise NotAllowed("period", "only the resident who worked a period may justify it")
            hours.lock(found.program_id)  # two sends at once: the second sees the first
            waiting = [
                j
                for j in hours.justifications(found.program_id, found.person_id)
                if j.period_id == period_id and j.status == "pending"
            ]
            if waiting:  # a resend is the same request, not a second one for the director
                raise Conflict(
                    "period",
                    f"your reason for this period ({waiting[0].reason.label}) is already waiting for "
                    "the program director; you can give another once they have decided",
                )
            return hours.add_justification(period_id, reason, note, by=caller.identity)

    def review(
        self, caller: Principal, justification_id: int, decision: Decision, note: str = ""
    ) -> JustificationRecord:
        """The program director's decision; every decision is kept (a later one supersedes). A
        refusal says why (`note`): the resident reads it."""
        if not caller.can(Permission.HOURS_REVIEW):
            raise NotAllowed("justification", "only a program director or admin reviews justifications")
        if decision is Decision.REJECTED and not note.strip():
            raise Invalid("note", "say why the justification is refused: the resident reads it")
        with self._database.session() as session:
            hours = HoursRepository(session, clock=self._clock)
            if hours.justification(justification_id) is None:
                raise NotFound("justification", f"no justification {justification_id}")
            hours.add_review(justification_id, decision, note, by=caller.identity)
            found = hours.justification(justification_id)
            period = hours.period(found.period_id) if found is not None else None
            assert found is not None and period is not None
            program = self._live(session).program
        if decision is Decision.REJECTED:  # told after the commit: the refusal stands either way
            self._notifier.notify(period.person_id, _refusal_text(program, period, found, note.strip()))
        return found

    # -- reads ----------------------------------------------------------------------------

    def periods(self, caller: Principal, person_id: str) -> list[PeriodRecord]:
        with self._database.reading() as session:
            live = self._live(session)
            self._readable(caller, live, person_id)
            return HoursRepository(session).periods(live.program_id, person_id)

    def history(self, caller: Principal, period_id: int, *, own: bool = False) -> History:
        """Every value the period has had and its justifications with their reviews (`own`: as
        for `correct`)."""
        with self._database.reading() as session:
            hours = HoursRepository(session)
            found = self._period(hours, period_id, caller.identity if own else None)
            if not _may_read(caller, found.person_id):
                raise NotAllowed("period", "residents read only their own hours")
            justifications = [
                j for j in hours.justifications(found.program_id, found.person_id) if j.period_id == period_id
            ]
            return History(found, tuple(hours.history(period_id)), tuple(justifications))

    def report(
        self, caller: Principal, person_id: str | None = None, blocks: Sequence[int] = ()
    ) -> HoursReport:
        """Compliance by block on hours as logged (block 1 is the program's own block), the
        early warnings, and scheduled-versus-worked by week of the blocks asked for (of block 1,
        the roster's, when none is). Without `person_id` the whole program,
        for program directors and admins."""
        _check_blocks(blocks)
        with self._database.reading() as session:
            live = self._live(session)
            if person_id is None and not caller.can(Permission.HOURS_READ):
                raise NotAllowed("person", "residents read only their own hours: name yourself")
            if person_id is not None:
                self._readable(caller, live, person_id)
            hours = HoursRepository(session)
            records = [p for p in hours.periods(live.program_id, person_id) if not p.open]
            justifications = hours.justifications(live.program_id, person_id)
        logged = [p.logged() for p in records]
        numbers = sorted(set(blocks)) or _blocks_logged(live.program, logged)
        program = _scoped(live.program, person_id)
        # A named person gets their weeks even when no resident limits bind them (an attending).
        weeks = blocks_weekly_hours(
            program, logged, sorted(set(blocks)) or [1], live.roster, [person_id] if person_id else None
        )
        return HoursReport(
            program,
            tuple(compliance(program, logged, numbers, live.roster)),
            tuple(weeks),
            tuple(justifications),
            tuple(records),
        )

    def whatif(self, caller: Principal, person_id: str, take: str) -> WhatIf:
        """Would `person_id` break a rule by taking `take` (DATE:SHIFT[:POST])? As the caller may
        see it: a declared conflict is named only to the chief and the pair (`rules.privacy`)."""
        with self._database.reading() as session:
            live = self._live(session)
            self._readable(caller, live, person_id)
            records = HoursRepository(session).periods(live.program_id, person_id)
        assignment = parse_take(live.program, person_id, take)
        answer = whatif(live.program, live.roster, assignment, [p.logged() for p in records if not p.open])
        return answer.seen_by(caller, live.program)

    def timezone(self) -> ZoneInfo:
        """The hospital's zone, for reading wall-clock times a person typed without an offset."""
        with self._database.reading() as session:
            return ZoneInfo(self._live(session).program.hospital.timezone)

    # -- helpers --------------------------------------------------------------------------

    def _live(self, session: Session) -> _Live:
        schedule = self._schedules.current(session)
        if schedule is None or schedule.roster_version_id is None:
            raise NotFound("program", "no roster is stored yet: solve or import one first")
        record = RosterRepository(session).get(schedule.roster_version_id)
        assert record is not None  # the live schedule was just read from it
        return _Live(schedule.program, schedule.roster, record.program_id)

    def _writer(self, session: Session, caller: Principal, person_id: str) -> tuple[_Live, HoursRepository]:
        live = self._live(session)
        _known(live, person_id)
        if not (caller.identity == person_id or caller.can(Permission.HOURS_EDIT_ANY)):
            raise NotAllowed("person", f"{caller.identity} may not log or correct {person_id}'s hours")
        hours = HoursRepository(session, clock=self._clock)
        hours.lock(live.program_id)
        return live, hours

    def _readable(self, caller: Principal, live: _Live, person_id: str) -> None:
        _known(live, person_id)
        if not _may_read(caller, person_id):
            raise NotAllowed("person", "residents read only their own hours")

    def _period(self, hours: HoursRepository, period_id: int, owner: str | None = None) -> PeriodRecord:
        found = hours.period(period_id)
        if found is None:
            raise NotFound("period", f"no logged period {period_id}")
        if owner is not None and found.person_id != owner:
            raise NotAllowed("period", f"period {period_id} is not one of yours")
        return found

    def _validate(self, live: _Live, hours: HoursRepository, candidate: LoggedPeriod) -> None:
        now = self._clock()
        mine = hours.periods(live.program_id, candidate.person_id)
        errors = _link_errors(live.program, candidate)
        errors += period_errors(
            candidate, [_as_period(p, now) for p in mine], now, _names(live.program), _zone(live.program)
        )
        if errors:
            raise Invalid.of(errors)

    def _validate_open(
        self, live: _Live, mine: list[PeriodRecord], probe: LoggedPeriod, now: datetime
    ) -> None:
        errors = _link_errors(live.program, probe)
        others = [_as_period(p, now) for p in mine]
        errors += open_period_errors(probe.start, others, now, _zone(live.program))
        if errors:
            raise Invalid.of(errors)


def _refusal_text(program: Program, period: PeriodRecord, found: JustificationRecord, note: str) -> str:
    """What the resident is told: which period, which reason of theirs, and why it was refused."""
    zone, values = _zone(program), period.current.values
    end = f" to {local_text(values.end, zone)}" if values.end else ""
    return (
        f"Your justification for staying ({found.reason.label}) on the period from "
        f"{local_text(values.start, zone)}{end} was refused: {note}"
    )


def _may_read(caller: Principal, person_id: str) -> bool:
    return caller.identity == person_id or caller.can(Permission.HOURS_READ)


MAX_BLOCKS = 13
"""Blocks one report may cover: an academic year of four-week blocks."""


def _check_blocks(blocks: Sequence[int]) -> None:
    if any(n < 1 for n in blocks):
        raise Invalid("block", "block numbers start at 1 (the program's own block)")
    if len(set(blocks)) > MAX_BLOCKS:
        raise Invalid("block", f"at most {MAX_BLOCKS} blocks in one report (an academic year)")


def _known(live: _Live, person_id: str) -> None:
    if person_id not in live.program.person:
        raise Invalid("person", f"unknown person {person_id!r}")


def _zone(program: Program) -> ZoneInfo:
    return ZoneInfo(program.hospital.timezone)


def _names(program: Program) -> dict[str, str]:
    return {p.id: p.name for p in program.people}


def _link_errors(program: Program, period: LoggedPeriod) -> list[Detail]:
    errors = []
    if period.shift_id is not None and period.shift_id not in program.shift:
        errors.append(Detail("shift", f"unknown shift {period.shift_id!r}"))
    if period.post_id is not None and period.post_id not in program.post:
        errors.append(Detail("post", f"unknown post {period.post_id!r}"))
    return errors


def _as_period(record: PeriodRecord, now: datetime) -> LoggedPeriod:
    """A stored period for overlap checks: an open one runs until now."""
    values = record.current.values
    end = values.end if values.end is not None else max(now, values.start + timedelta(minutes=1))
    return LoggedPeriod(
        record.person_id, values.start, end, values.kind, values.shift_id, values.post_id, record.id
    )


def _corrected(values: PeriodValues, change: Correction) -> PeriodValues:
    return PeriodValues(
        change.start or values.start,
        change.end or values.end,
        change.kind or values.kind,
        change.shift_id if change.shift_id is not None else values.shift_id,
        change.post_id if change.post_id is not None else values.post_id,
        change.note,
        change.withdraw or values.withdrawn,
    )


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
