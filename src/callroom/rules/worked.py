"""Duty hours as worked: the ACGME checkers run on logged periods instead of the roster.

Logged periods are placed on the same timeline as rostered shifts (`Work` items in a
`CheckContext` built with `placed=`), so the very checkers that judge a roster judge the hours
actually worked: averages by block with leave out of numerator and denominator, 24 + 4
continuous, 14 hours after 24 hours of in-house call, every third night, one day in seven.

What counts as whose:
- a period belongs to the block day on which it starts (hospital time), like a rostered shift;
- a period linked to a scheduled shift keeps that shift's kind (an in-house call night counts
  toward call frequency) and, when it lasted its nominal length give or take the DST hour, its
  nominal duration, so a call worked in full on the spring-forward night (23 elapsed hours)
  still earns the 14 hours' rest;
- an unlinked period is day work; clinical work from home is home-call work (not in-house);
- a period's post is the linked post when given; otherwise a post that takes no new patients,
  because a log cannot say whether new patients were taken (the transition rule then stays
  silent rather than accuse), while 24 + 4 and rest still apply;
- home call on the roster is kept as availability that counts no hours: ACGME forbids home call
  on a free day even when no call comes, and the work done from home is logged separately.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from callroom.domain.grades import Grade
from callroom.domain.program import Block, Post, Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.domain.timeline import Timeline
from callroom.domain.worklog import LoggedPeriod, WorkKind
from callroom.rules import ids
from callroom.rules.acgme import ACGME_CHECKS, check_rolling_window, hours_text
from callroom.rules.context import CheckContext, Work
from callroom.rules.violations import Violation

LOGGED_POST = Post("logged", "Logged work", "", (), "", new_patients=False)
DST_SLACK_MINUTES = 60
BLOCK_CHECKS = tuple(check for check in ACGME_CHECKS if check is not check_rolling_window)


def local_day(timeline: Timeline, period: LoggedPeriod) -> date:
    """The hospital's calendar date on which the period starts."""
    return period.start.astimezone(timeline.zone).date()


def place(timeline: Timeline, period: LoggedPeriod) -> Work | None:
    """The period as a `Work` item of the timeline's block; None when it starts outside it."""
    program = timeline.program
    day = local_day(timeline, period)
    if day not in program.block:
        return None
    shift = _shift(program.shift.get(period.shift_id or ""), period.kind, period.minutes)
    post = program.post.get(period.post_id or "", LOGGED_POST)
    return Work(
        Assignment(period.person_id, day, shift.id, post.id),
        shift,
        post,
        (day - program.block.start).days,
        timeline.offset(period.start),
        timeline.offset(period.end),
    )


@lru_cache(maxsize=4096)
def _shift(linked: ShiftType | None, kind: WorkKind, elapsed: int) -> ShiftType:
    """A shift type describing a period, counted in full (its elapsed minutes). Cached: a year
    of logs has a few thousand distinct (shift, kind, length) combinations, not tens of
    thousands."""
    shift_kind = ShiftKind.HOME_CALL if kind is WorkKind.FROM_HOME else ShiftKind.DAY
    if linked is None:
        return ShiftType(f"logged:{kind}", kind.label, time(0), elapsed, shift_kind, elapsed)
    if shift_kind is not ShiftKind.HOME_CALL and linked.kind is not ShiftKind.HOME_CALL:
        shift_kind = linked.kind
    nominal = linked.duration_minutes
    duration = nominal if abs(elapsed - nominal) <= DST_SLACK_MINUTES else elapsed
    # counted == duration: `ShiftType.counted` then gives the elapsed minutes actually logged.
    return ShiftType(linked.id, linked.name, linked.start, duration, shift_kind, duration)


def home_call_markers(ctx: CheckContext, person_id: str) -> list[Work]:
    """The person's rostered home call as availability that counts no hours."""
    return [
        replace(item, shift=replace(item.shift, counted_minutes=0))
        for item in ctx.work.get(person_id, ())
        if item.shift.kind is ShiftKind.HOME_CALL and item.shift.duration_minutes > 0
    ]


def worked_context(
    program: Program,
    periods: Iterable[LoggedPeriod],
    roster: Roster | None = None,
    scope: frozenset[str] | None = None,
) -> CheckContext:
    """A context whose work is the logged periods (plus rostered home call as availability)."""
    return placed_context(program, worked_work(program, periods, roster, scope), scope)


def worked_work(
    program: Program,
    periods: Iterable[LoggedPeriod],
    roster: Roster | None = None,
    scope: frozenset[str] | None = None,
) -> dict[str, list[Work]]:
    """Each person's logged periods placed in the program's block, plus rostered home call."""
    timeline = Timeline(program)
    placed: dict[str, list[Work]] = defaultdict(list)
    for period in periods:
        work = place(timeline, period)
        if work is not None:
            placed[period.person_id].append(work)
    if roster is not None:
        scheduled = CheckContext(program, roster, scope)
        for person in scheduled.people:
            placed[person.id] += home_call_markers(scheduled, person.id)
    return placed


