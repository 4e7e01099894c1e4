"""`callroom demo`: the fictional hospital end to end on the embedded SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from callroom.cli.context import services
from callroom.cli.workflow import no_roster, solve_live
from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.formats.ical import write_calendars
from callroom.formats.program_file import load_program
from callroom.formats.roster_csv import write_roster_csv
from callroom.solver.run import Solution, SolveOptions

DEMO_NAME = "st-elsewhere"


def run_demo(
    console: Console, options: SolveOptions, out: Path, report: Callable[[Program, Solution], None]
) -> None:
    path = demo_program_path()
    stored = services()
    program = stored.rosters.program_for_solve(DEMO_NAME, load_program(path))
    console.print(
        f"[bold]{program.hospital.name}[/]: {len(program.people)} people, "
        f"{len(program.posts)} posts, {program.block.days}-day block from "
        f"{program.block.start}; program file {path}"
    )
    solution = solve_live(program, options)
    if solution.roster is None:
        raise no_roster(solution)
    record = stored.rosters.store_solution(DEMO_NAME, path, solution)
    report(program, solution)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "roster.csv").open("w", newline="", encoding="utf-8") as handle:
        write_roster_csv(program, solution.roster, handle)
    calendars = write_calendars(program, solution.roster, out / "ical")
    console.print(
        f"Stored roster version {record.number} in {stored.settings.database_url}; wrote "
        f"{out / 'roster.csv'} and {len(calendars)} calendars in {out / 'ical'}/."
    )
    console.print("Next: `callroom show`, `callroom export roster --format ical --out cal/`.")
