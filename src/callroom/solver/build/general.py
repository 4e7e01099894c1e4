"""CP-SAT builders for the general rostering rules (mirrors callroom.rules.general)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr
from ortools.sat.python.cp_model_helper import Literal

from callroom.domain.absence import ApprovedAbsence
from callroom.domain.days import is_weekend, weekend_of
from callroom.domain.program import Person
from callroom.rules import ids
from callroom.solver.build.guards import GuardKey, Guards
from callroom.solver.build.space import Item, Space, weighted


def add_unavailable(space: Space, guard: Guards) -> None:
    """Leave and fixed days off are facts: nothing is worked on them."""
    for p, person in enumerate(space.program.people):
        for d, day in enumerate(space.program.block.dates()):
            if person.unavailable(day):
                key = unavailable_key(person, day)
                space.model.add(space.works[p][d] == 0).only_enforce_if(guard(key))


def unavailable_key(person: Person, day: date) -> GuardKey:
    """The fact that keeps the person off that day: one per leave entry, one per fixed day off."""
    for entry in person.leave:
        if entry.start <= day <= entry.end:
            return GuardKey.of(ids.UNAVAILABLE, person.id, f"leave:{entry.start}..{entry.end}")
    return GuardKey.of(ids.UNAVAILABLE, person.id, f"day-off:{day.isoformat()}")


def add_absences(space: Space, guard: Guards) -> None:
    """Approved absences are facts: no shift overlapping one is worked (rules.absences)."""
    for p, person in enumerate(space.program.people):
        for absence in space.program.absences_of.get(person.id, ()):
            start, end = space.timeline.offset(absence.start), space.timeline.offset(absence.end)
            ruled_out = [i.var for i in space.person_items(p) if i.start < end and start < i.end]
            key = guard(absence_key(absence)) if ruled_out else []
            for var in ruled_out:
                space.model.add(var == 0).only_enforce_if(key)


def absence_key(absence: ApprovedAbsence) -> GuardKey:
    """The fact that keeps the person off those shifts: one per approved absence."""
    return GuardKey.of(
        ids.ABSENCE, absence.person_id, f"absence:{absence.start.isoformat()}..{absence.end.isoformat()}"
    )


def add_succession(space: Space, guard: Guards) -> None:
    forbidden = space.program.rules.forbidden_successions
    if not forbidden:
        return
    # Shifts that forbid the same next-day shifts share one constraint a day: with at most one
    # shift a day, "one of these today and one of those tomorrow" is a single sum <= 1.
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for first in sorted({a for a, _ in forbidden}):
        groups[frozenset(b for a, b in forbidden if a == first)].append(first)
    for p, person in enumerate(space.program.people):
        key = guard(GuardKey.of(ids.SUCCESSION, person.id))
        for today, tomorrow in pairwise(space.by_shift[p]):
            for seconds, firsts in groups.items():
                before = [v for s in firsts for v in today.get(s, ())]
                _at_most_one(space, key, before, [v for s in seconds for v in tomorrow.get(s, ())])
        # The history's last day binds the block's first.
        for item in space.past[p] if space.program.block.days else ():
            if item.day == -1:
                ruled_out = {b for a, b in forbidden if a == item.shift.id}
                for var in space.on_shifts(p, 0, ruled_out):
                    space.model.add(var == 0).only_enforce_if(key)


def _at_most_one(
    space: Space, key: list[cp_model.IntVar], before: list[cp_model.IntVar], after: list[cp_model.IntVar]
) -> None:
    if not (before and after):
        return
    if key:  # at-most-one constraints take no enforcement literal; guarded ones go linear
        space.model.add(LinearExpr.sum(before + after) <= 1).only_enforce_if(key)
    else:
        space.model.add_at_most_one(before + after)


def add_max_shifts(space: Space, guard: Guards) -> None:
    for p, person in enumerate(space.program.people):
        for shift_id, cap in person.limits.max_shifts.items():
            worked = [v for d in range(space.program.block.days) for v in space.on_shifts(p, d, [shift_id])]
            if worked and cap < len(worked):
                key = guard(GuardKey.of(ids.MAX_SHIFTS, person.id, shift_id))
                space.model.add(LinearExpr.sum(worked) <= cap).only_enforce_if(key)


def add_total_minutes(space: Space, guard: Guards) -> None:
    for p, person in enumerate(space.program.people):
        low, high = person.limits.min_total_minutes, person.limits.max_total_minutes
        if low is None and high is None:
            continue
        total = weighted(space.person_items(p))
        key = guard(GuardKey.of(ids.TOTAL_MINUTES, person.id))
        if low is not None:
            space.model.add(total >= low).only_enforce_if(key)
        if high is not None:
            space.model.add(total <= high).only_enforce_if(key)


def add_max_consecutive(space: Space, guard: Guards) -> None:
    for p, person in enumerate(space.program.people):
        cap = person.limits.max_consecutive_work
        days = [*space.past_flags(p, _any), *space.works[p]]
        if cap is None or cap >= len(days):
            continue
        key = guard(GuardKey.of(ids.MAX_CONSECUTIVE, person.id))
        for first in range(max(0, space.program.history_days - cap), len(days) - cap):
            window = days[first : first + cap + 1]
            fixed = sum(1 for d in window if d is True)
            worked = [d for d in window if not isinstance(d, bool)]
            space.model.add(LinearExpr.sum(worked) <= cap - fixed).only_enforce_if(key)


def _any(_: Item) -> bool:
    return True


def add_min_runs(space: Space, guard: Guards) -> None:
    """Minimum working runs and minimum runs off. A run touching either end of the block is
    exempt, so only runs with a day of the other kind on both sides are forbidden."""
    for p, person in enumerate(space.program.people):
        works: list[Literal | bool] = [*space.past_flags(p, _any), *space.works[p]]
        work_min, off_min = person.limits.min_consecutive_work, person.limits.min_consecutive_off
        if work_min is not None and work_min > 1:
            key = guard(GuardKey.of(ids.MIN_CONSECUTIVE, person.id))
            _forbid_short_runs(space, works, work_min, key)
        if off_min is not None and off_min > 1:
            key = guard(GuardKey.of(ids.MIN_DAYS_OFF, person.id))
            _forbid_short_runs(space, [_negated(w) for w in works], off_min, key)


def _negated(day: Literal | bool) -> Literal | bool:
    return not day if isinstance(day, bool) else day.Not()


def _forbid_short_runs(
    space: Space, inside: Sequence[Literal | bool], minimum: int, key: list[cp_model.IntVar]
) -> None:
    """For every run [first, first + length) shorter than `minimum` with both neighbours known
    (in the block or its history) and reaching into the block: not (neighbour outside the run,
    every day inside, neighbour outside). History days are constants, folded into the clause."""
    for length in range(1, minimum):
        for first in range(max(1, space.program.history_days - length), len(inside) - length):
            clause = [
                inside[first - 1],
                *map(_negated, inside[first : first + length]),
                inside[first + length],
            ]
            if any(lit is True for lit in clause):
                continue
            literals = [lit for lit in clause if not isinstance(lit, bool)]
            space.model.add_bool_or(literals).only_enforce_if(key)


def weekend_vars(space: Space, p: int) -> list[cp_model.IntVar]:
    """One Boolean per weekend (Saturday with its Sunday): worked if either day is."""
    days_by_weekend: dict[date, list[int]] = defaultdict(list)
    for d, day in enumerate(space.program.block.dates()):
        if is_weekend(day):
            days_by_weekend[weekend_of(day)].append(d)
    worked = []
    for key, days in sorted(days_by_weekend.items()):
        var = space.model.new_bool_var(f"weekend_{p}_{key}")
        space.model.add_max_equality(var, [space.works[p][d] for d in days])
        worked.append(var)
    return worked


def add_max_weekends(space: Space, guard: Guards, weekends: list[list[cp_model.IntVar]]) -> None:
    for p, person in enumerate(space.program.people):
        cap = person.limits.max_weekends
        if cap is not None and cap < len(weekends[p]):
            key = guard(GuardKey.of(ids.MAX_WEEKENDS, person.id))
            space.model.add(sum(weekends[p]) <= cap).only_enforce_if(key)


def add_holidays(space: Space, guard: Guards) -> None:
    """Residents work at most one of the year's named holidays, counting those already worked."""
    block = space.program.block
    days = [block.index(h.day) for h in space.program.holidays if h.day in block]
    for p, person in enumerate(space.program.people) if days else ():
        tally = space.program.ledger.get(person.id)
        room = 1 - (tally.holidays if tally else 0)
        worked = [space.works[p][d] for d in days]
        if person.grade.is_resident and len(worked) > room:
            key = guard(GuardKey.of(ids.HOLIDAYS, person.id))
            space.model.add(LinearExpr.sum(worked) <= max(room, 0)).only_enforce_if(key)


