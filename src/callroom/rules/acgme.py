"""ACGME §VI.F clinical and educational work-hour rules, checked on a roster.

Averages are taken over the block (ACGME averages by rotation, never rolling), with leave days
removed from both numerator and denominator. The limits that carry across a boundary (24 + 4
continuous, 14 hours after call, the 8-hour advisory, nights in a row, free days) are judged on
the block with its history (`CheckContext.joined`), and a breach is reported when it involves
the block's own work. Each check applies to residents only, with the limits of their rotation
(`RuleProfile.limits_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

from callroom.domain.program import AcgmeLimits, Person
from callroom.rules import ids
from callroom.rules.context import CheckContext, Work
from callroom.rules.periods import Period, continuous_periods, gaps, needs_rest_after
from callroom.rules.violations import Violation

DAY = 24 * 60


def _residents(ctx: CheckContext) -> Iterator[tuple[Person, AcgmeLimits, tuple[Work, ...]]]:
    for person in ctx.people:
        limits = ctx.program.rules.limits_for(person)
        if limits is not None:
            yield person, limits, ctx.work[person.id]


def hours_text(minutes: float) -> str:
    """Minutes as "7 h 59 min" or "24 h": never rounded up to a figure that would pass a rule."""
    whole = int(minutes)
    hours, rest = divmod(whole, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def check_weekly_hours(ctx: CheckContext) -> list[Violation]:
    """Counted minutes × 7 must not exceed the weekly limit × available days."""
    found = []
    for person, limits, work in _residents(ctx):
        available = ctx.available_days(person)
        total = sum(item.counted for item in work)
        if available and total * 7 > limits.weekly_hours * 60 * available:
            average = total * 7 / available / 60
            budget = limits.weekly_hours * 60 * available // 7
            found.append(
                Violation(
                    ids.WEEKLY_HOURS,
                    f"{person.name}: {average:.2f} h/week averaged over the block ({hours_text(total)} "
                    f"worked in {available} days off leave; budget {hours_text(budget)}); "
                    f"limit {limits.weekly_hours}",
                    person.id,
                    measured=average,
                    limit=limits.weekly_hours,
                )
            )
    return found


def free_days(ctx: CheckContext, person: Person) -> int:
    """Whole 24-hour periods free of all work (home call included) and not on leave."""
    busy = [(item.start, item.end) for item in ctx.joined(person.id)] + ctx.leave_spans(person)
    return sum(gap // DAY for gap in gaps(busy, 0, ctx.horizon))


def required_free_days(available: int, limits: AcgmeLimits) -> int:
    """One day in seven, averaged: the smallest count with free × 7 ≥ available days."""
    return -(-available * limits.free_days_per_seven // 7)


def check_free_days(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, limits, _ in _residents(ctx):
        available = ctx.available_days(person)
        have, need = free_days(ctx, person), required_free_days(available, limits)
        if have < need:
            found.append(
                Violation(
                    ids.FREE_DAYS,
                    f"{person.name}: {have} free days (24 hours free of all work, home call included) "
                    f"in {available} days off leave; at least {need} needed",
                    person.id,
                    measured=have,
                    limit=need,
                )
            )
    return found


def _periods(ctx: CheckContext, person: Person) -> list[Period]:
    """The person's continuous periods, history included, that hold work of the block."""
    return [p for p in continuous_periods(ctx.joined(person.id)) if p.items[-1].in_block]


