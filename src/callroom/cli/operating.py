"""OR board and case-log commands: `callroom or import|assign|show|publish|purge` and
`callroom caselog import|export`.

The OR commands act as the chief (`cli:USER`) unless `--by` names a person and `--role` their
role; `or purge` acts as the admin (the retention purge reads no identifiers) and `caselog` as
the program director. Nothing here prints a patient identifier: `or show` is the board.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.table import Table

from callroom.accounts.roles import Role
from callroom.cli.console import console
from callroom.cli.context import services, settings
from callroom.cli.identity import acting
from callroom.operating.types import DayBoard

or_app = typer.Typer(no_args_is_help=True, help="The OR board: import a day, assign, show, publish, purge.")
caselog_app = typer.Typer(no_args_is_help=True, help="Case logs: import and export (CSV).")

By = Annotated[str | None, typer.Option(help="Who acts: a person id (default: cli:USER).")]
RoleOpt = Annotated[Role, typer.Option(help="Their role.")]
Day = Annotated[str, typer.Argument(help="The OR day, YYYY-MM-DD.")]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from error


@or_app.command("import")
def import_day(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV, or a FHIR R4 bundle (.json).")
    ],
    day: Annotated[str | None, typer.Option(help="Refuse the file unless every case is on this day.")] = None,
    by: By = None,
    role: RoleOpt = Role.CHIEF,
) -> None:
    """Import an OR schedule: all of it or nothing; the same file again changes nothing."""
    text = file.read_text(encoding="utf-8")
    done = services().operating.import_day(
        acting(by, role), text, file.name, None if day is None else _day(day)
    )
    days = ", ".join(d.isoformat() for d in done.days)
    console.print(
        f"{file.name} ({days}): {len(done.added)} added, {len(done.changed)} changed, "
        f"{len(done.unchanged)} unchanged, {len(done.removed)} removed; {done.patients} patients"
    )


@or_app.command("assign")
def assign(day: Day, by: By = None, role: RoleOpt = Role.CHIEF) -> None:
    """Assign the day's cases (stored as a draft plan; publish it with `callroom or publish`)."""
    done = services().operating.assign(acting(by, role), _day(day))
    proven = "optimal" if done.optimal else "not proven optimal"
    console.print(f"Draft plan {done.board.plan.number if done.board.plan else '-'} ({proven}).")
    _print_board(done.board)
    for case_id, reasons in done.unassigned.items():
        console.print(f"[bold]{escape(case_id)}[/] has no surgeon: " + escape("; ".join(reasons)))


@or_app.command("show")
def show(day: Day, by: By = None, role: RoleOpt = Role.CHIEF) -> None:
    """The day's board: cases, who is on each, and what breaks a rule (no patient identifiers)."""
    _print_board(services().operating.cases(acting(by, role), _day(day)))


@or_app.command("publish")
def publish(day: Day, by: By = None, role: RoleOpt = Role.CHIEF) -> None:
    """Publish the day's newest plan; each resident on it is told their cases."""
    done = services().operating.publish(acting(by, role), _day(day))
    console.print(
        f"Published plan {done.board.published.number if done.board.published else '-'}: "
        f"{len(done.notified)} residents told"
        + (f", not reached: {', '.join(done.not_reached)}" if done.not_reached else "")
    )


@or_app.command("purge")
def purge(
    older_than_days: Annotated[
        int | None, typer.Option(min=0, help="Default: CALLROOM_PHI_RETENTION_DAYS.")
    ] = None,
    by: By = None,
    role: RoleOpt = Role.ADMIN,
) -> None:
    """Remove the identifiers of patients whose last case is older than the retention period."""
    days = settings().phi_retention_days if older_than_days is None else older_than_days
    done = services().operating.purge(acting(by, role), days)
    console.print(
        f"Purged the identifiers of {done.patients_purged} patients with no case since {done.before}; "
        f"kept {done.cases_kept} cases and {done.case_logs_kept} case-log lines."
    )


def _print_board(board: DayBoard) -> None:
    zone = ZoneInfo(board.timezone)
    table = Table(
        "Start", "Room", "Procedure", "Attending", "Needs", "Team", title=f"OR {board.day:%a %d %b %Y}"
    )
    for found in board.cases:
        case = found.case
        team = ", ".join(f"{r.name} ({r.role.role.value})" for r in found.roles) or "-"
        table.add_row(
            f"{case.start.astimezone(zone):%H:%M}",
            escape(case.room),
            escape(case.procedure),
            escape(found.attending or "-"),
            found.needs.min_grade.label,
            escape(team),
        )
    console.print(table)
    for problem in board.problems:
        console.print(f"[red]{escape(problem)}[/]")


@caselog_app.command("import")
def import_log(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="resident,date,cpt,role,attending,case")
    ],
    by: By = None,
    role: RoleOpt = Role.PROGRAM_DIRECTOR,
) -> None:
    """Import case-log lines: all or none, each checked against the credit rules."""
    outcome = services().caselog.import_log(acting(by, role), file.read_text(encoding="utf-8"), file.name)
    lines = len(outcome.stored)
    skipped = f" ({outcome.skipped} logged already, skipped)" if outcome.skipped else ""
    console.print(f"{file.name}: {lines} line{'' if lines == 1 else 's'} imported{skipped}.")


@caselog_app.command("export")
def export_log(
    out: Annotated[Path | None, typer.Option(help="Write here (default: standard output).")] = None,
    by: By = None,
    role: RoleOpt = Role.PROGRAM_DIRECTOR,
) -> None:
    """Every line as CSV, for reconciling with the ACGME Case Log System."""
    text = services().caselog.export_log(acting(by, role))
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"Wrote {out}.")
