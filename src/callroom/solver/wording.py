"""Conflicting guards in plain words, with the arithmetic when cover meets per-person limits.

"Neurosurgery night cover needs a PGY-3+ every night; only 2 are eligible and each may take at
most 9 in-house call nights in 28 days: 18 < 28."
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise

from callroom.domain.program import CoverDemand, CoverRequirement, Person, Program
from callroom.rules import ids
from callroom.rules.acgme import max_call_nights, required_free_days
from callroom.rules.cover import demand_days
from callroom.solver.guards import GuardKey

# A cover requirement named in the core, with every day it applies (the core may name only as
# many days as it takes to conflict; the sentence speaks of the whole demand).
CoverGroup = tuple[CoverDemand, CoverRequirement, list[date]]


def describe(program: Program, keys: list[GuardKey]) -> list[str]:
    groups = _cover_groups(program, keys)
    personal = [k for k in keys if k.person and k.rule != ids.CONFLICT.code]
    lines = ["No roster can meet all of these at once:"]
    lines += [f"- {_cover_sentence(program, g)}" for g in groups]
    lines += [f"- {_person_sentence(program, k)}" for k in personal]
    lines += [f"- {_other_sentence(program, k)}" for k in keys
              if k.rule != ids.COVER_MINIMUM.code and (not k.person or k.rule == ids.CONFLICT.code)]
    if len(groups) == 1:
        lines += _capacity(program, groups[0], personal)
    return lines


def _cover_groups(program: Program, keys: list[GuardKey]) -> list[CoverGroup]:
    dates: dict[tuple[str, int], list[date]] = defaultdict(list)
    for key in keys:
        if key.rule == ids.COVER_MINIMUM.code:
            demand_id, index, day = key.subject.split("|")
            dates[demand_id, int(index)].append(date.fromisoformat(day))
    demands = {d.id: d for d in program.demands}
    return [(demands[d], demands[d].requirements[r], demand_days(program, demands[d]))
            for (d, r) in dates]


def _cover_sentence(program: Program, group: CoverGroup) -> str:
    demand, need, days = group
    post, shift = program.post[demand.post_id], program.shift[demand.shift_id]
    who = _eligible(program, demand, need)
    names = ", ".join(p.name for p in who) or "nobody"
    return (f"{post.name} ({shift.name}) needs at least {need.minimum} {need.grades.label} "
            f"{_when(program, days)}; eligible: {names}.")


def _eligible(program: Program, demand: CoverDemand, need: CoverRequirement) -> list[Person]:
    return [p for p in program.people if p.grade in need.grades
            and program.may_work(p, demand.post_id, demand.shift_id)]


def _when(program: Program, days: list[date]) -> str:
    if len(days) == program.block.days:
        return f"every day of the block ({len(days)} days)"
    if len(days) == 1:
        return f"on {days[0]}"
    if all(b - a == timedelta(days=1) for a, b in pairwise(days)):
        return f"every day from {days[0]} to {days[-1]} ({len(days)} days)"
    return f"on {len(days)} days ({', '.join(d.strftime('%b %d') for d in days)})"


def _person_sentence(program: Program, key: GuardKey) -> str:
    person = program.person[key.person]
    limits = program.rules.limits_for(person)
    available = sum(1 for d in program.block.dates() if d not in person.leave_dates)
    name, rule = person.name, ids.BY_CODE[key.rule]
    if key.rule == ids.CALL_FREQUENCY.code and limits:
        return (f"{name} may take at most {max_call_nights(available, limits)} in-house call "
                f"nights in {available} days (every {_nth(limits.call_every_nth_night)} night, "
                f"ACGME {rule.citation}).")
    if key.rule == ids.WEEKLY_HOURS.code and limits:
        return (f"{name} may work at most {limits.weekly_hours} hours a week averaged over "
                f"{available} days (ACGME {rule.citation}).")
    if key.rule == ids.FREE_DAYS.code and limits:
        return (f"{name} needs {required_free_days(available, limits)} free days in {available} "
                f"(ACGME {rule.citation}).")
    if key.rule == ids.UNAVAILABLE.code:
        kind, _, span = key.subject.partition(":")
        return f"{name} is {'on leave' if kind == 'leave' else 'off (fixed day off)'} {span}."
    if key.rule == ids.MAX_SHIFTS.code:
        cap = person.limits.max_shifts.get(key.subject)
        return f"{name} may work at most {cap} {program.shift[key.subject].name} shifts."
    return f"{name}: {rule.cited}."


def _nth(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth"}.get(n, f"{n}th")


def _other_sentence(program: Program, key: GuardKey) -> str:
    if key.rule == ids.CONFLICT.code:
        first, second = program.person[key.person], program.person[key.subject]
        return f"{first.name} and {second.name} must never share a team (declared conflict)."
    if key.rule == ids.COVER_MAXIMUM.code:
        demand_id, _, day = key.subject.split("|")
        return f"Cover {demand_id} has a hard maximum on {day}."
    return ids.BY_CODE[key.rule].cited + "."


def _capacity(program: Program, group: CoverGroup, personal: list[GuardKey]) -> list[str]:
    """When per-person limits are what starve the cover, say so with the sum."""
    demand, need, days = group
    limited = {k.person for k in personal}
    who = [p for p in _eligible(program, demand, need) if p.id in limited]
    if not who or len(who) != len(_eligible(program, demand, need)):
        return []
    caps = [_personal_cap(program, p, demand, days, personal) for p in who]
    needed = need.minimum * len(days)
    if sum(caps) >= needed:
        return []
    total = " + ".join(str(c) for c in caps)
    return [f"Together the {len(who)} eligible can take at most {total} = {sum(caps)} of the "
            f"{needed} needed: {sum(caps)} < {needed}."]


def _personal_cap(program: Program, person: Person, demand: CoverDemand, days: list[date],
                  personal: list[GuardKey]) -> int:
    shift = program.shift[demand.shift_id]
    limits = program.rules.limits_for(person)
    available = sum(1 for d in program.block.dates() if d not in person.leave_dates)
    cap = sum(1 for d in days if not person.unavailable(d))
    for key in (k for k in personal if k.person == person.id):
        if key.rule == ids.CALL_FREQUENCY.code and limits and shift.is_in_house_call:
            cap = min(cap, max_call_nights(available, limits))
        elif key.rule == ids.MAX_SHIFTS.code and key.subject == shift.id:
            cap = min(cap, person.limits.max_shifts.get(shift.id, cap))
        elif key.rule == ids.WEEKLY_HOURS.code and limits and shift.counted_minutes:
            budget = limits.weekly_hours * 60 * available // 7
            cap = min(cap, budget // shift.counted_minutes)
    return cap
