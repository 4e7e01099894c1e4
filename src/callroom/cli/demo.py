"""`callroom demo`: the fictional hospital's academic year end to end on the embedded SQLite store.

The demo picks the academic year holding today (1 July to 30 June), so the app it serves is
alive on any day: it plans the year, then solves the block before today's and today's block
(or, with `--every-block`, every block), each looking back on the one before, and stores them.
The live roster is the block holding today, whichever was stored last. The operating room is
alive too: every resident's case log so far and tomorrow's OR schedule are imported, and
tomorrow is assigned as a draft plan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console

from callroom.accounts.roles import Role
from callroom.cli.context import services
from callroom.cli.identity import acting
from callroom.cli.progress import LiveProgress
from callroom.cli.year import plan_grid
from callroom.demo import demo_program_path
from callroom.demo.operating import demo_case_log_csv, demo_or_csv
from callroom.demo.year import academic_year_of, demo_year
from callroom.domain.clock import utc_now
from callroom.domain.program import Program
from callroom.formats.ical import write_calendars
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import load_program
from callroom.formats.roster_csv import write_roster_csv
from callroom.formats.year_export import write_year_csv
from callroom.solver.run import Solution, SolveOptions, no_answer, no_roster
from callroom.year.derive import block_on
from callroom.year.service import BlockSolve

DEMO_NAME = "st-elsewhere"
YEAR_SECONDS = 30.0


def run_demo(
    console: Console,
    options: SolveOptions,
    out: Path,
    report: Callable[[Program, Solution], None],
    today: date,
    every_block: bool = False,
) -> None:
    stored = services()
    chief = acting(None, Role.CHIEF)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{DEMO_NAME}-year.yaml"
    path.write_text(dump_program(demo_year(load_program(demo_program_path()), academic_year_of(today))))
    program = load_program(path)
    assert program.year is not None
    console.print(
        f"[bold]{program.hospital.name}[/]: {len(program.people)} people, academic year "
        f"{program.year.start} to {program.year.end} in {len(program.year.blocks)} blocks; year file {path}"
    )
    # The year's model is searched by the clock: its first plan takes seconds, which a short
    # deterministic budget calibrated on block models does not always give it.
    year_options = dataclasses.replace(
        options, time_limit_s=max(options.time_limit_s, YEAR_SECONDS), deterministic=False
    )
    with LiveProgress(console, "Planning the year") as live:
        planned = stored.year.solve(program, year_options, on_progress=live)
    if planned.plan is None:
        raise no_answer(planned.status, planned.explanation, "year plan")
    stored.year.store(chief, DEMO_NAME, path, program, planned)
    console.print(plan_grid(program, planned.plan))
    with (out / "year.csv").open("w", newline="", encoding="utf-8") as handle:
        write_year_csv(program, planned.plan, handle)
    now = block_on(program.year, today)
    numbers = range(1, len(program.year.blocks) + 1) if every_block else range(max(1, now - 1), now + 1)
    current: BlockSolve | None = None
    for number in numbers:
        with LiveProgress(console, f"Solving block {number} with the one before it as history") as live:
            solved = stored.year.solve_block(DEMO_NAME, number, options, on_progress=live)
        if solved.solution.roster is None:
            raise no_roster(solved.solution)
        stored.year.store_block(chief, solved)
        console.print(f"Block {number}, {solved.program.block.start} to {solved.program.block.end}: stored.")
        current = solved if number == now else current
    assert current is not None and current.solution.roster is not None
    shown = stored.rosters.live()  # the block holding the real date, else the newest stored
    console.print(
        f"[bold]Today ({today}) is in block {now}[/]; the live roster: {shown.name if shown else 'none'}."
    )
    report(current.program, current.solution)
    seed_operating_room(console, today)
    with (out / "roster.csv").open("w", newline="", encoding="utf-8") as handle:
        write_roster_csv(current.program, current.solution.roster, handle)
    calendars = write_calendars(current.program, current.solution.roster, out / "ical")
    console.print(
        f"Stored the year plan and the blocks in {stored.settings.database_url}; wrote {out / 'year.csv'}, "
        f"{out / 'roster.csv'} and {len(calendars)} calendars in {out / 'ical'}/."
    )
    console.print(
        "Next: `callroom year show --program st-elsewhere`, `callroom show`, `callroom block solve`, "
        f"`callroom or show {today + timedelta(days=1)}`."
    )


def seed_operating_room(console: Console, today: date) -> None:
    """The hospital's OR, alive: every resident's case log so far imported, today's OR schedule
    assigned and published (the residents have their cases and were told), and tomorrow's
    imported and assigned as a draft plan for the chief to look over and publish."""
    stored = services()
    chief = acting(None, Role.CHIEF)
    program = stored.rosters.require_live().program
    # Cases are logged once they have happened: up to the real date when `--today` is later.
    logged_to = min(today, utc_now().astimezone(ZoneInfo(program.hospital.timezone)).date())
    history = demo_case_log_csv(program, logged_to)
    lines = stored.caselog.import_log(chief, history, "demo-case-log.csv").stored
    console.print(f"Imported {len(lines)} case-log lines.")
    for day, publish in ((today, True), (today + timedelta(days=1), False)):
        stored.operating.import_day(chief, demo_or_csv(program, day), f"demo-or-{day}.csv")
        board = stored.operating.assign(chief, day).board
        covered = sum(1 for case in board.cases if case.roles)
        if publish:
            stored.operating.publish(chief, day)
        state = "published" if publish else "a draft for the chief to publish"
        console.print(
            f"OR {day:%a %d %b}: {len(board.cases)} cases, residents on {covered} of them ({state})."
        )
