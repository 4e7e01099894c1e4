"""The steps the commands share: load a program file, solve with a live view, store, reload.

Exit codes: 2 bad input, 3 no roster exists (with the reason), 4 none found in the time limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from callroom.cli.progress import LiveProgress
from callroom.config import Settings
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.program_file import ProgramFileError, load_program, parse_program
from callroom.solver.run import Solution, SolveOptions, Status, solve
from callroom.storage import (
    ProgramRepository,
    RosterRepository,
    RosterSource,
    RosterVersionRecord,
    open_database,
)

BAD_INPUT, INFEASIBLE, NOT_FOUND_IN_TIME = 2, 3, 4


def fail(console: Console, message: str, code: int = BAD_INPUT) -> typer.Exit:
    console.print(f"[red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def load_or_exit(console: Console, path: Path,
                 loader: Callable[[Path], Program] = load_program) -> Program:
    """Read a program (a program file by default, or any format `loader` reads), or print
    every issue the file has and exit 2."""
    try:
        return loader(path)
    except ProgramFileError as error:
        for issue in error.issues:
            console.print(f"[red]error:[/] {escape(str(issue))}", highlight=False)
        raise typer.Exit(BAD_INPUT) from error


def solve_live(console: Console, program: Program, options: SolveOptions) -> Solution:
    title = f"Solving {program.hospital.name}: {len(program.people)} people, {program.block.days} days"
    with LiveProgress(console, title) as live:
        return solve(program, options, on_progress=live)


def exit_without_roster(console: Console, solution: Solution) -> typer.Exit:
    if solution.status is Status.INFEASIBLE:
        console.print("[red bold]No roster can satisfy every hard rule.[/]")
        if solution.explanation is not None:
            console.print(str(solution.explanation), markup=False)
        return typer.Exit(INFEASIBLE)
    console.print("[yellow]No roster found within the time limit, and no proof that none exists; "
                  "try a longer --time-limit.[/]")
    return typer.Exit(NOT_FOUND_IN_TIME)


def store_solution(settings: Settings, name: str, path: Path, solution: Solution) -> RosterVersionRecord:
    """Save the program's source (a new version only if it changed) and the roster as a new
    roster version, in one transaction."""
    assert solution.roster is not None and solution.report is not None
    with open_database(settings.database_url) as database, database.session() as session:
        source = ProgramRepository(session).save_source(name, path.read_text(encoding="utf-8"), str(path))
        return RosterRepository(session).add_version(
            source.id, solution.roster, source=RosterSource.SOLVE, status=solution.status.value,
            objective=solution.objective, bound=solution.bound, report=solution.report.to_dict())


@dataclass(frozen=True)
class Stored:
    name: str
    program: Program
    roster: Roster
    record: RosterVersionRecord


def load_stored(console: Console, settings: Settings, name: str | None, number: int | None) -> Stored:
    """A stored roster version with the program it was solved for (rebuilt from its source)."""
    with open_database(settings.database_url) as database, database.session() as session:
        rosters, programs = RosterRepository(session), ProgramRepository(session)
        record = _pick(rosters, name, number)
        if record is None:
            raise fail(console, "no such roster version; run `callroom solve FILE` first")
        source = programs.get_version(record.program_version_id)
        assert source is not None  # a roster version's program version is a foreign key
        program = parse_program(source.source_text, source.source_path)
        return Stored(source.program_name, program, rosters.load_roster(record.id), record)


def _pick(rosters: RosterRepository, name: str | None, number: int | None) -> RosterVersionRecord | None:
    if name is None:
        return rosters.newest()
    if number is None:
        return rosters.latest(name)
    return rosters.by_number(name, number)
