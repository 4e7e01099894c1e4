"""A block's call and shift program, made from the year program and its plan.

Nobody writes a block program by hand: each resident's rotation week by week gives the posts they
may work on each date of the block (`Person.post_dates` where the rotation changes mid-block),
the ACGME limits that apply (the rotation they spend most of the block on), their vacation as
leave, and nothing at all before they join. Attendings keep the posts the year file gives them.
The previous block's roster becomes the history the rules carrying across the seam look back on.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from callroom.domain.days import is_weekend, weekend_of
from callroom.domain.program import Block, History, Leave, Person, Program, Tally
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind
from callroom.domain.year import Year, YearBlock, YearPlan

BLOCK_NAME = re.compile(r"(.+)/block-(\d+)")
"""A block's roster is stored as a program of its own, named after its year and its number."""


def block_name(year_name: str, number: int) -> str:
    return f"{blocks_of(year_name)}{number:02d}"


def blocks_of(year_name: str) -> str:
    """What the names of the year's block programs begin with."""
    return f"{year_name}/block-"


def block_span(year: Year, number: int) -> Block:
    """The dates of block `number` (KeyError when the year has no such block)."""
    found = year.block(number)
    start = year.week_start(found.first)
    end = year.week_end(found.first + found.weeks - 1)
    return Block(start, (end - start).days + 1)


def block_on(year: Year, day: date) -> int:
    """The number of the block holding `day` (ValueError outside the year)."""
    return year.block_of_week[year.week_of(day)].number


def block_program(
    program: Program,
    plan: YearPlan,
    number: int,
    before: Roster | None = None,
    earlier: Sequence[Roster] = (),
) -> Program:
    """Block `number` of the year program, with `before` (the previous block's roster) as its
    history and `earlier` (the rosters of the year's blocks before it) as its ledger."""
    year = program.year
    if year is None:
        raise ValueError("the program has no academic year")
    block = block_span(year, number)
    weeks = year.block(number)
    people = tuple(_person(program, year, plan, weeks, block, p) for p in program.people)
    # A first block with no roster before it looks back on the year file's own `history`.
    history = program.history if number == 1 else None
    if before is not None and before.assignments:
        # The previous block's own start; for a first block, the previous year's roster as far
        # back as it goes.
        start = block_span(year, number - 1).start if number > 1 else min(a.day for a in before.assignments)
        # Only who and what the year knows: last year's graduates are nobody's concern here.
        kept = (a for a in before.assignments if start <= a.day < block.start and _known(program, a))
        history = History(start, tuple(kept))
    # Each rotation a resident is on keeps its limits (the program's own where it names none),
    # so the block file made from the year knows every resident's rotation.
    on = {p.rotation for p in people if p.rotation}
    limits = {r: program.rules.rotation_limits.get(r, program.rules.limits) for r in sorted(on)}
    return dataclasses.replace(
        program,
        block=block,
        people=people,
        rules=dataclasses.replace(program.rules, rotation_limits=limits),
        ledger=year_to_date(program, earlier),
        year=None,
        history=history,
        absences=tuple(
            a for a in program.absences if a.end.date() >= block.start and a.start.date() <= block.end
        ),
    )


def _person(
    program: Program, year: Year, plan: YearPlan, weeks: YearBlock, block: Block, person: Person
) -> Person:
    inside = _within(person, block)
    if not person.grade.is_resident:
        return inside
    rotations = {w: plan.rotation_on(person.id, w) for w in weeks.week_indices}
    post_dates: dict[str, set[date]] = {}
    away: set[date] = set()
    vacation: list[Leave] = []
    for w, rotation_id in rotations.items():
        days = _days(year, w)
        if rotation_id is None:  # not yet joined
            away.update(days)
            continue
        for post_id in program.rotation_posts(person, year.rotation[rotation_id]):
            post_dates.setdefault(post_id, set()).update(days)
        placement = plan.at[person.id, w]
        if placement.vacation:
            vacation.append(Leave(days[0], days[-1], "vacation"))
    main = Counter(r for r in rotations.values() if r is not None).most_common(1)
    every_day = frozenset(block.dates())
    return dataclasses.replace(
        inside,
        post_ids=tuple(post_dates),
        post_dates={p: frozenset(d) for p, d in post_dates.items() if frozenset(d) != every_day},
        rotation=main[0][0] if main else None,
        leave=inside.leave + tuple(vacation),
        days_off=inside.days_off | frozenset(away),
    )


def year_to_date(program: Program, rosters: Sequence[Roster]) -> dict[str, Tally]:
    """Each resident's nights, weekends worked, in-house calls and named holidays worked in these
    rosters (weekends counted per roster, as each block's fairness counts them)."""
    named = {h.day for h in program.holidays}
    counts: dict[str, Counter[str]] = {p.id: Counter() for p in program.people if p.grade.is_resident}
    for roster in rosters:
        weekends: dict[str, set[date]] = {}
        for a in roster.assignments:
            shift = program.shift.get(a.shift_id)
            if a.person_id not in counts or shift is None:
                continue
            counts[a.person_id]["nights"] += shift.kind is ShiftKind.NIGHT
            counts[a.person_id]["calls"] += shift.kind is ShiftKind.IN_HOUSE_CALL
            counts[a.person_id]["holidays"] += a.day in named
            if is_weekend(a.day):
                weekends.setdefault(a.person_id, set()).add(weekend_of(a.day))
        for person_id, worked in weekends.items():
            counts[person_id]["weekends"] += len(worked)
    return {pid: Tally(**c) for pid, c in counts.items() if c}


def _known(program: Program, assignment: Assignment) -> bool:
    return (
        assignment.person_id in program.person
        and assignment.post_id in program.post
        and assignment.shift_id in program.shift
    )


def _days(year: Year, week: int) -> list[date]:
    first, last = year.week_start(week), year.week_end(week)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _within(person: Person, block: Block) -> Person:
    """The person's dated facts that touch the block: leave, days off and requests."""
    return dataclasses.replace(
        person,
        leave=tuple(item for item in person.leave if item.end >= block.start and item.start <= block.end),
        days_off=frozenset(d for d in person.days_off if d in block),
        requests=tuple(r for r in person.requests if r.day in block),
    )
