"""`OrService`: the OR board. The chief imports a day's cases (CSV or a FHIR bundle), assigns
residents to them (CP-SAT, stored as a draft plan), moves people by hand (checked against every
hard rule, refused with nothing saved), and publishes the plan (each resident told of their
cases, with no patient identifier: room, time, procedure and attending only). Residents and
attendings read the board and their own cases; patient identifiers go through the patient guard.

The assignment is checked (`check_assign`), solved (`solve_assign`) and stored (`store_assign`)
in three steps, so the job queue runs it like a repair (`JobService.submit_or_assign`: solved by
a worker, stored in the transaction that finishes the job, refused if a plan was stored since it
was asked); `assign` does the three at once for the command line.

The assignment weighs each resident's case-log urgency (`rules.caselog.urgency`): months left
and done come from the grade alone (`rules.caselog.months_to_graduation`: the academic year
starts on 1 July and residents graduate at the end of PGY-5), as the program file holds no
start dates.

Plans are versions: every assignment, move and publication stores the day's next version, so
the board shows the newest and the history stays. Importing the same file again changes no
case and keeps the plan; a case an import brought that the file no longer lists is removed and
its roles are dropped from the board; a case added by hand stays.

A publication keeps the day's cases as published (room, start, minutes, procedure, attending),
so an edit or import after it shows as "changed since published" and publishing again tells
each resident only what changed for them (`notices.change_notices`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.clock import Clock, utc_now
from callroom.domain.operating import (
    CaseNeeds,
    CaseRole,
    CptTable,
    CreditRole,
    LoggedCase,
    OrCase,
    OrPlan,
    Patient,
)
from callroom.domain.program import Program
from callroom.errors import Conflict, Invalid, NotFound
from callroom.formats.cpt_table import case_needs
from callroom.formats.or_cases_csv import ImportedDay, parse_or_cases
from callroom.formats.or_fhir import parse_or_bundle
from callroom.operating.context import Found, Programs
from callroom.operating.notices import change_notices, plan_notices
from callroom.operating.patients import PatientGuard
from callroom.operating.types import (
    AccessEntry,
    AssignOutcome,
    BoardCase,
    DayBoard,
    ImportResult,
    NamedRole,
    PlanVersion,
    PublishOutcome,
    PurgeResult,
    Resident,
)
from callroom.paging.notices import Notifier
from callroom.rules.caselog import months_in_training, months_to_graduation, tally, urgency
from callroom.rules.operating import Availability, availability, case_words, check_plan
from callroom.rules.privacy import as_seen_by
from callroom.rules.violations import Violation
from callroom.solver.operating import Candidate, OrRequest, OrResult, OrWatch, assign_day
from callroom.storage import Database
from callroom.storage.hours_repositories import HoursRepository
from callroom.storage.operating_repositories import (
    CaseLogRepository,
    OrRepository,
    PlanRecord,
    PublishedCase,
)

ASSIGN_TIME_LIMIT_S = 10.0
NOTICE_SENDER = "callroom:or"
_NO_CASES = "no OR cases on {day}: import the day's schedule first"


@dataclass(frozen=True)
class AssignAsk:
    """An assignment asked for: the day, its program family, and the plan version it starts
    from (None before the day has one): a plan stored since is not overwritten."""

    day: date
    family: str
    base_plan: int | None


@dataclass(frozen=True)
class SolvedAssignment:
    """A solved assignment not yet stored (`OrService.store_assign`)."""

    ask: AssignAsk
    found: Found
    result: OrResult


class OrService:
    def __init__(
        self,
        database: Database,
        programs: Programs,
        notifier: Notifier,
        *,
        clock: Clock = utc_now,
        time_limit_s: float = ASSIGN_TIME_LIMIT_S,
    ) -> None:
        self._database = database
        self._programs = programs
        self._notifier = notifier
        self._clock = clock
        self._time_limit_s = time_limit_s
        self.guard = PatientGuard(database, programs, clock)

    # --- import -------------------------------------------------------------------------------

    def import_day(
        self, caller: Principal, text: str, filename: str, day: date | None = None
    ) -> ImportResult:
        """Import an OR schedule (CSV, or a FHIR R4 bundle when the file is JSON): all of it or
        nothing, each problem naming its line (or entry) and column. With `day`, every case
        must be on that day."""
        caller.require(Permission.OR_ASSIGN, "import the OR schedule")
        with self._database.reading() as session:  # parsed before the write lock is taken
            found = self._programs.now(session)
            table, _ = self._programs.cpt_table(session, found.family)
        imported = _parse(text, filename, found.program, table)
        _check_day(imported, day, filename)
        days = tuple(sorted({case.day for case in imported.cases}))
        with self._database.session() as session:
            repo = OrRepository(session, clock=self._clock)
            told = _told_cases(repo, found, days)
            stored = repo.store_day(found.family, imported.cases, imported.patients, caller.user)
        zone = ZoneInfo(found.program.hospital.timezone)
        return ImportResult(
            days,
            stored.added,
            stored.changed,
            stored.unchanged,
            stored.removed,
            len(imported.patients),
            tuple(case_words(told[i], zone) for i in stored.removed if i in told),
        )

    def save_case(self, caller: Principal, case: OrCase, *, adding: bool = False) -> DayBoard:
        """Add (`adding`) or correct one case by hand (its patient, if any, stays as imported).
        Adding a case where one already starts in that room is refused: the case there would be
        overwritten unseen. A case added where one started before it was moved gets an id of its
        own (ids are made from the room and start a case first had)."""
        caller.require(Permission.OR_ASSIGN, "change the OR schedule")
        with self._database.session() as session:
            found = self._programs.on(session, case.day)
            repo = OrRepository(session, clock=self._clock)
            table, _ = self._programs.cpt_table(session, found.family)
            before = repo.case(found.family, case.id)
            if adding and before is not None and (before.room, before.start) != (case.room, case.start):
                case = replace(case, id=_unused_id(repo, found.family, case.id))
                before = None
            if adding and before is not None:
                at = before.start.astimezone(ZoneInfo(found.program.hospital.timezone))
                raise Invalid(
                    "start",
                    f"{before.room} already has a case at {at:%H:%M} ({before.procedure}): "
                    "change that case instead",
                )
            kept = replace(case, patient_key=None if before is None else before.patient_key)
            _check_case(found.program, table, kept, repo.cases(found.family, case.day))
            repo.save_case(found.family, kept, caller.user)
            return self._board(session, caller, found, case.day)

    # --- the board ----------------------------------------------------------------------------

    def cases(self, caller: Principal, day: date) -> DayBoard:
        """The day's board (no patient identifiers): with the newest plan, a draft included,
        for whoever may assign; with the newest published plan (or none) for everyone else."""
        caller.require(Permission.OR_READ, "read the OR board")
        with self._database.reading() as session:
            return self._board(session, caller, self._programs.on(session, day), day)

    def my_cases(self, caller: Principal, day: date) -> tuple[BoardCase, ...]:
        """The caller's cases of the day in the published plan (as a resident), and the cases
        they are the attending of."""
        caller.require(Permission.OR_READ, "read one's OR cases")
        with self._database.reading() as session:
            found = self._programs.on(session, day)
            board = self._board(session, caller, found, day, published_only=True)
        me = caller.identity
        return tuple(
            c
            for c in board.cases
            if c.case.attending_id == me or any(r.role.person_id == me for r in c.roles)
        )

    def _board(
        self,
        session: Session,
        caller: Principal,
        found: Found,
        day: date,
        *,
        published_only: bool = False,
        free: Availability | None = None,
    ) -> DayBoard:
        """The board; `free` when the caller already judged who may take the day's cases."""
        repo = OrRepository(session, clock=self._clock)
        cases = repo.cases(found.family, day)
        table, _ = self._programs.cpt_table(session, found.family)
        needs = {case.id: case_needs(case.cpt_codes, table) for case in cases}
        # A draft is the chief's working copy: whoever may not assign reads the published plan.
        published_only = published_only or not caller.can(Permission.OR_ASSIGN)
        newest = repo.newest_plan(found.family, day, published_only=published_only)
        published = newest if published_only else repo.newest_plan(found.family, day, published_only=True)
        plan = _on_cases(newest.plan if newest else OrPlan(day), cases)
        free = _free(session, found, day, cases) if free is None else free
        problems = as_seen_by(check_plan(found.program, cases, needs, plan, free), caller, found.program)
        names = {p.id: p.name for p in found.program.people}
        changed = not published_only and _changed_since(published, newest, cases)
        return DayBoard(
            day,
            found.family,
            found.program.hospital.timezone,
            tuple(_board_case(found.program, case, needs[case.id], plan, names) for case in cases),
            _version(newest),
            _version(published),
            tuple(Resident(p.id, p.name, p.grade) for p in found.program.residents),
            dict(free.reasons),
            tuple(v.worded for v in problems),
            changed,
        )

    # --- assign, move, publish ----------------------------------------------------------------

    def assign(self, caller: Principal, day: date) -> AssignOutcome:
        """Check, solve and store the day's assignment as a draft plan, here and now (the
        command line's way; the pages and the API queue it: `JobService.submit_or_assign`)."""
        solved = self.solve_assign(caller, self.check_assign(caller, day))
        with self._database.session() as session:
            return self.store_assign(session, caller, solved)

    def check_assign(self, caller: Principal, day: date) -> AssignAsk:
        """Refuse what an assignment of `day` would refuse before solving (the permission, a day
        without cases): the ask, with the plan version it starts from."""
        caller.require(Permission.OR_ASSIGN, "assign OR cases")
        with self._database.reading() as session:
            found = self._programs.on(session, day)
            repo = OrRepository(session, clock=self._clock)
            if not repo.cases(found.family, day):
                raise NotFound("day", _NO_CASES.format(day=day.isoformat()))
            newest = repo.newest_plan(found.family, day)
        return AssignAsk(day, found.family, None if newest is None else newest.number)

    def solve_assign(
        self, caller: Principal, ask: AssignAsk, watch: OrWatch | None = None
    ) -> SolvedAssignment:
        """Solve the ask's day without storing it (see `store_assign`); `watch` follows and may
        stop the search. The solve runs outside any transaction: seconds of CP-SAT must not hold
        SQLite's write lock from paging."""
        caller.require(Permission.OR_ASSIGN, "assign OR cases")
        with self._database.reading() as session:
            found = self._programs.on(session, ask.day)
            request = self._request(session, found, ask.day)
        result = assign_day(request, time_limit_s=self._time_limit_s, watch=watch)
        return SolvedAssignment(ask, found, result)

    def store_assign(self, session: Session, caller: Principal, solved: SolvedAssignment) -> AssignOutcome:
        """Store a solved assignment as the day's draft plan, in the caller's transaction; a
        Conflict, with nothing stored, when a plan was stored since it was asked (a hand move,
        another assignment): the plan on the board is not overwritten unseen. The reasons a case
        was left uncovered are worded for the caller (`OrResult.explained_for`)."""
        caller.require(Permission.OR_ASSIGN, "assign OR cases")
        ask, found = solved.ask, solved.found
        repo = OrRepository(session, clock=self._clock)
        repo.lock(found.family)
        newest = repo.newest_plan(found.family, ask.day)
        number = None if newest is None else newest.number
        if number != ask.base_plan:
            raise Conflict(
                "plan",
                f"the plan for {ask.day:%a %d %b} changed since the assignment was asked "
                f"(version {ask.base_plan or 'none'} then, {number} now): nothing was stored; "
                "look at the board and assign again",
            )
        result = solved.result
        repo.add_plan(found.family, result.plan, published=False, by=caller.user, note="assigned")
        board = self._board(session, caller, found, ask.day)
        return AssignOutcome(
            board,
            result.explained_for(caller, found.program),
            result.optimal,
            result.objective,
            result.bound,
            result.wall_s,
        )

    def _request(self, session: Session, found: Found, day: date) -> OrRequest:
        cases = OrRepository(session, clock=self._clock).cases(found.family, day)
        if not cases:
            raise NotFound("day", _NO_CASES.format(day=day.isoformat()))
        table, _ = self._programs.cpt_table(session, found.family)
        logs: dict[str, list[LoggedCase]] = defaultdict(list)
        for line in CaseLogRepository(session).entries(found.family):
            logs[line.entry.person_id].append(line.entry)
        candidates = []
        for person in found.program.residents:
            mine = tally(logs[person.id])
            left, done = months_to_graduation(person.grade, day), months_in_training(person.grade, day)
            candidates.append(
                Candidate(person.id, person.name, person.grade, person.grade.label, urgency(mine, left, done))
            )
        return OrRequest(
            day,
            cases,
            {case.id: case_needs(case.cpt_codes, table) for case in cases},
            tuple(candidates),
            _free(session, found, day, cases),
            conflicts=found.program.conflicts,
            names={p.id: p.name for p in found.program.people},
            timezone=found.program.hospital.timezone,
        )

    def move(
        self,
        caller: Principal,
        day: date,
        case_id: str,
        person_id: str | None,
        role: CreditRole,
        *,
        base_plan: int | None = None,
    ) -> DayBoard:
        """Put `person_id` on the case in `role` (taking them off any other role on it), or with
        no person take whoever holds `role` off it. Refused (Conflict naming each rule, declared
        conflicts private) when the plan would break a hard rule it did not break before, or
        when `base_plan`, the plan version the chief was looking at, is no longer the newest;
        nothing is saved then."""
        caller.require(Permission.OR_ASSIGN, "move residents between OR cases")
        with self._database.session() as session:
            found = self._programs.on(session, day)
            repo = OrRepository(session, clock=self._clock)
            repo.lock(found.family)
            cases = repo.cases(found.family, day)
            if not any(case.id == case_id for case in cases):
                raise NotFound("case_id", f"that case is no longer on the board of {day:%a %d %b %Y}")
            newest = repo.newest_plan(found.family, day)
            _check_base(newest, base_plan)
            before = _on_cases(newest.plan if newest else OrPlan(day), cases)
            after = _moved(before, case_id, person_id, role)
            if after.roles == before.roles:  # a move that changes nothing stores no version
                return self._board(session, caller, found, day)
            free = _free(session, found, day, cases)
            _refuse_new_breaks(caller, found, self._check(session, found, cases, before, after, free))
            repo.add_plan(found.family, after, published=False, by=caller.user, note=f"moved on {case_id}")
            return self._board(session, caller, found, day, free=free)

    def _check(
        self,
        session: Session,
        found: Found,
        cases: Sequence[OrCase],
        before: OrPlan,
        after: OrPlan,
        free: Availability,
    ) -> list[Violation]:
        """The hard rules `after` breaks that `before` did not (a move is judged on what it does)."""
        table, _ = self._programs.cpt_table(session, found.family)
        needs = {case.id: case_needs(case.cpt_codes, table) for case in cases}
        old = {(v.rule, v.message) for v in check_plan(found.program, cases, needs, before, free)}
        return [
            v for v in check_plan(found.program, cases, needs, after, free) if (v.rule, v.message) not in old
        ]

    def publish(self, caller: Principal, day: date, *, base_plan: int | None = None) -> PublishOutcome:
        """Store the day's newest plan as published, with the cases as they are, and tell the
        residents: the first time each on it their cases, after that each only what changed for
        them since the last publication (refused when `base_plan`, the version the chief was
        looking at, is no longer the newest, or when nothing changed since publishing)."""
        caller.require(Permission.OR_ASSIGN, "publish the OR plan")
        with self._database.session() as session:
            found = self._programs.on(session, day)
            repo = OrRepository(session, clock=self._clock)
            repo.lock(found.family)
            newest = repo.newest_plan(found.family, day)
            if newest is None:
                raise NotFound("day", f"no plan for {day.isoformat()} yet: assign the day first")
            _check_base(newest, base_plan)
            cases = repo.cases(found.family, day)
            last = repo.newest_plan(found.family, day, published_only=True)
            if not _changed_since(last, newest, cases):
                raise Conflict("day", f"the plan for {day.isoformat()} is already published, unchanged")
            plan = _on_cases(newest.plan, cases)
            repo.add_plan(found.family, plan, published=True, by=caller.user, note="published", cases=cases)
            board = self._board(session, caller, found, day)
        if last is None:
            notices = plan_notices(found.program, cases, plan)
        else:
            notices = change_notices(found.program, (_as_published(last, cases), last.plan), (cases, plan))
        sent = self._notifier.notify_each(notices)
        reached = tuple(
            (person, page) for (person, _), page in zip(notices, sent, strict=True) if page is not None
        )
        missed = tuple(person for (person, _), page in zip(notices, sent, strict=True) if page is None)
        return PublishOutcome(board, reached, missed, tuple(notices), last is None)

    # --- the patient guard --------------------------------------------------------------------

    def patient(self, caller: Principal, case_id: str, *, route: str, reason: str | None = None) -> Patient:
        """The case's patient, guarded and audited (see `operating.patients`)."""
        return self.guard.read(caller, case_id, route=route, reason=reason)

    def access_log(
        self, caller: Principal, *, break_glass_only: bool = False, limit: int = 500
    ) -> tuple[AccessEntry, ...]:
        return self.guard.access_log(caller, break_glass_only=break_glass_only, limit=limit)

    def purge(self, caller: Principal, older_than_days: int) -> PurgeResult:
        return self.guard.purge(caller, older_than_days)


