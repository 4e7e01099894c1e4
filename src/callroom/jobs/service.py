"""Background jobs for the front ends: queue a solve, a sick call's repair or an OR day's
assignment, read a job, cancel it; and the handlers a runner runs (`handlers`).

A solve job solves the newest stored version of a program (with the absences approved for it)
and stores the roster as its next version, a draft to compare and publish (`Publishing`), in
the transaction that finishes the job. It is
checked before it is queued: a program that is not stored, does not parse, or is a year file
is refused with the reason, and no job is made. A solve of the block holding today keeps the
days already begun as the live roster has them, so its draft can be published.

A repair job solves a sick call's repair (`ChangeService.solve_repair`) as the chief who asked
and stores the proposal in the transaction that finishes the job (so a repair whose worker died
is proposed once); its result names the proposal. The ask is checked before it is queued, as
the change service checks it, and a bad one is refused naming its field, with no job. At most
one repair per program, absent person and span is queued or running: pressing the button twice
answers the first job, while a second person's sick call is solved beside it. Once its repair
is stored and awaits approval, the same sick call is answered with that repair
(`ChangeService.check_repair` refuses it as `RepairPending`), and a job that finishes when a twin
already waits stores nothing new: its result names the twin.

An OR assignment job (`or-assign`) solves one day's assignment as the chief who asked
(`OrService.solve_assign`) and stores the draft plan in the transaction that finishes the job
(`OrService.store_assign`); one per program family and day is queued or running. It starts from
the plan version the day had when it was asked: if a plan was stored since (a hand move, another
assignment), the job fails saying so and stores nothing. Its result holds the objective, whether
it is proven optimal, the plan version stored, and why each uncovered case's candidates are out,
worded for the chief who asked (`OrResult.explained_for`).

Who may see and cancel a job depends on its kind (`ACCESS`): solves are the rosters' (read:
`roster:read`; queue and cancel: `roster:edit`), repairs the chief's decisions'
(`request:approve`), as the proposals they make are; OR assignments the chief's (`or:assign`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal, Via
from callroom.accounts.roles import Role
from callroom.changes.repairs import RepairAsk
from callroom.changes.service import ChangeService
from callroom.domain.clock import Clock, utc_now
from callroom.domain.program import Program
from callroom.errors import CallroomError, Invalid, NoSolution, NotFound
from callroom.formats.program_file import ProgramFileError
from callroom.jobs.runner import Finish, Handler, JobContext
from callroom.operating.service import AssignAsk, OrService
from callroom.rosters.service import RosterService
from callroom.solver.operating import OrWatch
from callroom.solver.repair.staged import RepairProgress, RepairWatch
from callroom.solver.run import Kept, Progress, Solution, SolveOptions, Status, no_roster, solve
from callroom.storage import Database, ProgramRepository, ProgramVersionRecord, RosterRepository
from callroom.storage.job_repositories import JobRecord as JobRecord
from callroom.storage.job_repositories import JobRepository
from callroom.storage.job_repositories import JobState as JobState

SOLVE = "solve"
REPAIR = "repair"
OR_ASSIGN = "or-assign"
MOST_POINTS = 400  # of the objective-against-time series a progress keeps (the chart's)
# Per kind: the permission to see its jobs, and the one to queue and cancel them.
ACCESS = {
    SOLVE: (Permission.ROSTER_READ, Permission.ROSTER_EDIT),
    REPAIR: (Permission.REQUEST_APPROVE, Permission.REQUEST_APPROVE),
    # Its result carries the reasons as the chief who asked reads them (declared conflicts too).
    OR_ASSIGN: (Permission.OR_ASSIGN, Permission.OR_ASSIGN),
}
SUBJECT_CHARS = 200  # the jobs table's subject column


class JobService:
    def __init__(
        self,
        database: Database,
        rosters: RosterService,
        changes: ChangeService,
        operating: OrService,
        clock: Clock = utc_now,
    ) -> None:
        self._database = database
        self._rosters = rosters
        self._changes = changes
        self._operating = operating
        self._clock = clock

    def submit_solve(
        self, caller: Principal, program: str, time_limit_s: float, seed: int = 0, *, draft: bool = True
    ) -> tuple[JobRecord, bool]:
        """Queue a solve of `program` (or find the one already queued or running): the job and
        whether it is new. Its roster is stored as a draft, to compare and publish, unless not
        `draft` (then it is live at once)."""
        caller.require(Permission.ROSTER_EDIT, "solve a roster")
        self._solvable(program)
        payload = {"program": program, "time_limit_s": time_limit_s, "seed": seed, "draft": draft}
        with self._database.session() as session:
            return JobRepository(session).submit(SOLVE, program, payload, caller.identity, self._clock())

    def submit_repair(self, caller: Principal, ask: RepairAsk) -> tuple[JobRecord, bool]:
        """Queue a sick call's repair (or find the same one already queued or running): the job
        and whether it is new. Refused before anything is queued as `propose_repair` refuses."""
        caller.require(ACCESS[REPAIR][1], "repair the roster for a sick call")
        program = self._changes.check_repair(caller, ask)
        payload = {"ask": _ask_json(ask), "by": _principal_json(caller)}
        subject = _subject(program, ask.absent, ask.start, ask.end)
        with self._database.session() as session:
            return JobRepository(session).submit(REPAIR, subject, payload, caller.identity, self._clock())

    def submit_or_assign(self, caller: Principal, day: date) -> tuple[JobRecord, bool]:
        """Queue the OR assignment of `day` (or find the one already queued or running for that
        day): the job and whether it is new. Refused before anything is queued as
        `OrService.check_assign` refuses; the job remembers the plan version it starts from."""
        ask = self._operating.check_assign(caller, day)
        payload = {
            "day": ask.day.isoformat(),
            "family": ask.family,
            "base_plan": ask.base_plan,
            "by": _principal_json(caller),
        }
        subject = _subject(ask.family, ask.day.isoformat())
        with self._database.session() as session:
            return JobRepository(session).submit(OR_ASSIGN, subject, payload, caller.identity, self._clock())

    def get(self, caller: Principal, job_id: int) -> JobRecord:
        caller.require(Permission.ROSTER_READ, "see a background job")
        with self._database.reading() as session:
            job = _found(job_id, JobRepository(session).get(job_id))
        caller.require(_access(job)[0], f"see a background {job.kind}")
        return job

    def cancel(self, caller: Principal, job_id: int) -> JobRecord:
        """Cancel a queued job at once, or ask a running one to stop."""
        job = self.get(caller, job_id)
        caller.require(_access(job)[1], f"cancel a background {job.kind}")
        with self._database.session() as session:
            return _found(job_id, JobRepository(session).cancel(job_id, self._clock()))

    def recent(self, caller: Principal, subject: str | None = None) -> list[JobRecord]:
        """The newest jobs (of one subject when given) of the kinds the caller may see."""
        caller.require(Permission.ROSTER_READ, "see background jobs")
        with self._database.reading() as session:
            found = JobRepository(session).recent(subject)
        return [job for job in found if caller.can(_access(job)[0])]

    def handlers(self) -> Mapping[str, Handler]:
        return {SOLVE: self._run_solve, REPAIR: self._run_repair, OR_ASSIGN: self._run_or_assign}

    def _run_or_assign(self, job: JobRecord, context: JobContext) -> Finish:
        """Solve the day's assignment as the chief who asked; the draft plan is stored when the
        job finishes, or the job fails saying the plan changed since it was asked."""
        ask, caller = or_assign_ask(job), _principal_of(job.payload["by"])
        assert ask is not None  # the handler of this kind only
        context.report({"phase": "reading the day's cases", "elapsed_s": 0.0, "solutions": 0})

        def progress(found: Progress) -> None:
            context.report(_progress(found, []) | {"phase": "assigning residents to the cases"})

        solved = self._operating.solve_assign(caller, ask, OrWatch(progress, context.stop))
        found = solved.result
        result = {
            "day": ask.day.isoformat(),
            "job": job.id,
            "status": found.status.value,
            "objective": found.objective,
            "bound": found.bound,
            "optimal": found.optimal,
            "seconds": round(found.wall_s, 2),
        }
        context.report(
            context.progress() | {"phase": "storing the draft plan", "elapsed_s": result["seconds"]}
        )

        def store(session: Session) -> Mapping[str, Any]:
            outcome = self._operating.store_assign(session, caller, solved)
            plan = outcome.board.plan
            unassigned = {case_id: list(words) for case_id, words in outcome.unassigned.items()}
            return {"plan": None if plan is None else plan.number, "unassigned": unassigned}

        return Finish(result, store)

    def _run_repair(self, job: JobRecord, context: JobContext) -> Finish:
        """Solve the repair as the chief who asked, reporting its phase and the fewest changes
        found; the proposal is stored when the job finishes."""
        ask, caller = _ask_of(job.payload["ask"]), _principal_of(job.payload["by"])
        context.report({"phase": "reading the live roster", "elapsed_s": 0.0, "solutions": 0})

        def progress(found: RepairProgress) -> None:
            context.report(_repair_progress(found))

        solved = self._changes.solve_repair(caller, ask, RepairWatch(progress, context.stop))
        found = solved.result
        result = {
            "absent": ask.absent,
            "status": found.status.value,
            "changes": found.changes,
            "minimum_proven": found.minimum_proven,
            "short": found.short_by,
            "seconds": round(found.wall_s, 2),
        }

        def store(session: Session) -> Mapping[str, Any]:
            return {"proposal": self._changes.store_repair(session, caller, solved).proposal.id}

        return Finish(result, store)

    def _solvable(self, name: str) -> tuple[ProgramVersionRecord, Program]:
        """The program's newest stored text and the program a solve of it solves (parsed once
        per process, by the live roster's cache)."""
        source = self._source(name)
        try:
            program = self._rosters.schedules.parsed(source)
        except ProgramFileError as error:
            raise Invalid("program", f"the stored program {name!r} does not load: {error}") from error
        return source, self._rosters.program_for_solve(name, program)

    def _source(self, name: str) -> ProgramVersionRecord:
        with self._database.reading() as session:
            found = ProgramRepository(session).latest(name)
        if found is None:
            raise NotFound("program", f"no program {name!r} is stored")
        return found

    def _run_solve(self, job: JobRecord, context: JobContext) -> Finish:
        name = str(job.payload["program"])
        source, program = self._solvable(name)
        options = SolveOptions(
            float(job.payload["time_limit_s"]), 2, int(job.payload["seed"]), deterministic=False
        )
        series: list[list[float | int | None]] = []

        def progress(found: Progress) -> None:
            series.append([round(found.elapsed_s, 2), found.objective, found.bound])
            del series[:-MOST_POINTS]
            context.report(_progress(found, series))

        context.report({"phase": "building the model", "elapsed_s": 0.0, "solutions": 0})
        started = time.monotonic()
        keep = self._begun(name, program)
        solution = solve(program, options, on_progress=progress, stop=context.stop, keep=keep)
        if solution.roster is None:
            raise _kept_too_much(keep, solution) or no_roster(solution)
        result = {
            "program": name,
            "status": solution.status.value,
            "objective": solution.objective,
            "bound": solution.bound,
            "seconds": round(time.monotonic() - started, 2),
        }

        draft = bool(job.payload.get("draft", True))

        def store(session: Session) -> Mapping[str, Any]:
            text, path = source.source_text, source.source_path
            saved = self._rosters.store_made_in(session, name, text, solution, path, draft=draft)
            return {"version": saved.number, "draft": draft}

        return Finish(result, store)

    def _begun(self, name: str, program: Program) -> Kept | None:
        """The days of the block already begun, held to the live roster: a published roster never
        rewrites them, so a solve of the block holding today changes only what is left of it.
        None before the block begins or while nothing of it is live."""
        today = self._clock().astimezone(ZoneInfo(program.hospital.timezone)).date()
        if today < program.block.start:
            return None
        with self._database.reading() as session:
            live = RosterRepository(session).latest(name)
            if live is None:
                return None
            roster = self._rosters.schedules.version(session, live.id).roster
        return Kept(roster, min(today, program.block.end))


