"""`callroom year solve|show|export` and `callroom block solve`: the academic year's plan, and
each block's roster made from it with the previous block as history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from callroom.accounts.roles import Role
from callroom.cli.console import console
from callroom.cli.context import services
from callroom.cli.identity import acting
from callroom.cli.progress import LiveProgress
from callroom.domain.program import Program
from callroom.domain.year import Placement, YearPlan, rotation_letters
from callroom.errors import Invalid
from callroom.formats.program_file import load_program
from callroom.formats.year_export import write_year_calendars, write_year_csv
from callroom.solver.run import SolveOptions, no_answer, no_roster
from callroom.solver.year.replan import YearReplan
from callroom.solver.year.run import YearSolution
from callroom.year.derive import block_on

year_app = typer.Typer(no_args_is_help=True, help="The academic year: its rotation plan.")
block_app = typer.Typer(no_args_is_help=True, help="A block's roster, made from the published year.")

TimeLimit = Annotated[float, typer.Option(min=0.1, help="Search budget in seconds.")]
Workers = Annotated[int, typer.Option(min=1, max=64, help="CP-SAT search workers.")]
Seed = Annotated[int, typer.Option(min=0, help="Random seed.")]
YearName = Annotated[
    str | None, typer.Option("--program", help="The year's stored name (default: the file name).")
]


@year_app.command("solve")
def year_solve(
    file: Annotated[Path, typer.Argument(help="Year program YAML file.")],
    time_limit: TimeLimit = 60.0,
    workers: Workers = 2,
    seed: Seed = 0,
    name: YearName = None,
) -> None:
    """Plan the year: every resident on a rotation every week, with vacation; store the plan as
    the published one and print it."""
    program = load_program(file)
    options = SolveOptions(time_limit, workers, seed, deterministic=False)
    residents = sum(p.grade.is_resident for p in program.people)
    title = f"Planning {program.hospital.name}'s year: {residents} residents"
    with LiveProgress(console, title) as live:
        solution = services().year.solve(program, options, on_progress=live)
    if solution.plan is None:
        raise no_answer(solution.status, solution.explanation, "year plan")
    record = services().year.store(acting(None, Role.CHIEF), name or file.stem, file, program, solution)
    console.print(plan_grid(program, solution.plan))
    _report(solution)
    console.print(f"Stored as year plan {record.number} of {record.program_name}.")


def _report(solution: YearSolution) -> None:
    gap = "" if solution.gap is None else f", gap {solution.gap:.2%}"
    first = "" if solution.first_solution_s is None else f", first plan at {solution.first_solution_s:.1f} s"
    console.print(
        f"{solution.status.value}: objective {solution.objective}, bound {solution.bound}{gap}{first}"
    )
    granted = solution.granted
    if granted is None:
        return
    for label, (met, asked) in (
        ("vacation requests granted in their first-choice week", granted.vacation_first),
        ("vacation requests granted in one of their weeks", granted.vacation_any),
        ("interns given their first-choice elective", granted.elective_first_interns),
        ("residents (PGY-2+) given their first-choice elective", granted.elective_first_residents),
    ):
        if asked:
            console.print(f"  {met} of {asked} {label} ({met / asked:.1%})")


@year_app.command("replan")
def year_replan(
    file: Annotated[Path, typer.Argument(help="The year file, changed (a leave, a swap, a late joiner).")],
    name: Annotated[str, typer.Option("--program", help="The year's stored name.")],
    start: Annotated[
        str | None,
        typer.Option("--from", help="Keep every week that begins before this date (default: today)."),
    ] = None,
    time_limit: TimeLimit = 60.0,
    workers: Workers = 2,
    seed: Seed = 0,
) -> None:
    """Re-plan the rest of the published year for a changed file with the fewest changed
    resident-weeks; name any requirement the year can no longer meet (an extension of
    training); store the plan as the published one."""
    program = load_program(file)
    day = _day(start, program)
    options = SolveOptions(time_limit, workers, seed, deterministic=False)
    year = services().year
    with LiveProgress(console, f"Re-planning {name} from {day}") as live:
        replan = year.replan(name, program, day, options, on_progress=live)
    solution = replan.solution
    if solution.plan is None:
        raise no_answer(solution.status, solution.explanation, "year plan")
    stale = year.stale_blocks(name, replan)
    record = year.store(acting(None, Role.CHIEF), name, file, program, solution, replan)
    console.print(changes_table(program, replan))
    proof = "the fewest possible" if replan.minimum_proven else f"at least {replan.change_bound} are needed"
    console.print(f"{len(replan.changes)} resident-weeks changed ({proof}).")
    for extension in replan.extensions:
        person = program.person[extension.person_id]
        console.print(
            f"[bold]Extension of training:[/] {person.name} ({person.grade.label}) is "
            f"{extension.short} weeks short of {extension.requirement.label} this year."
        )
    for number in stale:
        console.print(
            f"Block {number} has a roster made from the old plan: solve it again with "
            f"`callroom block solve --program {name} --block {number}`."
        )
    console.print(f"Stored as year plan {record.number} of {record.program_name}.")


def _day(text: str | None, program: Program) -> date:
    if text is None:
        return datetime.now(ZoneInfo(program.hospital.timezone)).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("from", f"{text!r} is not a date (YYYY-MM-DD)") from None


def changes_table(program: Program, replan: YearReplan) -> Table:
    """Each changed resident-week: the rotation before and after (vacation and leave named)."""
    year = program.year
    assert year is not None
    table = Table(title="Changed weeks", box=None, pad_edge=False)
    for column in ("Resident", "Week of", "Was", "Now"):
        table.add_column(column, no_wrap=True)
    for change in replan.changes:
        table.add_row(
            program.person[change.person_id].name,
            f"{year.week_start(change.week):%a %d %b %Y}",
            _placed(program, change.before),
            _placed(program, change.after),
        )
    return table


def _placed(program: Program, placed: Placement | None) -> str:
    assert program.year is not None
    if placed is None:
        return "away"
    found = program.year.rotation.get(placed.rotation_id)
    name = placed.rotation_id if found is None else found.name
    return f"{name}, vacation" if placed.vacation else name


@year_app.command("show")
def year_show(name: Annotated[str, typer.Option("--program", help="The year's stored name.")]) -> None:
    """Print the published year plan as a residents-by-weeks grid."""
    year = services().year.published(name)
    console.print(f"{name}, year plan {year.record.number} ({year.record.status})")
    console.print(plan_grid(year.program, year.plan))


class YearFormat(StrEnum):
    CSV = "csv"
    ICAL = "ical"


@year_app.command("export")
def year_export(
    name: Annotated[str, typer.Option("--program", help="The year's stored name.")],
    out: Annotated[Path, typer.Option(help="CSV file, or folder for one .ics per resident.")],
    format: Annotated[YearFormat, typer.Option(help="csv or ical.")] = YearFormat.CSV,
) -> None:
    """Export the published year plan: CSV (person,grade,week_start,rotation,vacation) or iCal."""
    year = services().year.published(name)
    if format is YearFormat.CSV:
        with out.open("w", newline="", encoding="utf-8") as handle:
            write_year_csv(year.program, year.plan, handle)
        console.print(f"Wrote {len(year.plan.placements)} resident-weeks to {out}")
    else:
        files = write_year_calendars(year.program, year.plan, out)
        console.print(f"Wrote {len(files)} calendars to {out}/")


@block_app.command("solve")
def block_solve(
    name: Annotated[str, typer.Option("--program", help="The year's stored name.")],
    block: Annotated[int | None, typer.Option(min=1, max=60, help="Block number.")] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="Or: the block holding this date (YYYY-MM-DD).")
    ] = None,
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
) -> None:
    """Solve a block of the published year, looking back on the stored roster of the block
    before it, and store it (as `<year>/block-NN`)."""
    year = services().year
    number = _block_number(year.published(name).program, block, on)
    solved = year.solve_block(name, number, SolveOptions(time_limit, workers, seed))
    if solved.solution.roster is None:
        raise no_roster(solved.solution)
    record = year.store_block(acting(None, Role.CHIEF), solved)
    program = solved.program
    console.print(
        f"Block {number} ({program.block.start} to {program.block.end}): {solved.solution.status.value}, "
        f"objective {solved.solution.objective}; stored as roster version {record.number} of {solved.name}."
    )


def _block_number(program: Program, block: int | None, on: str | None) -> int:
    assert program.year is not None
    if (block is None) == (on is None):
        raise Invalid("block", "give --block or --date, one of them")
    if block is not None:
        return block
    assert on is not None
    try:
        return block_on(program.year, date.fromisoformat(on))
    except ValueError as error:
        raise Invalid("date", str(error)) from error


def plan_grid(program: Program, plan: YearPlan) -> Table:
    """Residents by weeks: one letter a week for the rotation (lower case on vacation, · before
    joining), blocks separated by a bar."""
    year = program.year
    assert year is not None
    codes = rotation_letters([r.id for r in year.rotations])
    table = Table(title="Year plan: a letter a week, lower case on vacation", box=None, pad_edge=False)
    table.add_column("Resident", no_wrap=True)
    table.add_column(f"Weeks from {year.start:%d %b %Y}, blocks 1 to {len(year.blocks)}", no_wrap=True)
    for person in (p for p in program.people if p.grade.is_resident):
        blocks = []
        for block in year.blocks:
            letters = ""
            for w in block.week_indices:
                placed = plan.at.get((person.id, w))
                code = "·" if placed is None else codes[placed.rotation_id]
                letters += code.lower() if placed is not None and placed.vacation else code
            blocks.append(letters)
        table.add_row(f"{person.name} ({person.grade.label})", "|".join(blocks))
    table.caption = "  ".join(f"{code} {year.rotation[rid].name}" for rid, code in codes.items())
    return table