def _as_published(record: PlanRecord, cases: Sequence[OrCase]) -> tuple[PublishedCase, ...]:
    """The cases as `record` published them (a version published before they were kept: as
    they are now, the best there is)."""
    if record.cases is not None:
        return record.cases
    return tuple(PublishedCase.of(case) for case in cases)


def _changed_since(published: PlanRecord | None, newest: PlanRecord | None, cases: Sequence[OrCase]) -> bool:
    """Whether the residents have not been told of the day as it is: a plan stored after the
    last publication, or a case added, edited or removed since it."""
    if newest is None:
        return False
    if published is None or newest.number != published.number:
        return True
    return set(_as_published(published, cases)) != {PublishedCase.of(case) for case in cases}


def _told_cases(repo: OrRepository, found: Found, days: Sequence[date]) -> dict[str, PublishedCase]:
    """The cases that have residents on their day's last published plan, by id."""
    told: dict[str, PublishedCase] = {}
    for day in days:
        last = repo.newest_plan(found.family, day, published_only=True)
        if last is not None:
            staffed = {r.case_id for r in last.plan.roles}
            cases = _as_published(last, repo.cases(found.family, day))
            told |= {c.id: c for c in cases if c.id in staffed}
    return told


def _free(session: Session, found: Found, day: date, cases: Sequence[OrCase]) -> Availability:
    """Who may take each case: from the live roster, where residents logged hours from their
    logs (a resident who stayed past their shift is not fresh the next morning)."""
    hours = HoursRepository(session)
    program_id = hours.program_id(found.live.name)
    near = (day - timedelta(days=2), day + timedelta(days=1))
    logged = [
        p.logged()
        for p in (hours.periods(program_id) if program_id is not None else ())
        if not p.open and near[0] <= p.current.values.start.date() <= near[1]
    ]
    return availability(found.program, found.live.roster, day, cases, logged=logged)