def _kept_too_much(keep: Kept | None, solution: Solution) -> CallroomError | None:
    """Why a solve that kept the days begun found no roster, when they are the cause."""
    if keep is None or solution.status is not Status.INFEASIBLE:
        return None
    return NoSolution(
        "program",
        f"no roster keeps the days up to {keep.last:%a %d %b} as the live roster has them and satisfies "
        "every hard rule (the live roster may break one on those days, after a forced cell edit, say): "
        "change what is left of the block with a repair or a cell edit, or solve the next block",
    )


def _access(job: JobRecord) -> tuple[Permission, Permission]:
    return ACCESS.get(job.kind, ACCESS[SOLVE])


def _subject(*parts: str) -> str:
    """What a job is about, its one-live-job key: for a repair the program, who is absent and
    when (as typed); for an OR assignment the program family and the day. Too long for the
    column (very long names), its tail is a digest instead."""
    subject = "/".join(parts)
    if len(subject) <= SUBJECT_CHARS:
        return subject
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"{subject[: SUBJECT_CHARS - 33]}#{digest}"


def _ask_json(ask: RepairAsk) -> dict[str, Any]:
    return {
        "absent": ask.absent,
        "from": ask.start,
        "to": ask.end,
        "window_from": None if ask.window_from is None else ask.window_from.isoformat(),
        "window_to": None if ask.window_to is None else ask.window_to.isoformat(),
        "only": list(ask.only),
        "time_limit_s": ask.time_limit_s,
        "note": ask.note,
    }


