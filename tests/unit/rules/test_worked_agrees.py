"""Hours logged exactly as scheduled are judged exactly as the schedule: on random programs and
rosters (DST blocks, odd shift lengths, home call, leave), the duty-hour checkers on the logged
periods find the same violations, word for word, as on the roster itself."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.domain.shifts import ShiftKind
from callroom.domain.timeline import Timeline
from callroom.domain.worklog import LoggedPeriod, WorkKind
from callroom.rules.context import CheckContext
from callroom.rules.worked import BLOCK_CHECKS, check_worked
from tests.strategies import programs, rosters


def as_scheduled(program: Program, roster: Roster) -> list[LoggedPeriod]:
    """What a resident confirming the roster logs: in-house shifts as they run, home call as the
    work the program expects from home (none in these programs)."""
    timeline = Timeline(program)
    logged = []
    for a in roster.assignments:
        shift = program.shift[a.shift_id]
        span = timeline.interval(a.day, a.shift_id)
        if shift.kind is not ShiftKind.HOME_CALL:
            logged.append(
                LoggedPeriod(a.person_id, span.start, span.end, WorkKind.IN_HOUSE, a.shift_id, a.post_id)
            )
        elif shift.counted_minutes:
            end = span.start + timedelta(minutes=shift.counted_minutes)
            logged.append(
                LoggedPeriod(a.person_id, span.start, end, WorkKind.FROM_HOME, a.shift_id, a.post_id)
            )
    return logged


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_hours_logged_as_scheduled_break_exactly_the_rules_the_schedule_breaks(data: st.DataObject) -> None:
    program = data.draw(programs(loose=True))
    roster = data.draw(rosters(program, density=0.6))
    on_roster = CheckContext(program, roster)
    expected = sorted((v for check in BLOCK_CHECKS for v in check(on_roster)), key=repr)
    assert sorted(check_worked(program, as_scheduled(program, roster), roster), key=repr) == expected