def _parse(text: str, filename: str, program: Program, table: CptTable) -> ImportedDay:
    if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
        return parse_or_bundle(text, filename, program=program, table=table)
    return parse_or_cases(text, filename, program=program, table=table)


def _unused_id(repo: OrRepository, family: str, taken: str) -> str:
    """`taken` with the first free "#2", "#3", ... after it."""
    n = 2
    while repo.case(family, f"{taken}#{n}") is not None:
        n += 1
    return f"{taken}#{n}"


def _check_day(imported: ImportedDay, day: date | None, filename: str) -> None:
    if not imported.cases:
        raise Invalid("file", f"{filename}: no cases in it")
    wrong = [case for case in imported.cases if day is not None and case.day != day]
    if wrong:
        raise Invalid(
            "day", f"{filename}: its cases are on {wrong[0].day:%a %d %b %Y}, not {day:%a %d %b %Y}"
        )


def _check_case(program: Program, table: CptTable, case: OrCase, others: Sequence[OrCase]) -> None:
    """The importer's checks for one case typed by hand."""
    if case.minutes <= 0:
        raise Invalid("minutes", "a case lasts at least one minute")
    if case.service_id not in {s.id for s in program.services}:
        raise Invalid("service_id", f"no service {case.service_id!r} in the program")
    if case.attending_id is not None and case.attending_id not in {p.id for p in program.people}:
        raise Invalid("attending_id", f"no person {case.attending_id!r} in the program")
    case_needs(case.cpt_codes, table)  # Invalid naming an unknown code
    clash = next(
        (
            o
            for o in others
            if o.id != case.id and o.room == case.room and o.start < case.end and case.start < o.end
        ),
        None,
    )
    if clash is not None:
        zone = program.hospital.timezone
        until = clash.end.astimezone(ZoneInfo(zone))
        raise Invalid(
            "start",
            f"{case.room} is taken at that time by {case_words(clash, zone)} (until {until:%H:%M}): "
            "choose another start or room",
        )


