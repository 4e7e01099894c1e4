"""Commands for the Curtois & Qu benchmark: `import curtois`, `evaluate curtois`, `bench curtois`.

An instance is imported into the same roster model a residency program uses; evaluation runs the
same checkers and penalty scoring; the bench solves with the same solver as `callroom solve`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from callroom.cli.console import console, fail
from callroom.cli.curtois_bench import (
    BenchDataError,
    Row,
    check_instances,
    data_folder,
    parse_instances,
    run_all,
    save_table,
)
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.curtois import load_instance, parse_roster
from callroom.formats.program_dump import dump_program
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from callroom.solver.run import SolveOptions

import_app = typer.Typer(no_args_is_help=True, help="Turn another format into a program file.")
evaluate_app = typer.Typer(no_args_is_help=True, help="Score a roster with callroom's checkers.")
bench_app = typer.Typer(no_args_is_help=True, help="Run published benchmarks.")

ROSTER_BREAKS_RULES = 1
PARTS = {
    ids.REQUEST_ON.code: "shift-on",
    ids.REQUEST_OFF.code: "shift-off",
    ids.COVER_UNDER.code: "cover-under",
    ids.COVER_OVER.code: "cover-over",
}


def _instance(console: Console, path: Path) -> Program:
    return load_instance(path)


@import_app.command("curtois")
def import_curtois(
    file: Annotated[Path, typer.Argument(help="A Curtois & Qu instance, e.g. Instance7.txt.")],
    out: Annotated[Path | None, typer.Option(help="Program file to write (default: NAME.yaml).")] = None,
) -> None:
    """Import a benchmark instance as a program file that `callroom solve` takes."""
    program = _instance(console, file)
    target = out or Path(f"{file.stem}.yaml")
    target.write_text(dump_program(program), encoding="utf-8")
    console.print(
        f"{file}: {len(program.people)} people, {len(program.shift_types)} shift types, "
        f"{program.block.days} days, {len(program.demands)} cover lines -> {target}"
    )


@evaluate_app.command("curtois")
def evaluate_curtois(
    instance: Annotated[Path, typer.Argument(help="The instance file.")],
    roster: Annotated[Path, typer.Argument(help="A roster: employee id, then a shift or - per day.")],
) -> None:
    """Check a roster against every hard rule and split its penalty like the benchmark.
    Exit code 1 when it breaks a hard rule, 2 on bad input."""
    program = _instance(console, instance)
    try:
        parsed = parse_roster(roster.read_text(encoding="utf-8"), program, str(roster))
    except (OSError, UnicodeDecodeError) as error:
        raise fail(f"{roster}: cannot read the file: {error}") from error
    _evaluation(console, program, parsed)


@bench_app.command("curtois")
def bench_curtois(
    instances: Annotated[str, typer.Option(help="Instance numbers, e.g. 1-24 or 1,5,7-9.")] = "1-24",
    time_limit: Annotated[float, typer.Option(min=0.1, help="Search seconds per instance.")] = 60.0,
    workers: Annotated[int, typer.Option(min=1, help="CP-SAT workers.")] = 2,
    seed: Annotated[int, typer.Option(min=0, help="Random seed, both sides.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for rosters and the results table (default: results/curtois beside the data)."
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help="Folder with InstanceN.txt and best_known.csv (default: the checkout's bench/curtois)."
        ),
    ] = None,
    peer: Annotated[bool, typer.Option(help="Also run the peer (CPMpy's model).")] = True,
    lns: Annotated[
        bool,
        typer.Option(
            help="Solve the largest instances by callroom's own large-neighbourhood search "
            "(--no-lns: CP-SAT on the whole model, as before it)."
        ),
    ] = True,
) -> None:
    """Solve benchmark instances with callroom and the peer; print and save the table."""
    try:
        numbers = parse_instances(instances)
        folder = data_folder(data)
        check_instances(folder, numbers)
    except (ValueError, BenchDataError) as error:
        raise fail(str(error)) from error
    out = out if out is not None else folder.parent / "results" / "curtois"
    options = SolveOptions(time_limit, workers, seed, deterministic=False, local_search=lns)
    rows = _bench(console, folder, numbers, options, out, peer)
    console.print(results_table(rows, peer))
    json_path, csv_path = save_table(rows, out)
    console.print(f"Wrote {json_path}, {csv_path} and the rosters in {out}/")


def _evaluation(console: Console, program: Program, roster: Roster) -> None:
    violations = hard_violations(program, roster)
    report = score(program, roster)
    by_rule = report.by_rule()
    parts = ", ".join(f"{name} {by_rule.get(code, 0)}" for code, name in PARTS.items())
    console.print(f"penalty {report.total} ({parts})")
    if violations:
        console.print(f"[red]{len(violations)} hard rule violations:[/]")
        for violation in violations:
            console.print(f"  {violation}", markup=False)
        raise typer.Exit(ROSTER_BREAKS_RULES)
    console.print("feasible: no hard rule broken")


def _bench(
    console: Console, data: Path, numbers: list[int], options: SolveOptions, out: Path, peer: bool
) -> list[Row]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("Curtois instances", total=len(numbers))

        def done(row: Row) -> None:
            gap = row.ours.gap(row.best_known)
            progress.console.print(
                f"{row.instance}: {row.ours.objective} (best known {row.best_known}"
                f"{'' if gap is None else f', gap {gap:.1f} %'})"
            )
            progress.advance(task)

        return run_all(data, numbers, options, out, peer, done)


def _fmt(value: float | int | None, pattern: str = "{}") -> str:
    return "–" if value is None else pattern.format(value)


def results_table(rows: list[Row], peer: bool) -> Table:
    table = Table(title="Curtois & Qu instances: callroom vs CPMpy's model, scored by callroom")
    headers = ["instance", "best", "status", "objective", "bound", "gap %", "first s", "final s"]
    headers += ["peer status", "peer objective", "peer gap %", "peer first s"] if peer else []
    for header in headers:
        table.add_column(header, justify="left" if "status" in header or header == "instance" else "right")
    for row in rows:
        ours = row.ours
        cells = [
            row.instance,
            str(row.best_known),
            ours.status,
            _fmt(ours.objective),
            _fmt(ours.bound),
            _fmt(ours.gap(row.best_known), "{:.2f}"),
            _fmt(ours.first_s, "{:.1f}"),
            _fmt(ours.final_s, "{:.1f}"),
        ]
        if peer and row.peer is not None:
            theirs = row.peer
            cells += [
                theirs.status,
                _fmt(theirs.objective),
                _fmt(theirs.gap(row.best_known), "{:.2f}"),
                _fmt(theirs.first_s, "{:.1f}"),
            ]
        table.add_row(*cells)
    return table
