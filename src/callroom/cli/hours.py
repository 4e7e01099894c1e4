"""Duty-hour commands: `callroom hours log|confirm|clock-in|clock-out|correct|justify|review|
history|list|report` and `callroom whatif --person P --take DATE:SHIFT[:POST]`.

Without `--by` a command acts as the program's coordinator (`cli:USER`, the chief's role): it may
log and correct on a resident's behalf and read every resident's hours, and every change it makes
is recorded under that name; `review` acts as the program director. `--by PERSON` acts as that
resident, with a resident's rights (their own hours only).
Times without an offset are the hospital's wall clock; one the clocks skip that night is refused,
and one they pass twice needs its offset (`domain.wallclock.local_instant`). Exit codes: 0 done,
2 bad input or a refused action (the message names the field); nothing is saved when a command
fails. `whatif` exits 1 when the shift would break a hard rule, so a script can ask it.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.cli.console import console, fail
from callroom.cli.context import services
from callroom.cli.identity import acting
from callroom.cli.params import JustificationId, PeriodId
from callroom.domain.wallclock import local_instant
from callroom.domain.worklog import Decision, Reason, WorkKind
from callroom.hours.report import WeekTable, csv_text, html_page, week_tables
from callroom.hours.service import Correction, Entry, HoursReport, HoursService, PeriodRecord
from callroom.rules.worked import BlockReport

hours_app = typer.Typer(
    no_args_is_help=True, help="Log duty hours as worked, correct them, review and report."
)

Person = Annotated[str, typer.Option("--person", help="The resident's person id.")]
By = Annotated[str | None, typer.Option(help="Act as this resident (default: the coordinator, cli:USER).")]
Program = Annotated[str | None, typer.Option("--program", help="Program name (default: newest roster's).")]
When = Annotated[str | None, typer.Option(help="ISO date-time; without an offset, hospital time.")]
Kind = Annotated[WorkKind, typer.Option(help="What the work was.")]


def _actor(by: str | None) -> Principal:
    """The resident `by`, or the coordinator at the machine."""
    return acting(by, Role.RESIDENT if by else Role.CHIEF)


def _hours(program: str | None) -> HoursService:
    return services(program).hours


def _instant(text: str | None, zone: ZoneInfo, field: str) -> datetime | None:
    """An ISO date-time; one without an offset is a wall time in the hospital's zone, refused
    when that night's clock change skips it or passes it twice (`local_instant`)."""
    if text is None:
        return None
    return local_instant(text, zone, field)


def _required(text: str, zone: ZoneInfo, field: str) -> datetime:
    found = _instant(text, zone, field)
    assert found is not None
    return found


def _show(record: PeriodRecord, zone: ZoneInfo) -> str:
    v = record.current.values
    end = v.end.astimezone(zone).strftime("%Y-%m-%d %H:%M") if v.end else "(clocked in)"
    link = f" as {v.shift_id}" + (f" on {v.post_id}" if v.post_id else "") if v.shift_id else ""
    return (
        f"period {record.id}: {record.person_id} {v.start.astimezone(zone).strftime('%Y-%m-%d %H:%M')} "
        f"to {end} {v.kind.label}{link}"
    )


@hours_app.command("log")
def log_period(
    person: Person,
    start: Annotated[str, typer.Option(help="Start (ISO date-time).")],
    end: Annotated[str, typer.Option(help="End (ISO date-time).")],
    kind: Kind = WorkKind.IN_HOUSE,
    shift: Annotated[str | None, typer.Option(help="Scheduled shift it was worked as.")] = None,
    post: Annotated[str | None, typer.Option(help="Post it was worked on.")] = None,
    note: str = "",
    by: By = None,
    program: Program = None,
) -> None:
    """Log a period worked."""
    hours = _hours(program)
    zone = hours.timezone()
    entry = Entry(
        person, _required(start, zone, "start"), _required(end, zone, "end"), kind, shift, post, note
    )
    console.print("Logged " + _show(hours.log(_actor(by), entry), zone))