def _check_base(newest: PlanRecord | None, base_plan: int | None) -> None:
    """Conflict when the plan changed since the version the chief was looking at."""
    number = None if newest is None else newest.number
    if base_plan is not None and base_plan != number:
        raise Conflict(
            "plan",
            f"the plan changed since you opened it (version {base_plan}, now {number}): "
            "look at the board again and redo the change",
        )


def _on_cases(plan: OrPlan, cases: Sequence[OrCase]) -> OrPlan:
    """The plan without roles on cases no longer on the day's schedule."""
    ids = {case.id for case in cases}
    return OrPlan(plan.day, tuple(r for r in plan.roles if r.case_id in ids))


def _moved(plan: OrPlan, case_id: str, person_id: str | None, role: CreditRole) -> OrPlan:
    if person_id is None:
        kept = [r for r in plan.roles if not (r.case_id == case_id and r.role is role)]
        return OrPlan(plan.day, tuple(kept))
    kept = [r for r in plan.roles if not (r.case_id == case_id and r.person_id == person_id)]
    return OrPlan(plan.day, tuple(sorted((*kept, CaseRole(case_id, person_id, role)))))


def _refuse_new_breaks(caller: Principal, found: Found, broken: list[Violation]) -> None:
    """Conflict naming each rule the move breaks, as the caller may see it (`rules.privacy`)."""
    if broken:
        seen = as_seen_by(broken, caller, found.program)
        raise Conflict(seen[0].rule.code, "; ".join(v.worded for v in seen), [v.detail for v in seen])


def _board_case(
    program: Program, case: OrCase, needs: CaseNeeds, plan: OrPlan, names: Mapping[str, str]
) -> BoardCase:
    service = next((s.name for s in program.services if s.id == case.service_id), case.service_id)
    roles = tuple(NamedRole(r, names.get(r.person_id, r.person_id)) for r in plan.on_case(case.id))
    attending = None if case.attending_id is None else names.get(case.attending_id, case.attending_id)
    return BoardCase(
        replace(case, patient_key=None),
        needs,
        service,
        attending,
        roles,
        has_patient=case.patient_key is not None,
    )


def _version(record: PlanRecord | None) -> PlanVersion | None:
    if record is None:
        return None
    return PlanVersion(record.number, record.published, record.created_at, record.created_by, record.note)