def placed_context(
    program: Program, placed: Mapping[str, list[Work]], scope: frozenset[str] | None
) -> CheckContext:
    return CheckContext(program, Roster(()), scope, placed={k: tuple(v) for k, v in placed.items()})


def check_worked(
    program: Program,
    periods: Iterable[LoggedPeriod],
    roster: Roster | None = None,
    scope: frozenset[str] | None = None,
) -> list[Violation]:
    """Every ACGME violation in the hours as logged, averaged over the program's block."""
    logged = list(periods)
    ctx = worked_context(program, logged, roster, scope)
    return [violation for check in BLOCK_CHECKS for violation in check(ctx)] + check_moonlighting(ctx, logged)


MOONLIGHTING_KINDS = frozenset({WorkKind.MOONLIGHTING_INTERNAL, WorkKind.MOONLIGHTING_EXTERNAL})


def check_moonlighting(ctx: CheckContext, periods: Iterable[LoggedPeriod]) -> list[Violation]:
    """ACGME VI.F.5: PGY-1 residents may not moonlight. The hours still count toward the 80; a
    roster never holds moonlighting, so this rule exists on hours as worked only."""
    timeline, found = ctx.timeline, []
    for period in periods:
        person = ctx.program.person.get(period.person_id)
        day = local_day(timeline, period)
        if (
            person is None
            or period.kind not in MOONLIGHTING_KINDS
            or not ctx.in_scope(person.id)
            or person.grade is not Grade.PGY1
            or ctx.program.rules.limits_for(person) is None
            or day not in ctx.program.block
        ):
            continue
        found.append(
            Violation(
                ids.MOONLIGHTING,
                f"{person.name} (PGY-1): {period.kind.label} on {day}, {hours_text(period.minutes)}",
                person.id,
                day,
            )
        )
    return found


def early_warnings(
    program: Program,
    periods: Iterable[LoggedPeriod],
    roster: Roster | None = None,
    scope: frozenset[str] | None = None,
) -> list[Violation]:
    """The rolling 28-day early warning for every window that ends inside the block, including
    those that reach back into the previous block (the official averages never cross blocks)."""
    size = program.rules.limits.rolling_window_days
    reach = Block(program.block.start - timedelta(days=size - 1), program.block.days + size - 1)
    ctx = worked_context(replace(program, block=reach), periods, roster, scope)
    return check_rolling_window(ctx)


@dataclass(frozen=True)
class BlockReport:
    """One block's compliance on hours as worked. `number` counts blocks from 1."""

    number: int
    block: Block
    violations: tuple[Violation, ...]
    warnings: tuple[Violation, ...]

    @property
    def label(self) -> str:
        return f"block {self.number} ({self.block.start} to {self.block.end})"


def nth_block(program: Program, number: int) -> Program:
    """The program with its block moved to the `number`-th block of the same length (1: its own
    block, 2: the next one...). An academic year is 13 four-week blocks."""
    days = program.block.days
    start = program.block.start + timedelta(days=days * (number - 1))
    return replace(program, block=Block(start, days))


def compliance(
    program: Program, periods: Sequence[LoggedPeriod], numbers: Iterable[int], roster: Roster | None = None
) -> list[BlockReport]:
    """Block-by-block compliance of the logged periods, each block with its early warnings. The
    roster (for home call) applies to the program's own block only. Each period is placed on
    its block's timeline once; the early-warning windows reuse those placements, moved."""
    wanted = list(numbers)
    by_block = _bucket(program, periods)
    back = _blocks_back(program)
    needed = {n for k in wanted for n in range(k - back, k + 1)}
    placed = {
        n: worked_work(nth_block(program, n), by_block.get(n, []), roster if n == 1 else None) for n in needed
    }
    reports = []
    for number in wanted:
        moved = nth_block(program, number)
        ctx = placed_context(moved, placed[number], None)
        found = [violation for check in BLOCK_CHECKS for violation in check(ctx)]
        found += check_moonlighting(ctx, by_block.get(number, []))
        warnings = check_rolling_window(_reach(program, number, back, placed))
        reports.append(BlockReport(number, moved.block, tuple(found), tuple(warnings)))
    return reports


