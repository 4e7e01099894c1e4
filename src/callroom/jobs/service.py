"""Background jobs for the front ends: queue a solve, read a job, cancel it; and the handlers a
runner runs (`handlers`).

A solve job solves the newest stored version of a program (with the absences approved for it)
and stores the roster as its next version, a draft to compare and publish (`Publishing`), in
the transaction that finishes the job. It is
checked before it is queued: a program that is not stored, does not parse, or is a year file
is refused with the reason, and no job is made.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.clock import Clock, utc_now
from callroom.domain.program import Program
from callroom.errors import Invalid, NotFound
from callroom.formats.program_file import ProgramFileError
from callroom.jobs.runner import Finish, Handler, JobContext
from callroom.rosters.service import RosterService
from callroom.solver.run import Progress, SolveOptions, no_roster, solve
from callroom.storage import Database, ProgramRepository, ProgramVersionRecord
from callroom.storage.job_repositories import JobRecord as JobRecord
from callroom.storage.job_repositories import JobRepository
from callroom.storage.job_repositories import JobState as JobState

SOLVE = "solve"
MOST_POINTS = 400  # of the objective-against-time series a progress keeps (the chart's)


class JobService:
    def __init__(self, database: Database, rosters: RosterService, clock: Clock = utc_now) -> None:
        self._database = database
        self._rosters = rosters
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

    def get(self, caller: Principal, job_id: int) -> JobRecord:
        caller.require(Permission.ROSTER_READ, "see a background job")
        with self._database.reading() as session:
            return _found(job_id, JobRepository(session).get(job_id))

    def cancel(self, caller: Principal, job_id: int) -> JobRecord:
        """Cancel a queued job at once, or ask a running one to stop."""
        caller.require(Permission.ROSTER_EDIT, "cancel a background job")
        with self._database.session() as session:
            return _found(job_id, JobRepository(session).cancel(job_id, self._clock()))

    def recent(self, caller: Principal, subject: str | None = None) -> list[JobRecord]:
        caller.require(Permission.ROSTER_READ, "see background jobs")
        with self._database.reading() as session:
            return JobRepository(session).recent(subject)

    def handlers(self) -> Mapping[str, Handler]:
        return {SOLVE: self._run_solve}

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
        solution = solve(program, options, on_progress=progress, stop=context.stop)
        if solution.roster is None:
            raise no_roster(solution)
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