def add_conflicts(space: Space, guard: Guards) -> None:
    """Two people in a declared conflict never hold posts of one team at overlapping times,
    nor does one take a shift of the team the other is still on from before the block."""
    index = {person.id: p for p, person in enumerate(space.program.people)}
    for conflict in space.program.conflicts:
        first, second = index.get(conflict.first), index.get(conflict.second)
        if first is None or second is None:
            continue
        key = guard(GuardKey.of(ids.CONFLICT, conflict.first, conflict.second))
        _apart_in_the_block(space, first, second, key)
        _apart_from_the_history(space, first, second, key)


def _apart_in_the_block(space: Space, first: int, second: int, key: list[cp_model.IntVar]) -> None:
    for mine in space.person_items(first):
        for d in space.near(mine.day):
            for theirs in space.items[second][d]:
                if _clash(mine, theirs):
                    space.model.add_bool_or([mine.var.Not(), theirs.var.Not()]).only_enforce_if(key)


def _apart_from_the_history(space: Space, first: int, second: int, key: list[cp_model.IntVar]) -> None:
    for before, now in ((first, second), (second, first)):
        for held in space.past[before]:
            for item in space.person_items(now) if held.end > 0 else ():
                if _clash(held, item):
                    space.model.add(item.var == 0).only_enforce_if(key)


def _clash(one: Item, other: Item) -> bool:
    return one.post.team == other.post.team and one.start < other.end and other.start < one.end


def add_overlap(space: Space) -> None:
    """A person's shifts never overlap in time (a 25-hour call and the next morning's clinic).
    Which shifts clash depends only on the days and shift times, so it is worked out once."""
    days = space.program.block.days
    for d in range(days):
        for later in range(d + 1, min(days, d + space.reach + 1)):
            clashes = _clashes(space, d, later)
            for p in range(len(space.program.people)) if clashes else ():
                for shift_id, clashing in clashes.items():
                    _at_most_one(
                        space, [], space.on_shifts(p, d, [shift_id]), space.on_shifts(p, later, clashing)
                    )
    # Work carried over from the history rules out what would start before it ends.
    for p, past in enumerate(space.past):
        for held in past:
            for item in space.person_items(p) if held.end > 0 else ():
                if item.start < held.end:
                    space.model.add(item.var == 0)


def _clashes(space: Space, day: int, later: int) -> dict[str, list[str]]:
    ids_ = [s.id for s in space.program.shift_types]
    found = {
        s: [t for t in ids_ if space.timeline.span(later, t)[0] < space.timeline.span(day, s)[1]]
        for s in ids_
    }
    return {s: clashing for s, clashing in found.items() if clashing}
