"""The academic year's plan checked against the year's rules, independently of the solver.

One `Violation` per broken rule instance, with the person and the week's first day where it has
them; `solver.year` builds the same rules into CP-SAT, and a test holds every solved plan to
these checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from callroom.domain.program import Person, Program
from callroom.domain.year import Length, Year, YearPlan
from callroom.rules import ids
from callroom.rules.violations import Violation


def check_year_plan(program: Program, plan: YearPlan) -> list[Violation]:
    year = program.year
    if year is None:
        raise ValueError("the program has no academic year")
    found: list[Violation] = []
    for check in YEAR_CHECKS:
        found.extend(check(program, year, plan))
    return found


def _present(plan: YearPlan, person_id: str, week: int, rotations: tuple[str, ...] | str) -> bool:
    found = plan.at.get((person_id, week))
    wanted = (rotations,) if isinstance(rotations, str) else rotations
    return found is not None and not found.vacation and found.rotation_id in wanted


def _weeks(program: Program, year: Year, plan: YearPlan) -> Iterator[Violation]:
    known = {p.id for p in program.residents}
    for person in program.residents:
        weeks_in = frozenset(year.weeks_in(person.id))
        for w in range(year.weeks):
            placed = plan.at.get((person.id, w))
            if (placed is None) == (w in weeks_in):
                what = "no rotation" if placed is None else "a rotation while away (not joined, or on leave)"
                yield Violation(
                    ids.YEAR_WEEK,
                    f"{person.name} has {what} in the week of {year.week_start(w)}",
                    person.id,
                    year.week_start(w),
                )
            elif placed is not None and not (
                placed.rotation_id in year.rotation
                and program.may_rotate(person, year.rotation[placed.rotation_id])
            ):
                yield Violation(
                    ids.YEAR_ELIGIBLE,
                    f"{person.name} ({person.grade.label}) may not be on "
                    f"{placed.rotation_id} (week of {year.week_start(w)})",
                    person.id,
                    year.week_start(w),
                )
    for placed in plan.placements:
        if placed.person_id not in known:
            yield Violation(
                ids.YEAR_WEEK, f"{placed.person_id} is not a resident of the program", placed.person_id
            )


def _lengths(program: Program, year: Year, plan: YearPlan) -> Iterator[Violation]:
    for person in program.residents:
        for block in year.blocks:
            for w in block.week_indices:
                placed = plan.at.get((person.id, w))
                rotation = year.rotation.get(placed.rotation_id) if placed else None
                if rotation is None or rotation.length is Length.WEEK:
                    continue
                piece = [
                    v
                    for v in block.week_indices
                    if rotation.length is Length.BLOCK or block.half_of(v) == block.half_of(w)
                ]
                if any(
                    plan.rotation_on(person.id, v) != rotation.id
                    for v in piece
                    if v in year.weeks_in(person.id)
                ):
                    yield Violation(
                        ids.YEAR_LENGTH,
                        f"{person.name}: {rotation.name} is given in whole "
                        f"{rotation.length.value}s, but block {block.number} is split",
                        person.id,
                        year.week_start(block.first),
                    )
                    break


def _requirements(program: Program, year: Year, plan: YearPlan) -> Iterator[Violation]:
    for person in program.residents:
        for requirement in year.requirements:
            if person.grade not in requirement.grades:
                continue
            weeks = sum(_present(plan, person.id, w, requirement.rotation_ids) for w in range(year.weeks))
            low, high = requirement.min_weeks, requirement.max_weeks
            if weeks < low or (high is not None and weeks > high):
                bound = f"at least {low}" if weeks < low else f"at most {high}"
                yield Violation(
                    ids.YEAR_REQUIREMENT,
                    f"{person.name}: {weeks} weeks on {requirement.label}; {bound}",
                    person.id,
                    measured=weeks,
                    limit=low if weeks < low else high,
                )


def _complements(program: Program, year: Year, plan: YearPlan) -> Iterator[Violation]:
    for rotation in year.rotations:
        for complement in rotation.complement:
            cohort = [p.id for p in program.residents if p.grade in complement.grades]
            for w in range(year.weeks):
                here = sum(_present(plan, pid, w, rotation.id) for pid in cohort)
                high = complement.maximum
                if here < complement.minimum or (high is not None and here > high):
                    yield Violation(
                        ids.YEAR_COMPLEMENT,
                        f"{rotation.name} has {here} {complement.grades.label} "
                        f"in the week of {year.week_start(w)}; {complement.minimum} to "
                        f"{'any' if high is None else high}",
                        day=year.week_start(w),
                        measured=here,
                    )


def _vacation(program: Program, year: Year, plan: YearPlan) -> Iterator[Violation]:
    vacations = [p for p in plan.placements if p.vacation]
    for person in program.residents:
        due = year.vacation_due(person.id)
        taken = [p for p in vacations if p.person_id == person.id]
        if len(taken) != due:
            yield Violation(
                ids.YEAR_VACATION,
                f"{person.name} takes {len(taken)} vacation weeks; {due} are due",
                person.id,
                measured=len(taken),
                limit=due,
            )
        for placed in taken:
            rotation = year.rotation.get(placed.rotation_id)
            if rotation is not None and not rotation.vacation:
                yield Violation(
                    ids.YEAR_NO_LEAVE,
                    f"{person.name} is on vacation during {rotation.name} "
                    f"(week of {year.week_start(placed.week)}), which allows none",
                    person.id,
                    year.week_start(placed.week),
                )
    cap = year.vacation.max_off
    if cap is None:
        return
    off = Counter((p.rotation_id, p.week) for p in vacations)
    for rotation in year.rotations:
        for w in range(year.weeks):
            if off[rotation.id, w] > cap:
                yield Violation(
                    ids.YEAR_VACATION_CAP,
                    f"{off[rotation.id, w]} residents of {rotation.name} are on vacation "
                    f"in the week of {year.week_start(w)}; at most {cap}",
                    day=year.week_start(w),
                )


def _first_and_fixed(program: Program, year: Year, plan: YearPlan) -> Iterator[Violation]:
    for person in program.residents:
        for first in year.first:
            on = plan.rotation_on(person.id, 0)
            if person.grade in first.grades and year.joined_week(person.id) == 0 and on != first.rotation_id:
                yield Violation(
                    ids.YEAR_FIRST,
                    f"{person.name} starts the year on {on}, not {first.rotation_id}",
                    person.id,
                    year.start,
                )
        for fixed in year.wishes_of(person.id).fixed:
            for w in range(year.weeks):
                inside = fixed.start <= year.week_start(w) <= fixed.end
                if inside and plan.rotation_on(person.id, w) != fixed.rotation_id:
                    yield Violation(
                        ids.YEAR_FIXED,
                        f"{person.name} is fixed on {fixed.rotation_id} in the week of {year.week_start(w)}",
                        person.id,
                        year.week_start(w),
                    )


def _runs(program: Program, year: Year, plan: YearPlan) -> Iterator[Violation]:
    heavy = tuple(r.id for r in year.rotations if r.heavy)
    for person in program.residents:
        for rotation in year.rotations:
            if rotation.max_weeks_in_a_row is not None:
                yield from _run(
                    person,
                    year,
                    ids.YEAR_RUN,
                    rotation.name,
                    rotation.max_weeks_in_a_row,
                    [plan.rotation_on(person.id, w) == rotation.id for w in range(year.weeks)],
                )
        cap = year.max_heavy_weeks_in_a_row
        if cap is not None:
            yield from _run(
                person,
                year,
                ids.YEAR_HEAVY_RUN,
                "heavy rotations",
                cap,
                [plan.rotation_on(person.id, w) in heavy for w in range(year.weeks)],
            )


def _run(
    person: Person, year: Year, rule: ids.RuleId, what: str, cap: int, flags: list[bool]
) -> Iterator[Violation]:
    length = 0
    for w, on in enumerate([*flags, False]):
        if on:
            length += 1
            continue
        if length > cap:
            start = year.week_start(w - length)
            yield Violation(
                rule,
                f"{person.name}: {length} weeks in a row on {what} from {start}; at most {cap}",
                person.id,
                start,
                measured=length,
                limit=cap,
            )
        length = 0


def _conflicts(program: Program, year: Year, plan: YearPlan) -> Iterator[Violation]:
    for conflict in program.conflicts:
        for w in range(year.weeks):
            mine, theirs = plan.at.get((conflict.first, w)), plan.at.get((conflict.second, w))
            if mine is None or theirs is None or mine.vacation or theirs.vacation:
                continue
            rotation = year.rotation.get(mine.rotation_id)
            if rotation is not None and rotation.post_ids and mine.rotation_id == theirs.rotation_id:
                yield Violation(
                    ids.YEAR_CONFLICT,
                    f"{conflict.first} and {conflict.second} are both on {rotation.name} in the week of "
                    f"{year.week_start(w)} (declared conflict)",
                    conflict.first,
                    year.week_start(w),
                    pair=(conflict.first, conflict.second),
                )


YEAR_CHECKS: tuple[Callable[[Program, Year, YearPlan], Iterator[Violation]], ...] = (
    _weeks,
    _lengths,
    _requirements,
    _complements,
    _vacation,
    _first_and_fixed,
    _runs,
    _conflicts,
)
