"""General rostering rules, for everyone (attendings included) and for the Curtois benchmark.

Run semantics follow the benchmark (see bench/curtois/FORMAT.md): days outside the
block count as off; a run of work (or of days off) that touches the first or last day of the
block is exempt from the minimum-length rules, because it may continue outside the block. A
program with a history knows the days before its block: runs, successions, overlaps and
declared conflicts are then judged across the boundary, and exempt only at the history's start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from itertools import pairwise

from callroom.domain.days import is_weekend, weekend_of
from callroom.domain.program import Person
from callroom.rules import ids
from callroom.rules.context import CheckContext, Work
from callroom.rules.violations import Violation


def _everyone(ctx: CheckContext) -> Iterator[tuple[Person, tuple[Work, ...]]]:
    for person in ctx.people:
        yield person, ctx.work[person.id]


def check_one_shift_a_day(ctx: CheckContext) -> list[Violation]:
    counts = Counter((a.person_id, a.day) for a in ctx.assignments)
    return [
        Violation(
            ids.ONE_SHIFT_A_DAY, f"{_name(ctx, pid)}: {n} shifts on {day}", pid, day, measured=n, limit=1
        )
        for (pid, day), n in sorted(counts.items())
        if n > 1
    ]


def _name(ctx: CheckContext, person_id: str) -> str:
    person = ctx.program.person.get(person_id)
    return person.name if person else person_id


def check_overlap(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, _ in _everyone(ctx):
        for earlier, later in pairwise(ctx.joined(person.id)):
            if later.in_block and later.start < earlier.end:
                found.append(
                    Violation(
                        ids.OVERLAP,
                        f"{person.name}: {later.shift.name} on {later.assignment.day} starts before "
                        f"{earlier.shift.name} on {earlier.assignment.day} ends",
                        person.id,
                        later.assignment.day,
                    )
                )
    return found


def _ineligibility(ctx: CheckContext, pid: str, day: date, shift_id: str, post_id: str) -> str | None:
    program = ctx.program
    person = program.person.get(pid)
    if person is None:
        return f"unknown person {pid!r}"
    if day not in program.block:
        return f"{person.name}: {day} is outside the block"
    if shift_id not in program.shift or post_id not in program.post:
        return f"{person.name}: unknown shift {shift_id!r} or post {post_id!r} on {day}"
    if not program.may_work(person, post_id, shift_id, day):
        post = program.post[post_id]
        return (
            f"{person.name} ({person.grade.label}) may not work {program.shift[shift_id].name} "
            f"on {post.name} ({day})"
        )
    return None


def check_eligibility(ctx: CheckContext) -> list[Violation]:
    found = []
    for a in ctx.assignments:
        reason = _ineligibility(ctx, a.person_id, a.day, a.shift_id, a.post_id)
        if reason is not None:
            found.append(Violation(ids.ELIGIBILITY, reason, a.person_id, a.day))
    return found


def check_unavailable(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, work in _everyone(ctx):
        for item in work:
            day = item.assignment.day
            if person.unavailable(day):
                why = "on leave" if day in person.leave_dates else "on a fixed day off"
                found.append(
                    Violation(
                        ids.UNAVAILABLE,
                        f"{person.name} works {item.shift.name} on {day} while {why}",
                        person.id,
                        day,
                    )
                )
    return found


def check_succession(ctx: CheckContext) -> list[Violation]:
    forbidden = ctx.program.rules.forbidden_successions
    found = []
    for person, _ in _everyone(ctx):
        work = ctx.joined(person.id)
        by_day = {item.day: item for item in work}
        for item in work:
            following = by_day.get(item.day + 1)
            if following and following.in_block and (item.shift.id, following.shift.id) in forbidden:
                found.append(
                    Violation(
                        ids.SUCCESSION,
                        f"{person.name}: {following.shift.name} on "
                        f"{following.assignment.day} may not follow {item.shift.name}",
                        person.id,
                        following.assignment.day,
                    )
                )
    return found


def check_max_shifts(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, work in _everyone(ctx):
        counts = Counter(item.shift.id for item in work)
        for shift_id, cap in sorted(person.limits.max_shifts.items()):
            if counts[shift_id] > cap:
                found.append(
                    Violation(
                        ids.MAX_SHIFTS,
                        f"{person.name}: {counts[shift_id]} {shift_id} shifts; at most {cap}",
                        person.id,
                        measured=counts[shift_id],
                        limit=cap,
                    )
                )
    return found


def check_total_minutes(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, work in _everyone(ctx):
        total = sum(item.counted for item in work)
        low, high = person.limits.min_total_minutes, person.limits.max_total_minutes
        if low is not None and total < low:
            found.append(
                Violation(
                    ids.TOTAL_MINUTES,
                    f"{person.name}: {total} minutes in total; at least {low}",
                    person.id,
                    measured=total,
                    limit=low,
                )
            )
        if high is not None and total > high:
            found.append(
                Violation(
                    ids.TOTAL_MINUTES,
                    f"{person.name}: {total} minutes in total; at most {high}",
                    person.id,
                    measured=total,
                    limit=high,
                )
            )
    return found


def runs(flags: list[bool]) -> Iterator[tuple[int, int, bool]]:
    """Maximal runs of equal flags as (first index, length, flag)."""
    first = 0
    for index in range(1, len(flags) + 1):
        if index == len(flags) or flags[index] != flags[first]:
            yield first, index - first, flags[first]
            first = index


def _worked_flags(ctx: CheckContext, work: tuple[Work, ...]) -> list[bool]:
    """Whether the person worked each day from the history's first day to the block's last."""
    days = {item.day for item in work}
    return [d in days for d in range(-ctx.program.history_days, ctx.program.block.days)]


def check_consecutive(ctx: CheckContext) -> list[Violation]:
    """Maximum and minimum working runs and minimum runs off, with the boundary exemption.
    A run is the block's when it reaches into the block, or (for the minimums) when the block's
    first day is what ends it."""
    found = []
    before, last = ctx.program.history_days, ctx.program.block.days - 1
    for person, _ in _everyone(ctx):
        limits = person.limits
        for index, length, worked in runs(_worked_flags(ctx, ctx.joined(person.id))):
            first = index - before
            if first + length < 0:
                continue
            when = ctx.date_of(first)
            inner = index > 0 and first + length - 1 < last
            reaches_block = first + length > 0
            cap = limits.max_consecutive_work
            if worked and reaches_block and cap is not None and length > cap:
                found.append(
                    Violation(
                        ids.MAX_CONSECUTIVE,
                        f"{person.name}: {length} days in a row from {when}; at most {cap}",
                        person.id,
                        when,
                        length,
                        cap,
                    )
                )
            least = limits.min_consecutive_work if worked else limits.min_consecutive_off
            if inner and least is not None and length < least:
                rule = ids.MIN_CONSECUTIVE if worked else ids.MIN_DAYS_OFF
                what = "working" if worked else "off"
                found.append(
                    Violation(
                        rule,
                        f"{person.name}: only {length} days {what} from {when}; at least {least}",
                        person.id,
                        when,
                        length,
                        least,
                    )
                )
    return found


def weekends_worked(work: tuple[Work, ...]) -> set[date]:
    """The weekends (named by their Saturdays) with any work on them."""
    return {weekend_of(item.assignment.day) for item in work if is_weekend(item.assignment.day)}


def check_max_weekends(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, work in _everyone(ctx):
        cap, worked = person.limits.max_weekends, len(weekends_worked(work))
        if cap is not None and worked > cap:
            found.append(
                Violation(
                    ids.MAX_WEEKENDS,
                    f"{person.name}: {worked} weekends worked; at most {cap}",
                    person.id,
                    measured=worked,
                    limit=cap,
                )
            )
    return found


def check_conflicts(ctx: CheckContext) -> list[Violation]:
    found = []
    for conflict in ctx.program.conflicts:
        if not (ctx.in_scope(conflict.first) or ctx.in_scope(conflict.second)):
            continue
        for mine in ctx.joined(conflict.first):
            for theirs in ctx.joined(conflict.second):
                same_team = mine.post.team == theirs.post.team
                now = mine.in_block or theirs.in_block
                if now and same_team and mine.start < theirs.end and theirs.start < mine.end:
                    found.append(
                        Violation(
                            ids.CONFLICT,
                            f"{_name(ctx, conflict.first)} and {_name(ctx, conflict.second)} "
                            f"share the "
                            f"{mine.post.team} team on {mine.assignment.day} (declared conflict)",
                            conflict.first,
                            mine.assignment.day,
                            pair=(conflict.first, conflict.second),
                        )
                    )
    return found


def check_holidays(ctx: CheckContext) -> list[Violation]:
    """No resident works more than one of the year's named holidays, those worked earlier in the
    year (`Program.ledger`) included."""
    named = {h.day: h.name for h in ctx.program.holidays if h.day in ctx.program.block}
    found = []
    for person, work in _everyone(ctx):
        worked = sorted({item.assignment.day for item in work if item.assignment.day in named})
        before = ctx.program.ledger[person.id].holidays if person.id in ctx.program.ledger else 0
        if person.grade.is_resident and worked and before + len(worked) > 1:
            days = ", ".join(f"{named[d]} ({d})" for d in worked)
            earlier = f" after {before} earlier in the year" if before else ""
            found.append(
                Violation(
                    ids.HOLIDAYS,
                    f"{person.name} works {days}{earlier}; at most one named holiday a year",
                    person.id,
                    worked[-1],
                    measured=before + len(worked),
                    limit=1,
                )
            )
    return found


GENERAL_CHECKS: tuple[Callable[[CheckContext], list[Violation]], ...] = (
    check_one_shift_a_day,
    check_overlap,
    check_eligibility,
    check_unavailable,
    check_succession,
    check_max_shifts,
    check_total_minutes,
    check_consecutive,
    check_max_weekends,
    check_conflicts,
    check_holidays,
)