def _ask_of(data: Mapping[str, Any]) -> RepairAsk:
    """The ask a repair job was queued with (see `_ask_json`)."""
    window_from, window_to = data.get("window_from"), data.get("window_to")
    return RepairAsk(
        str(data["absent"]),
        str(data["from"]),
        str(data["to"]),
        None if window_from is None else date.fromisoformat(window_from),
        None if window_to is None else date.fromisoformat(window_to),
        tuple(data.get("only", ())),
        float(data["time_limit_s"]),
        str(data.get("note", "")),
    )


def repair_ask(job: JobRecord) -> RepairAsk | None:
    """The sick call a repair job solves (None for any other kind): for the pages that show it
    and take it back to its form."""
    return _ask_of(job.payload["ask"]) if job.kind == REPAIR else None


def or_assign_ask(job: JobRecord) -> AssignAsk | None:
    """The OR day an assignment job solves (None for any other kind)."""
    if job.kind != OR_ASSIGN:
        return None
    data = job.payload
    base = data.get("base_plan")
    day, family = date.fromisoformat(data["day"]), str(data["family"])
    return AssignAsk(day, family, None if base is None else int(base))


def _principal_json(caller: Principal) -> dict[str, Any]:
    return {
        "user": caller.user,
        "role": caller.role.value,
        "person_id": caller.person_id,
        "account_id": caller.account_id,
        "via": caller.via.value,
        "display_name": caller.display_name,
    }


def _principal_of(data: Mapping[str, Any]) -> Principal:
    """Who queued the job: the worker acts as them, with the role they had when they asked."""
    return Principal(
        str(data["user"]),
        Role(data["role"]),
        data.get("person_id"),
        data.get("account_id"),
        Via(data.get("via", Via.CONFIG.value)),
        str(data.get("display_name", "")),
    )


def _repair_progress(found: RepairProgress) -> dict[str, Any]:
    return {
        "phase": found.phase,
        "elapsed_s": round(found.elapsed_s, 2),
        "solutions": found.solutions,
        "changes": found.changes,
        "short": found.short,
        "bound": found.bound,
    }


def _found(job_id: int, job: JobRecord | None) -> JobRecord:
    if job is None:
        raise NotFound("job", f"no job {job_id}")
    return job


def _progress(found: Progress, series: list[list[float | int | None]]) -> dict[str, Any]:
    gap = None
    if found.objective is not None and found.bound is not None:
        gap = (found.objective - found.bound) / max(abs(found.objective), 1)
    return {
        "phase": "searching",
        "elapsed_s": round(found.elapsed_s, 2),
        "solutions": found.solutions,
        "objective": found.objective,
        "bound": found.bound,
        "gap": gap,
        "series": list(series),
    }
