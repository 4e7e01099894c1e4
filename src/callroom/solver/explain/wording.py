"""Conflicting guards in plain words: the cover they starve, each person's rule with its
numbers, and for the 24 + 4 rule the pair of shifts that would break it, in elapsed hours.

(When cover simply outstrips what the eligible people can give, capacity says so with the sum
before any search: "Ann Lee 9 + Raj Patel 9 = 18 of the 28 needed".)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise

from callroom.domain.program import AcgmeLimits, CoverDemand, CoverRequirement, Person, Program
from callroom.domain.shifts import ShiftType
from callroom.domain.timeline import Timeline
from callroom.rules import ids
from callroom.rules.absences import absence_words
from callroom.rules.acgme import hours_text, max_call_nights, required_free_days
from callroom.rules.cover import demand_days
from callroom.solver.build.general import absence_key
from callroom.solver.build.guards import GuardKey

# A cover requirement named in the core, with every day it applies (the core may name only as
# many days as it takes to conflict; the sentence speaks of the whole demand).
CoverGroup = tuple[CoverDemand, CoverRequirement, list[date]]


def describe(program: Program, keys: list[GuardKey]) -> list[str]:
    groups = _cover_groups(program, keys)
    personal = [k for k in keys if k.person and k.rule != ids.CONFLICT.code]
    lines = ["No roster can meet all of these at once:"]
    lines += [f"- {cover_sentence(program, *g)}" for g in groups]
    lines += [f"- {_person_sentence(program, k, groups)}" for k in personal]
    lines += [
        f"- {_other_sentence(program, k)}"
        for k in keys
        if k.rule != ids.COVER_MINIMUM.code and (not k.person or k.rule == ids.CONFLICT.code)
    ]
    return lines


def _cover_groups(program: Program, keys: list[GuardKey]) -> list[CoverGroup]:
    dates: dict[tuple[str, int], list[date]] = defaultdict(list)
    for key in keys:
        if key.rule == ids.COVER_MINIMUM.code and key.slot is not None:
            dates[key.slot.demand_id, key.slot.requirement].append(key.slot.day)
    demands = {d.id: d for d in program.demands}
    return [(demands[d], demands[d].requirements[r], demand_days(program, demands[d])) for (d, r) in dates]


def cover_sentence(program: Program, demand: CoverDemand, need: CoverRequirement, days: list[date]) -> str:
    """ "<post> (<shift>) needs at least N <grades> <when>; eligible: <names>."."""
    post, shift = program.post[demand.post_id], program.shift[demand.shift_id]
    who = eligible(program, demand, need)
    names = ", ".join(p.name for p in who) or "nobody"
    return (
        f"{post.name} ({shift.name}) needs at least {need.minimum} {need.grades.label} "
        f"{_when(program, days)}; eligible: {names}."
    )


def eligible(program: Program, demand: CoverDemand, need: CoverRequirement) -> list[Person]:
    """Everyone whose grade the requirement counts and who may work its post and shift."""
    return [
        p
        for p in program.people
        if p.grade in need.grades and program.may_work(p, demand.post_id, demand.shift_id)
    ]


def _when(program: Program, days: list[date]) -> str:
    if len(days) == program.block.days:
        return f"every day of the block ({len(days)} days)"
    if len(days) == 1:
        return f"on {days[0]}"
    if all(b - a == timedelta(days=1) for a, b in pairwise(days)):
        return f"every day from {days[0]} to {days[-1]} ({len(days)} days)"
    return f"on {len(days)} days ({', '.join(d.strftime('%b %d') for d in days)})"


def _person_sentence(program: Program, key: GuardKey, groups: list[CoverGroup]) -> str:
    person = program.person[key.person]
    limits = program.rules.limits_for(person)
    available = sum(1 for d in program.block.dates() if d not in person.leave_dates)
    name, rule = person.name, ids.BY_CODE[key.rule]
    if limits is not None and key.rule in _ACGME_SENTENCES:
        return _ACGME_SENTENCES[key.rule](name, limits, available)
    if limits is not None and rule is ids.CONTINUOUS_HOURS:
        return continuous_sentence(program, person, limits, groups)
    if rule is ids.ABSENCE:
        return _absence_sentence(program, key)
    if rule is ids.UNAVAILABLE:
        kind, _, span = key.subject.partition(":")
        return f"{name} is {'on leave' if kind == 'leave' else 'off (fixed day off)'} {span}."
    if rule is ids.MAX_SHIFTS:
        cap = person.limits.max_shifts.get(key.subject)
        return f"{name} may work at most {cap} {program.shift[key.subject].name} shifts."
    return f"{name}: {rule.cited}."


def _absence_sentence(program: Program, key: GuardKey) -> str:
    """The approved absence the key stands for, in words."""
    found = [a for a in program.absences_of.get(key.person, ()) if absence_key(a) == key]
    if not found:
        return f"{program.person[key.person].name} is absent (approved)."
    return "; ".join(absence_words(program, a) for a in found) + "."


_ACGME_SENTENCES: dict[str, Callable[[str, AcgmeLimits, int], str]] = {
    ids.CALL_FREQUENCY.code: lambda name, limits, available: (
        f"{name} may take at most {max_call_nights(available, limits)} in-house call nights in "
        f"{available} days (every {nth(limits.call_every_nth_night)} night, ACGME "
        f"{ids.CALL_FREQUENCY.citation})."
    ),
    ids.WEEKLY_HOURS.code: lambda name, limits, available: (
        f"{name} may work at most {limits.weekly_hours} hours a week averaged over {available} days "
        f"(ACGME {ids.WEEKLY_HOURS.citation})."
    ),
    ids.FREE_DAYS.code: lambda name, limits, available: (
        f"{name} needs {required_free_days(available, limits)} free days in {available} "
        f"(ACGME {ids.FREE_DAYS.citation})."
    ),
}


def continuous_sentence(
    program: Program, person: Person, limits: AcgmeLimits, groups: list[CoverGroup]
) -> str:
    """The 24 + 4 rule for a person, citing the first back-to-back pair of shifts on the cover's
    days that would break it, in elapsed hours (a 25-hour call on the fall-back night plus 4 is
    29 hours, not 28)."""
    cap = (limits.max_continuous_hours + limits.transition_hours) * 60
    rule = ids.CONTINUOUS_HOURS
    limit = (
        f"more than {limits.max_continuous_hours} + {limits.transition_hours} hours "
        f"(ACGME {rule.citation} / {rule.citation_2025})"
    )
    pair = _first_long_pair(program, person, cap, groups)
    if pair is None:
        return (
            f"{person.name} may work at most {limits.max_continuous_hours} hours continuous plus "
            f"{limits.transition_hours} of transition (ACGME {rule.citation} / {rule.citation_2025})."
        )
    (day, first, first_len), (then, second, second_len) = pair
    stretched = [
        f"{shift.name} on {d} lasts {hours_text(length)} across the clock change"
        for d, shift, length in ((day, first, first_len), (then, second, second_len))
        if length != shift.duration_minutes
    ]
    dst = f" ({'; '.join(stretched)})" if stretched else ""
    return (
        f"{person.name} may not work {first.name} on {day} and then {second.name} on {then}: "
        f"{hours_text(first_len + second_len)} continuous{dst}, {limit}."
    )


Held = tuple[date, ShiftType, int]  # a shift held on a day, with its elapsed minutes


def _first_long_pair(
    program: Program, person: Person, cap: int, groups: list[CoverGroup]
) -> tuple[Held, Held] | None:
    """Back to back (the second starts as the first ends), in-house and longer than `cap` in
    all: the first such pair that is on the cover's posts and days, else the first that
    touches them."""
    timeline, dates = Timeline(program), program.block.dates()
    wanted = {(day, g[0].post_id, g[0].shift_id) for g in groups for day in g[2]}
    options = [o for o in program.options(person) if program.shift[o[1]].in_house]
    found: list[tuple[int, Held, Held]] = []
    for d in sorted({program.block.index(day) for day, _, _ in wanted}):
        for first, second in ((a, b) for a in options for b in options if d + 1 < len(dates)):
            hits = len({(dates[d], *first), (dates[d + 1], *second)} & wanted)
            (s1, e1), (s2, e2) = timeline.span(d, first[1]), timeline.span(d + 1, second[1])
            if hits and s2 == e1 and e2 - s1 > cap:
                found.append(
                    (
                        -hits,
                        (dates[d], program.shift[first[1]], e1 - s1),
                        (dates[d + 1], program.shift[second[1]], e2 - s2),
                    )
                )
    best = min(found, key=lambda f: f[0], default=None)
    return None if best is None else (best[1], best[2])


def nth(n: int) -> str:
    """2 -> "second", 3 -> "third", ..."""
    return {2: "second", 3: "third", 4: "fourth"}.get(n, f"{n}th")


def _other_sentence(program: Program, key: GuardKey) -> str:
    if key.rule == ids.CONFLICT.code:
        first, second = program.person[key.person], program.person[key.subject]
        return f"{first.name} and {second.name} must never share a team (declared conflict)."
    if key.rule == ids.COVER_MAXIMUM.code and key.slot is not None:
        return f"Cover {key.slot.demand_id} has a hard maximum on {key.slot.day}."
    return ids.BY_CODE[key.rule].cited + "."
