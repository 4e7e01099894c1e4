"""The `callroom` command line. Commands are thin: they parse options and call the workflow."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from callroom.cli import summary
from callroom.cli.accounts import accounts_app
from callroom.cli.changes import approve, changes_app, repair
from callroom.cli.console import ReportingGroup, console, fail
from callroom.cli.context import services, start
from callroom.cli.curtois import bench_app, evaluate_app, import_app
from callroom.cli.demo import run_demo
from callroom.cli.grid import grid_legend, roster_grid
from callroom.cli.hours import hours_app, whatif
from callroom.cli.operating import caselog_app, or_app
from callroom.cli.ops import backup, restore
from callroom.cli.paging import page_app, worker
from callroom.cli.params import VersionOption
from callroom.cli.web import Host, Port, serve, serve_demo
from callroom.cli.workflow import solve_live
from callroom.cli.year import block_app, year_app
from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.errors import Invalid
from callroom.formats.ical import write_calendars
from callroom.formats.program_file import load_program, program_json_schema
from callroom.formats.roster_csv import write_roster_csv
from callroom.rules.check import check_all
from callroom.rules.summary import summarise
from callroom.solver.run import Solution, SolveOptions, no_roster

app = typer.Typer(
    cls=ReportingGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Rosters, duty hours and paging for a teaching hospital's surgical service.",
)
export_app = typer.Typer(no_args_is_help=True, help="Write a stored roster to files.")
app.add_typer(export_app, name="export")
app.add_typer(page_app, name="page")
app.command()(worker)
app.command()(serve)
app.command()(backup)
app.command()(restore)
app.add_typer(import_app, name="import")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(bench_app, name="bench")
app.command()(repair)
app.command()(approve)
app.add_typer(changes_app, name="changes")
app.add_typer(hours_app, name="hours")
app.add_typer(accounts_app, name="accounts")
app.command()(whatif)
app.add_typer(year_app, name="year")
app.add_typer(block_app, name="block")
app.add_typer(or_app, name="or")
app.add_typer(caselog_app, name="caselog")


@app.callback()
def _settings(ctx: typer.Context) -> None:
    """Rosters, duty hours and paging for a teaching hospital's surgical service."""
    start(ctx)


TimeLimit = Annotated[
    float,
    typer.Option(
        min=0.1,
        help="Search budget in seconds. Counted in CP-SAT's deterministic time (calibrated to "
        "about a second each on 2 cores), so the same seed and limit give the same roster anywhere.",
    ),
]
WallClock = Annotated[
    bool, typer.Option("--wall-clock", help="Stop at the time limit by the clock instead: not reproducible.")
]
Workers = Annotated[int, typer.Option(min=1, max=64, help="CP-SAT search workers.")]
Seed = Annotated[int, typer.Option(min=0, help="Random seed: the same seed gives the same roster.")]
ProgramName = Annotated[str | None, typer.Option("--program", help="Program name (default: newest).")]


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Program YAML file.")]) -> None:
    """Check a program file and say what it describes."""
    program = load_program(file)
    console.print(
        f"{file}: OK. {program.hospital.name}, {len(program.people)} people, "
        f"{len(program.posts)} posts, {len(program.demands)} cover demands, "
        f"{program.block.days}-day block from {program.block.start}."
    )


@app.command(name="solve")
def solve_command(
    file: Annotated[Path, typer.Argument(help="Program YAML file.")],
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    wall_clock: WallClock = False,
    name: Annotated[str | None, typer.Option("--program", help="Store as (default: file name).")] = None,
) -> None:
    """Build the roster for a program file, store it as a new version and explain it. Absences
    the chief approved on the program's stored rosters are kept (nobody works into one)."""
    rosters = services().rosters
    program = rosters.program_for_solve(name or file.stem, load_program(file))
    solution = solve_live(program, SolveOptions(time_limit, workers, seed, not wall_clock))
    if solution.roster is None:
        raise no_roster(solution)
    record = rosters.store_solution(name or file.stem, file, solution)
    _report(program, solution)
    console.print(f"Stored as roster version {record.number} of {name or file.stem}.")


def _report(program: Program, solution: Solution) -> None:
    assert solution.roster is not None and solution.report is not None
    people = summarise(program, solution.roster)
    summary.render_outcome(console, solution)
    summary.render_hours(console, program, people)
    summary.render_violations(console, check_all(program, solution.roster))
    summary.render_penalties(console, program, solution.report)
    summary.render_fairness(console, program, people)


@app.command()
def show(
    name: ProgramName = None,
    version: VersionOption = None,
    person: Annotated[list[str] | None, typer.Option(help="Only these people.")] = None,
) -> None:
    """Print a stored roster as a people-by-days grid."""
    stored = services().rosters.stored(name, version)
    console.print(
        f"{stored.name}, roster version {stored.record.number} ({stored.record.status}, "
        f"objective {stored.record.objective})"
    )
    try:
        console.print(roster_grid(stored.program, stored.roster, people=person))
    except ValueError as error:
        raise fail(str(error)) from error
    console.print(grid_legend(stored.program))


class ExportFormat(StrEnum):
    CSV = "csv"
    ICAL = "ical"


@export_app.command("roster")
def export_roster(
    out: Annotated[Path, typer.Option(help="CSV file, or folder for one .ics per person.")],
    format: Annotated[ExportFormat, typer.Option(help="csv or ical.")] = ExportFormat.CSV,
    name: ProgramName = None,
    version: VersionOption = None,
) -> None:
    """Export a stored roster as CSV (person,grade,date,shift,post,start,end) or iCalendar."""
    stored = services().rosters.stored(name, version)
    if format is ExportFormat.CSV:
        with out.open("w", newline="", encoding="utf-8") as handle:
            write_roster_csv(stored.program, stored.roster, handle)
        console.print(f"Wrote {len(stored.roster.assignments)} assignments to {out}")
    else:
        files = write_calendars(stored.program, stored.roster, out)
        console.print(f"Wrote {len(files)} calendars to {out}/")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the program file."""
    sys.stdout.write(json.dumps(program_json_schema(), indent=2) + "\n")


@app.command()
def demo(
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Solve and report only: do not serve the web app afterwards.")
    ] = False,
    time_limit: TimeLimit = 20.0,
    workers: Workers = 2,
    seed: Seed = 0,
    wall_clock: WallClock = False,
    out: Annotated[Path, typer.Option(help="Folder for the year file and the exports.")] = Path("out"),
    host: Host = "127.0.0.1",
    port: Port = 8000,
    every_block: Annotated[
        bool,
        typer.Option(
            "--every-block", help="Solve every block of the year, not only today's and the one before."
        ),
    ] = False,
    today: Annotated[
        str | None,
        typer.Option(help="Pretend today is this date (YYYY-MM-DD): the demo's year is the one holding it."),
    ] = None,
) -> None:
    """Plan the demo hospital's academic year (the one holding today), solve the block before
    today's and today's block with its history, print the summary and write the exports; then
    serve it in the web app, printing a sign-in for each role (unless --no-serve)."""
    day = _today_in(today)
    options = SolveOptions(time_limit, workers, seed, not wall_clock)
    run_demo(console, options, out, _report, day, every_block)
    if not no_serve:
        serve_demo(console, host, port)


def _today_in(text: str | None) -> date:
    if text is None:
        return datetime.now(ZoneInfo(load_program(demo_program_path()).hospital.timezone)).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("today", f"{text!r} is not a date (YYYY-MM-DD)") from None


def main() -> None:
    app()
