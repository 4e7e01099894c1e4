""" "Worked as scheduled": a week of the roster turned into logged periods in one action.

In-house shifts become in-house periods linked to their shift and post, at the times the
timeline gives them (DST-correct). Home call becomes work from home only when the program
counts some of it (`counted_minutes`): that expected work is logged from the start of the
call, and the resident corrects it if the night was different. Shifts that have not ended yet,
or that overlap hours already logged, are skipped, each with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.timeline import Timeline
from callroom.domain.wallclock import local_text
from callroom.domain.worklog import LoggedPeriod, WorkKind


def scheduled_periods(
    program: Program,
    roster: Roster,
    person_id: str,
    week_start: date,
    now: datetime,
    current: Sequence[LoggedPeriod],
) -> tuple[list[LoggedPeriod], list[str]]:
    """The periods to log for the week, and why each other scheduled shift was skipped."""
    timeline = Timeline(program)
    week = {week_start + timedelta(days=i) for i in range(7)}
    planned: list[LoggedPeriod] = []
    skipped: list[str] = []
    for assignment in roster.for_person(person_id):
        if assignment.day not in week:
            continue
        period = _as_worked(program, timeline, assignment)
        reason = _skip_reason(period, now, [*current, *planned], timeline.zone)
        if period is not None and reason is None:
            planned.append(period)
        elif reason is not None:
            shift = program.shift[assignment.shift_id].name
            skipped.append(f"{shift} on {assignment.day:%a %d %b %Y}: {reason}")
    return planned, skipped


def _as_worked(program: Program, timeline: Timeline, assignment: Assignment) -> LoggedPeriod | None:
    shift = program.shift[assignment.shift_id]
    interval = timeline.interval(assignment.day, shift.id)
    if shift.in_house:
        return LoggedPeriod(
            assignment.person_id,
            interval.start,
            interval.end,
            WorkKind.IN_HOUSE,
            shift.id,
            assignment.post_id,
        )
    if shift.counted_minutes <= 0:
        return None  # home call with no expected work: nothing was worked unless logged
    return LoggedPeriod(
        assignment.person_id,
        interval.start,
        interval.start + timedelta(minutes=shift.counted_minutes),
        WorkKind.FROM_HOME,
        shift.id,
        assignment.post_id,
    )


def _skip_reason(
    period: LoggedPeriod | None, now: datetime, logged: Sequence[LoggedPeriod], zone: ZoneInfo
) -> str | None:
    if period is None:
        return None
    if period.end > now:
        return "has not ended yet"
    clash = next((p for p in logged if p.overlaps(period)), None)
    if clash is not None:
        return f"overlaps hours already logged (from {local_text(clash.start, zone)})"
    return None