def _blocks_back(program: Program) -> int:
    """How many earlier blocks a rolling window ending in a block can reach into."""
    return -(-(program.rules.limits.rolling_window_days - 1) // program.block.days)


def _reach(
    program: Program, number: int, back: int, placed: Mapping[int, Mapping[str, list[Work]]]
) -> CheckContext:
    """Block `number` widened back by the rolling window, holding the work placed in it and
    the blocks before, moved onto the wider block's timeline (minutes and day indices shift by
    a constant, DST included, since both count elapsed time from a local midnight)."""
    moved = nth_block(program, number)
    size = moved.rules.limits.rolling_window_days
    reach = replace(
        moved, block=Block(moved.block.start - timedelta(days=size - 1), moved.block.days + size - 1)
    )
    origin = Timeline(reach)
    shifted: dict[str, list[Work]] = defaultdict(list)
    for n in range(number - back, number + 1):
        source = nth_block(program, n)
        minutes = origin.offset(Timeline(source).origin)
        days = (source.block.start - reach.block.start).days
        for pid, items in placed[n].items():
            shifted[pid] += [
                Work(w.assignment, w.shift, w.post, w.day + days, w.start + minutes, w.end + minutes)
                for w in items
                if 0 <= w.day + days < reach.block.days
            ]
    return placed_context(reach, shifted, None)


def block_number(program: Program, day: date) -> int:
    """The number of the block (of the program's length) holding `day`; 1 is the program's own."""
    return (day - program.block.start).days // program.block.days + 1


def _bucket(program: Program, periods: Iterable[LoggedPeriod]) -> dict[int, list[LoggedPeriod]]:
    """Periods by the number of the block (of the program's length) their local start falls in."""
    zone = ZoneInfo(program.hospital.timezone)
    grouped: dict[int, list[LoggedPeriod]] = defaultdict(list)
    for period in periods:
        grouped[block_number(program, period.start.astimezone(zone).date())].append(period)
    return grouped


@dataclass(frozen=True)
class WeekHours:
    """One resident's week of the block: scheduled and worked minutes, and worked by kind."""

    person_id: str
    week_start: date
    scheduled_minutes: int
    worked_minutes: int
    by_kind: Mapping[WorkKind, int]

    @property
    def difference_minutes(self) -> int:
        """Worked minus scheduled: positive when the week ran over the schedule."""
        return self.worked_minutes - self.scheduled_minutes


def weekly_hours(
    program: Program,
    periods: Iterable[LoggedPeriod],
    roster: Roster | None = None,
    people: Iterable[str] | None = None,
) -> list[WeekHours]:
    """Worked against scheduled minutes per person and 7-day week of the block (weeks start on
    the block's first day), for every resident (or the people named). Scheduled minutes are the
    roster's counted minutes (home call as the program counts it); worked are logged minutes."""
    wanted = (
        set(people)
        if people is not None
        else {p.id for p in program.people if program.rules.limits_for(p) is not None}
    )
    weeks = -(-program.block.days // 7)
    worked = _worked_by_week(program, periods, wanted)
    scheduled = _scheduled_by_week(program, roster, wanted)
    return [
        WeekHours(
            pid,
            program.block.start + timedelta(days=7 * week),
            scheduled.get((pid, week), 0),
            sum(worked.get((pid, week), {}).values()),
            dict(worked.get((pid, week), {})),
        )
        for pid in sorted(wanted)
        for week in range(weeks)
    ]


def blocks_weekly_hours(
    program: Program,
    periods: Iterable[LoggedPeriod],
    numbers: Iterable[int],
    roster: Roster | None = None,
    people: Iterable[str] | None = None,
) -> list[WeekHours]:
    """`weekly_hours` of each block numbered (1: the program's own, 2: the next...), in the order
    given. The roster is the program's own block's, so later blocks schedule nothing."""
    logged, named = list(periods), None if people is None else list(people)
    return [
        week
        for number in numbers
        for week in weekly_hours(nth_block(program, number), logged, roster if number == 1 else None, named)
    ]


def _worked_by_week(
    program: Program, periods: Iterable[LoggedPeriod], wanted: set[str]
) -> dict[tuple[str, int], dict[WorkKind, int]]:
    timeline = Timeline(program)
    found: dict[tuple[str, int], dict[WorkKind, int]] = defaultdict(lambda: defaultdict(int))
    for period in periods:
        day = local_day(timeline, period)
        if period.person_id in wanted and day in program.block:
            found[period.person_id, program.block.index(day) // 7][period.kind] += period.minutes
    return found


def _scheduled_by_week(
    program: Program, roster: Roster | None, wanted: set[str]
) -> dict[tuple[str, int], int]:
    found: dict[tuple[str, int], int] = defaultdict(int)
    if roster is None:
        return found
    ctx = CheckContext(program, roster, frozenset(wanted))
    for pid in wanted:
        for item in ctx.work.get(pid, ()):
            found[pid, item.day // 7] += item.counted
    return found


def is_acgme(violation: Violation) -> bool:
    return violation.rule.code.startswith("acgme.")