@hours_app.command("confirm")
def confirm(
    person: Person,
    week: Annotated[str, typer.Option(help="First day of the week (YYYY-MM-DD).")],
    by: By = None,
    program: Program = None,
) -> None:
    """Worked as scheduled: log the week's ended shifts from the live roster in one action."""
    try:
        first = date.fromisoformat(week)
    except ValueError:
        raise fail(f"week: {week!r} is not a date (YYYY-MM-DD)") from None
    hours = _hours(program)
    zone = hours.timezone()
    done = hours.confirm(_actor(by), person, first)
    for record in done.logged:
        console.print("Logged " + _show(record, zone))
    for reason in done.skipped:
        console.print(f"[yellow]skipped:[/] {reason}")


@hours_app.command("clock-in")
def clock_in(
    person: Person,
    at: When = None,
    kind: Kind = WorkKind.IN_HOUSE,
    shift: Annotated[str | None, typer.Option(help="Scheduled shift.")] = None,
    post: Annotated[str | None, typer.Option(help="Post.")] = None,
    by: By = None,
    program: Program = None,
) -> None:
    """Start a period now (or at --at)."""
    hours = _hours(program)
    zone = hours.timezone()
    record = hours.clock_in(_actor(by), person, _instant(at, zone, "at"), kind, shift, post)
    console.print("Clocked in: " + _show(record, zone))


@hours_app.command("clock-out")
def clock_out(person: Person, at: When = None, by: By = None, program: Program = None) -> None:
    """End the open period now (or at --at)."""
    hours = _hours(program)
    zone = hours.timezone()
    record = hours.clock_out(_actor(by), person, _instant(at, zone, "at"))
    console.print("Clocked out: " + _show(record, zone))


@hours_app.command("correct")
def correct(
    period: PeriodId,
    note: Annotated[str, typer.Option(help="Why it changes (kept in the history).")],
    start: When = None,
    end: When = None,
    kind: Annotated[WorkKind | None, typer.Option()] = None,
    shift: Annotated[str | None, typer.Option()] = None,
    post: Annotated[str | None, typer.Option()] = None,
    withdraw: Annotated[bool, typer.Option("--withdraw", help="Take it out of the hours.")] = False,
    by: By = None,
    program: Program = None,
) -> None:
    """Correct a period: a new revision; every earlier value stays in its history."""
    hours = _hours(program)
    zone = hours.timezone()
    change = Correction(
        _instant(start, zone, "start"), _instant(end, zone, "end"), kind, shift, post, note, withdraw
    )
    record = hours.correct(_actor(by), period, change)
    console.print(
        f"Revision {record.current.number}: "
        + _show(record, zone)
        + (" (withdrawn)" if record.current.values.withdrawn else "")
    )


@hours_app.command("justify")
def justify(
    period: PeriodId,
    reason: Annotated[Reason, typer.Option(help="One of ACGME's recognised reasons.")],
    by: Annotated[str, typer.Option(help="The resident who worked it (only they justify).")],
    note: str = "",
    program: Program = None,
) -> None:
    """Attach the resident's reason for staying to a period."""
    hours = _hours(program)
    found = hours.justify(acting(by, Role.RESIDENT), period, reason, note)
    console.print(f"Justification {found.id} on period {period}: {found.reason.label} (pending review)")


@hours_app.command("review")
def review(
    justification: JustificationId,
    decision: Annotated[Decision, typer.Option(help="accepted or rejected.")],
    note: str = "",
    by: Annotated[str | None, typer.Option(help="Reviewer (default cli:USER).")] = None,
    program: Program = None,
) -> None:
    """The program director's decision on a justification (every decision is kept)."""
    actor = acting(by, Role.PROGRAM_DIRECTOR)
    hours = _hours(program)
    found = hours.review(actor, justification, decision, note)
    console.print(f"Justification {found.id}: {found.status} by {found.reviews[-1].reviewer}")


