"""The academic year as a feature: solve and store its plan, read the published plan, and make,
solve and store each block's roster inside it, the previous block's roster as its history.

A year file is stored as a program by its name; each block's roster is stored as a program of
its own, named `<year>/block-NN`, whose source is the block program made from the year (so its
versions, audit and live roster work as any other program's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.domain.year import Year, YearPlan
from callroom.errors import Invalid, NotFound
from callroom.formats.program_dump import dump_program
from callroom.rosters.service import RosterService
from callroom.solver.run import ProgressHook, Solution, SolveOptions, solve
from callroom.solver.year.replan import YearReplan, replan_year
from callroom.solver.year.run import YearSolution, solve_year
from callroom.storage import Database, ProgramRepository, RosterRepository, RosterVersionRecord
from callroom.storage.year_repositories import YearPlanRecord, YearPlanRepository
from callroom.year.derive import BLOCK_NAME, block_name, block_program, block_span


@dataclass(frozen=True)
class PublishedYear:
    name: str
    program: Program
    plan: YearPlan
    record: YearPlanRecord


@dataclass(frozen=True)
class BlockSolve:
    """A block's program as made from the year, and its solve."""

    name: str
    number: int
    program: Program
    solution: Solution


class YearService:
    def __init__(self, database: Database, rosters: RosterService) -> None:
        self._database = database
        self._rosters = rosters

    def solve(
        self, program: Program, options: SolveOptions, on_progress: ProgressHook | None = None
    ) -> YearSolution:
        if program.year is None:
            raise Invalid("file", "this program file has no `year` section: solve it with `callroom solve`")
        return solve_year(program, options, on_progress)

    def replan(
        self,
        name: str,
        program: Program,
        start: date,
        options: SolveOptions,
        on_progress: ProgressHook | None = None,
    ) -> YearReplan:
        """The published year of `name` re-planned for the changed `program` (the same year with
        a leave, a swap or a late joiner), keeping every week that begins before `start`."""
        year = program.year
        if year is None:
            raise Invalid("file", "this program file has no `year` section")
        published = self.published(name)
        before = published.program.year
        assert before is not None
        if (before.start, before.end, before.blocks) != (year.start, year.end, year.blocks):
            raise Invalid(
                "year",
                f"the year's dates and blocks differ from those of the published plan of {name!r}: "
                "a re-plan changes who is where, not the year; plan a new year with `callroom year solve`",
            )
        if not year.start <= start <= year.end:
            raise Invalid("from", f"{start} is outside the academic year {year.start} to {year.end}")
        first = next((w for w in range(year.weeks) if year.week_start(w) >= start), year.weeks)
        return replan_year(program, published.plan, first, options, on_progress)

    def stale_blocks(self, name: str, replan: YearReplan) -> list[int]:
        """The blocks whose stored roster was made from weeks the re-plan changed: each needs
        solving again."""
        assert replan.solution.plan is not None
        year = self.published(name).program.year
        assert year is not None
        changed = sorted({year.block_of_week[c.week].number for c in replan.changes})
        with self._database.reading() as session:
            rosters = RosterRepository(session)
            return [n for n in changed if rosters.newest_id(block_name(name, n)) is not None]

    def store(
        self,
        caller: Principal,
        name: str,
        path: Path,
        program: Program,
        solution: YearSolution,
        replan: YearReplan | None = None,
    ) -> YearPlanRecord:
        """Save the year file (a new version only if it changed) and the plan of `program` (as
        read from it), which becomes the published one, in one transaction; a re-plan's changes
        and extensions go into the plan's report."""
        caller.require(Permission.ROSTER_EDIT, "publish a year plan")
        assert solution.plan is not None and program.year is not None
        text = path.read_text(encoding="utf-8")
        report: dict[str, Any] = {"wall_s": round(solution.wall_s, 3), "granted": _granted(solution)}
        if replan is not None:
            report["replan"] = _replanned(program, replan)
        with self._database.session() as session:
            source = ProgramRepository(session).save_source(name, text, str(path))
            return YearPlanRepository(session).add(
                source.id,
                program.year,
                solution.plan,
                status=solution.status.value,
                objective=solution.objective,
                bound=solution.bound,
                report=report,
            )

    def published(self, name: str) -> PublishedYear:
        """The year program stored as `name` and its newest plan; NotFound without one."""
        with self._database.reading() as session:
            plans = YearPlanRepository(session)
            record = plans.newest(name)
            if record is None:
                raise NotFound(
                    "program", f"no year plan of {name!r} is stored: run `callroom year solve` first"
                )
            source = ProgramRepository(session).get_version(record.program_version_id)
            plan = plans.plan(record.id)
        assert source is not None
        return PublishedYear(name, self._rosters.schedules.parsed(source), plan, record)

    def shown(self, live_name: str | None) -> PublishedYear | None:
        """The year to show beside the live roster: the one its block was made from, else the
        newest year plan stored; None when there is none."""
        found = BLOCK_NAME.fullmatch(live_name or "")
        with self._database.reading() as session:
            record = YearPlanRepository(session).newest(found.group(1) if found else None)
        return None if record is None else self.published(record.program_name)

    def block_program(self, name: str, number: int) -> Program:
        """Block `number` of the published year, looking back on the stored roster of the block
        before it; the first block, on the last block of the year stored that ends the day
        before this one starts (without one, on the year file's own `history`)."""
        year = self.published(name)
        assert year.program.year is not None
        try:
            block_span(year.program.year, number)
        except KeyError:
            raise Invalid(
                "block", f"the year has blocks 1 to {len(year.program.year.blocks)}, not {number}"
            ) from None
        earlier = []
        with self._database.reading() as session:
            for n in range(1, number):
                live = self._rosters.schedules.live(session, block_name(name, n))
                earlier.append(None if live is None else live.roster)
        before = earlier[-1] if earlier else self._year_before(year.program.year)
        program = block_program(
            year.program, year.plan, number, before, [r for r in earlier if r is not None]
        )
        return self._rosters.program_for_solve(block_name(name, number), program)

    def _year_before(self, year: Year) -> Roster | None:
        """The stored roster of the last block of the academic year that ended the day before
        `year` starts: a call on its last night reaches into this year's first day."""
        eve = year.start - timedelta(days=1)
        with self._database.reading() as session:
            plans, programs = YearPlanRepository(session), ProgramRepository(session)
            for other in plans.names():
                record = plans.newest(other)
                source = None if record is None else programs.get_version(record.program_version_id)
                ended = None if source is None else self._rosters.schedules.parsed(source).year
                if ended is not None and ended.end == eve:
                    found = self._rosters.schedules.live(session, block_name(other, ended.blocks[-1].number))
                    return None if found is None else found.roster
        return None

    def solve_block(
        self, name: str, number: int, options: SolveOptions, on_progress: ProgressHook | None = None
    ) -> BlockSolve:
        program = self.block_program(name, number)
        return BlockSolve(block_name(name, number), number, program, solve(program, options, on_progress))

    def store_block(self, caller: Principal, solved: BlockSolve) -> RosterVersionRecord:
        """Store the block's program (made from the year) and its roster as a new version."""
        caller.require(Permission.ROSTER_EDIT, "store a block roster")
        return self._rosters.store_made(solved.name, dump_program(solved.program), solved.solution)


def _granted(solution: YearSolution) -> dict[str, list[int]]:
    granted = solution.granted
    if granted is None:
        return {}
    return {
        "vacation_first": list(granted.vacation_first),
        "vacation_any": list(granted.vacation_any),
        "elective_first_interns": list(granted.elective_first_interns),
        "elective_first_residents": list(granted.elective_first_residents),
    }


def _replanned(program: Program, replan: YearReplan) -> Mapping[str, Any]:
    assert program.year is not None
    return {
        "from": program.year.week_start(replan.first_week).isoformat(),
        "changed_weeks": len(replan.changes),
        "minimum_proven": replan.minimum_proven,
        "extensions": [
            {"person": e.person_id, "rotations": e.requirement.label, "weeks": e.short}
            for e in replan.extensions
        ],
    }