def check_continuous_hours(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, limits, _ in _residents(ctx):
        cap = (limits.max_continuous_hours + limits.transition_hours) * 60
        for period in _periods(ctx, person):
            if period.minutes > cap:
                first = period.items[0].assignment.day
                found.append(
                    Violation(
                        ids.CONTINUOUS_HOURS,
                        f"{person.name}: {hours_text(period.minutes)} continuous from {first}; "
                        f"limit {limits.max_continuous_hours} + {limits.transition_hours} transition",
                        person.id,
                        first,
                        measured=period.minutes / 60,
                        limit=cap / 60,
                    )
                )
    return found


def check_transition(ctx: CheckContext) -> list[Violation]:
    """No new patients in the transition hours: no shift on a new-patient post, added after the
    period's first shift, may run past 24 hours of continuous work. (The first shift's own tail,
    such as the 25th hour of a call on the fall-back night, is its handover.)"""
    found = []
    for person, limits, _ in _residents(ctx):
        for period in _periods(ctx, person):
            cutoff = period.start + limits.max_continuous_hours * 60
            for item in period.items[1:]:
                if item.in_block and item.end > cutoff and item.post.new_patients:
                    found.append(
                        Violation(
                            ids.TRANSITION,
                            f"{person.name}: {item.post.name} ({item.shift.name}) on "
                            f"{item.assignment.day} runs to {hours_text(item.end - period.start)} of "
                            f"continuous work and takes new patients",
                            person.id,
                            item.assignment.day,
                            measured=(item.end - period.start) / 60,
                            limit=limits.max_continuous_hours,
                        )
                    )
    return found


def check_rest_after_call(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, limits, _ in _residents(ctx):
        rest = limits.rest_after_call_hours * 60
        work = ctx.joined(person.id)
        for period in continuous_periods(work):
            if not needs_rest_after(period, limits):
                continue
            after = [item for item in work if item.start >= period.end]
            if after and after[0].in_block and after[0].start - period.end < rest:
                found.append(
                    Violation(
                        ids.REST_AFTER_CALL,
                        f"{person.name}: {hours_text(after[0].start - period.end)} free after "
                        f"{hours_text(period.minutes)} of in-house work ending "
                        f"{ctx.local_date(period.end)}; at least {limits.rest_after_call_hours} h",
                        person.id,
                        after[0].assignment.day,
                        measured=(after[0].start - period.end) / 60,
                        limit=limits.rest_after_call_hours,
                    )
                )
    return found


def call_nights(work: tuple[Work, ...]) -> int:
    return sum(1 for item in work if item.shift.is_in_house_call)


def max_call_nights(available: int, limits: AcgmeLimits) -> int:
    """Every third night, averaged: the largest count with calls × 3 ≤ available days."""
    return available // limits.call_every_nth_night


def check_call_frequency(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, limits, work in _residents(ctx):
        available = ctx.available_days(person)
        calls, cap = call_nights(work), max_call_nights(available, limits)
        if calls > cap:
            found.append(
                Violation(
                    ids.CALL_FREQUENCY,
                    f"{person.name}: {calls} in-house call nights in {available} days off leave; "
                    f"at most {cap} (every {_ordinal(limits.call_every_nth_night)} night)",
                    person.id,
                    measured=calls,
                    limit=cap,
                )
            )
    return found


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth"}.get(n, f"{n}th")


def short_rests(ctx: CheckContext, person: Person, limits: AcgmeLimits) -> list[tuple[Work, int]]:
    """Each in-house shift of the block that starts less than the advised rest after the
    previous period (which may lie in the history)."""
    periods = continuous_periods(ctx.joined(person.id))
    return [
        (later.items[0], later.start - earlier.end)
        for earlier, later in pairwise(periods)
        if later.items[0].in_block and later.start - earlier.end < limits.min_rest_hours * 60
    ]


def check_short_rest(ctx: CheckContext) -> list[Violation]:
    """Advisory ("should"): fewer than 8 hours between in-house work periods."""
    found = []
    for person, limits, _ in _residents(ctx):
        for item, rest in short_rests(ctx, person, limits):
            found.append(
                Violation(
                    ids.SHORT_REST,
                    f"{person.name}: {hours_text(rest)} off before {item.shift.name} on "
                    f"{item.assignment.day}; {limits.min_rest_hours} h advised",
                    person.id,
                    item.assignment.day,
                    measured=rest / 60,
                    limit=limits.min_rest_hours,
                )
            )
    return found


def check_night_float(ctx: CheckContext) -> list[Violation]:
    found = []
    for person, limits, _ in _residents(ctx):
        cap = limits.night_float_max_nights
        if cap is None:
            continue
        nights = {item.day for item in ctx.joined(person.id) if item.shift.is_night}
        for first, length in _runs(nights):
            if length > cap and first + length > 0:
                found.append(
                    Violation(
                        ids.NIGHT_FLOAT,
                        f"{person.name}: {length} consecutive nights from "
                        f"{ctx.date_of(first)}; at most {cap}",
                        person.id,
                        ctx.date_of(first),
                        measured=length,
                        limit=cap,
                    )
                )
    return found


def _runs(days: set[int]) -> Iterator[tuple[int, int]]:
    """Maximal runs of consecutive day indices as (first, length)."""
    for day in sorted(days):
        if day - 1 not in days:
            length = 1
            while day + length in days:
                length += 1
            yield day, length


def check_rolling_window(ctx: CheckContext) -> list[Violation]:
    """Early warning, not the official check: in a block longer than the rolling window, the
    worst window of that many days for each person whose hours or calls there would break the
    limits. (ACGME averages by rotation; a heavy fortnight straddling two halves of a long block
    still deserves a look.)"""
    found = []
    days = ctx.program.block.days
    for person, limits, work in _residents(ctx):
        size = limits.rolling_window_days
        if days <= size:
            continue
        windows = _windows(ctx, person, work, size)
        # The window furthest over its budget: counted minutes x 7 against limit x days.
        worst = max(windows, key=lambda w: w[1] * 7 - limits.weekly_hours * 60 * w[0])
        available, minutes, _, first = worst
        if available and minutes * 7 > limits.weekly_hours * 60 * available:
            found.append(
                _early_warning(
                    ctx,
                    person,
                    first,
                    size,
                    f"{minutes * 7 / available / 60:.2f} h/week",
                    limits.weekly_hours,
                )
            )
        busiest = max(windows, key=lambda w: w[2] * limits.call_every_nth_night - w[0])
        if busiest[2] > max_call_nights(busiest[0], limits):
            found.append(
                _early_warning(
                    ctx,
                    person,
                    busiest[3],
                    size,
                    f"{busiest[2]} call nights",
                    max_call_nights(busiest[0], limits),
                )
            )
    return found


def _windows(
    ctx: CheckContext, person: Person, work: tuple[Work, ...], size: int
) -> list[tuple[int, int, int, int]]:
    """(days off leave, counted minutes, call nights, first day) of every window of `size` days,
    from running totals per day: a year of logged hours has hundreds of windows per person."""
    days = ctx.program.block.days
    available, minutes, calls = [0] * (days + 1), [0] * (days + 1), [0] * (days + 1)
    per_day_minutes, per_day_calls = [0] * days, [0] * days
    for item in work:
        per_day_minutes[item.day] += item.counted
        per_day_calls[item.day] += item.shift.is_in_house_call
    for index, day in enumerate(ctx.program.block.dates()):
        available[index + 1] = available[index] + (day not in person.leave_dates)
        minutes[index + 1] = minutes[index] + per_day_minutes[index]
        calls[index + 1] = calls[index] + per_day_calls[index]
    return [
        (
            available[first + size] - available[first],
            minutes[first + size] - minutes[first],
            calls[first + size] - calls[first],
            first,
        )
        for first in range(days - size + 1)
    ]


def _early_warning(
    ctx: CheckContext, person: Person, first: int, size: int, what: str, limit: int
) -> Violation:
    start = ctx.program.block.dates()[first]
    return Violation(
        ids.ROLLING_WINDOW,
        f"{person.name}: {what} in the {size} days from {start} "
        f"(limit {limit}); early warning, not the official block average",
        person.id,
        start,
        limit=limit,
    )


ACGME_CHECKS: tuple[Callable[[CheckContext], list[Violation]], ...] = (
    check_weekly_hours,
    check_free_days,
    check_continuous_hours,
    check_transition,
    check_rest_after_call,
    check_call_frequency,
    check_short_rest,
    check_night_float,
    check_rolling_window,
)