@hours_app.command("history")
def history(period: PeriodId, by: By = None, program: Program = None) -> None:
    """Every value a period has had, who changed it and when, and its justifications."""
    hours = _hours(program)
    zone = hours.timezone()
    found = hours.history(_actor(by), period)
    # Whole lines, not a table: a history is read (and grepped) in full, never cut to a width.
    console.print(
        f"Period {period} of {found.period.person_id}, oldest value first (times hospital, changes UTC):"
    )
    for r in found.revisions:
        v = r.values
        console.print(
            f"  revision {r.number}: {_local(v.start, zone)} to {_local(v.end, zone) or '(open)'} "
            f"{v.kind.value}{' (withdrawn)' if v.withdrawn else ''}; {r.source} by {r.changed_by} "
            f"at {r.changed_at:%Y-%m-%d %H:%M:%S}" + (f"; note: {v.note}" if v.note else "")
        )
    for j in found.justifications:
        console.print(
            f"Justification {j.id}: {j.reason.label}, {j.status}"
            + "".join(f"; {x.decision} by {x.reviewer}: {x.note}" for x in j.reviews)
        )


def _local(instant: datetime | None, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M") if instant else ""


@hours_app.command("list")
def list_periods(person: Person, by: By = None, program: Program = None) -> None:
    """A resident's logged periods as they stand now."""
    hours = _hours(program)
    zone = hours.timezone()
    for record in hours.periods(_actor(by), person):
        console.print(_show(record, zone))


@hours_app.command("report")
def report(
    person: Annotated[str | None, typer.Option("--person", help="One resident (default all).")] = None,
    block: Annotated[
        list[int] | None,
        typer.Option("--block", min=1, help="Block number (1: the program's own block); repeatable."),
    ] = None,
    fmt: Annotated[Literal["table", "csv", "html"], typer.Option("--format")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
    by: By = None,
    program: Program = None,
) -> None:
    """Compliance on hours as worked by block, early warnings and scheduled against worked."""
    hours = _hours(program)
    found = hours.report(_actor(by), person, block or [])
    if fmt == "table":
        _print_report(found)
        return
    text = csv_text(found) if fmt == "csv" else html_page(found)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}")


def _print_report(found: HoursReport) -> None:
    for weeks in week_tables(found):
        _print_weeks(found, weeks)
    for block in found.blocks:
        _print_block(block)


def _print_weeks(found: HoursReport, weeks: WeekTable) -> None:
    table = Table(title=f"Hours by week, {weeks.label}: worked / scheduled")
    table.add_column("resident")
    for start in weeks.starts:
        table.add_column(str(start), justify="right")
    for person_id, row in weeks.rows.items():
        cells = [f"{w.worked_minutes / 60:.1f} / {w.scheduled_minutes / 60:.1f}" for w in row]
        table.add_row(found.program.person[person_id].name, *cells)
    console.print(table)


def _print_block(block: BlockReport) -> None:
    console.print(
        f"[bold]{block.label}[/]: {len(block.violations)} violations, {len(block.warnings)} early warnings"
    )
    for v in block.violations:
        console.print(f"  [red]{v.rule.cited}[/]: {v.message}")
    for v in block.warnings:
        console.print(f"  [yellow]early warning[/]: {v.message}")


def whatif(
    person: Person,
    take: Annotated[str, typer.Option(help="DATE:SHIFT[:POST] to take.")],
    by: By = None,
    program: Program = None,
) -> None:
    """Would the person break a rule by taking this shift, at it or later in the block?"""
    hours = _hours(program)
    answer = hours.whatif(_actor(by), person, take)
    t = answer.take
    basis = (
        f"logged hours through {answer.logged_through}, the roster after"
        if answer.logged_through
        else "the roster"
    )
    console.print(f"{person} taking {t.shift_id} on {t.post_id} on {t.day} (judged on {basis}):")
    if not answer.findings:
        console.print("  [green]breaks no rule[/]")
    for finding in answer.findings:
        style = "red" if finding in answer.hard else "yellow"
        console.print(f"  [{style}]{finding.text}[/]")
    for gone in answer.resolved:
        console.print(f"  [green]resolves[/] {gone.rule.cited}: {gone.message}")
    if not answer.acceptable:
        raise typer.Exit(1)
