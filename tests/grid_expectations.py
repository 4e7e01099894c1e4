"""What the schedule grid must show, worked out without the grid's code: the cover shortfalls as
the checkers (hard) and the penalty report (soft) find them, and each person's block totals
counted straight from the roster's assignments."""

from __future__ import annotations

from datetime import date, timedelta

from callroom.domain.days import is_weekend
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.domain.shifts import ShiftKind
from callroom.domain.timeline import Timeline
from callroom.rules import ids
from callroom.rules.check import check_all
from callroom.rules.penalties import score

CoverCell = tuple[str, str, date]  # post, shift, day
SATURDAY = 5


def hard_cover_breaks(program: Program, roster: Roster) -> set[CoverCell]:
    """Cells where the checkers find a cover minimum or maximum broken."""
    return {(v.cover.post_id, v.cover.shift_id, v.cover.day) for v in check_all(program, roster) if v.cover}


def under_target(program: Program, roster: Roster) -> set[CoverCell]:
    """Cells the penalty report charges for being under a target. Its items name the post and
    shift in words ("The Pit (emergency department), Night on 2027-03-02: ..."), read back here."""
    names = {f"{program.post[p].name}, {program.shift[s].name}": (p, s) for p, s in _pairs(program)}
    found = set()
    for item in score(program, roster).items:
        if item.rule == ids.COVER_UNDER:
            assert item.day is not None
            post, shift = names[item.detail.split(f" on {item.day.isoformat()}:")[0]]
            found.add((post, shift, item.day))
    return found


def _pairs(program: Program) -> set[tuple[str, str]]:
    return {(d.post_id, d.shift_id) for d in program.demands}


def block_totals(program: Program, roster: Roster, person_id: str) -> tuple[str, str, str, str]:
    """Hours (as duty hours count them: home call by its stated minutes), nights, weekends with
    any work, in-house calls: as the grid prints them."""
    timeline = Timeline(program)
    minutes = nights = calls = 0
    weekends: set[date] = set()
    for a in roster.for_person(person_id):
        shift = program.shift[a.shift_id]
        interval = timeline.interval(a.day, a.shift_id)
        elapsed = int((interval.end - interval.start).total_seconds() // 60)
        whole = shift.counted_minutes == shift.duration_minutes
        minutes += elapsed if whole else shift.counted_minutes
        nights += shift.kind is ShiftKind.NIGHT
        calls += shift.kind is ShiftKind.IN_HOUSE_CALL
        if is_weekend(a.day):
            weekends.add(a.day - timedelta(days=a.day.weekday() - SATURDAY))  # a weekend by its Saturday
    return (f"{round(minutes / 60, 1):g}", str(nights), str(len(weekends)), str(calls))
