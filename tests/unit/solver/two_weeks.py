"""One person over two weeks, and the run, day-off and weekend rules read straight from FORMAT.md:
small enough to check the constructor's tables and plans against every pattern of work."""

from __future__ import annotations

from itertools import groupby

from ortools.sat.python import cp_model

from callroom.formats.curtois import parse_instance
from callroom.solver.build.space import Space
from callroom.solver.heuristics.person_rules import PersonRules

DAYS = 14  # two weeks, Monday first: weekends are days 5-6 and 12-13


def one_person(
    max_run: int,
    min_run: int,
    min_off: int,
    weekends: int,
    off: set[int],
    band: tuple[int, int] = (0, DAYS * 480),
    shifts: dict[str, tuple[int, int]] | None = None,
) -> PersonRules:
    """One person over two weeks; `shifts` maps each shift type to its minutes and the person's
    cap on it (one 480-minute type, uncapped, when not given)."""
    shifts = shifts or {"D": (480, DAYS)}
    days_off = f"A,{','.join(map(str, sorted(off)))}" if off else ""
    caps = "|".join(f"{s}={cap}" for s, (_, cap) in shifts.items())
    text = (
        f"SECTION_HORIZON\n{DAYS}\n\nSECTION_SHIFTS\n"
        + "".join(f"{s},{minutes},\n" for s, (minutes, _) in shifts.items())
        + f"\nSECTION_STAFF\nA,{caps},{band[1]},{band[0]},{max_run},{min_run},{min_off},{weekends}\n\n"
        f"SECTION_DAYS_OFF\n{days_off}\n\nSECTION_COVER\n"
        + "".join(f"{d},{s},1,100,1\n" for d in range(DAYS) for s in shifts)
    )
    program = parse_instance(text)
    return PersonRules(Space.build(program, cp_model.CpModel()), 0, program.people[0])


def keeps_rules(
    pattern: tuple[int, ...], max_run: int, min_run: int, min_off: int, weekends: int, off: set[int]
) -> bool:
    """The rules read straight from FORMAT.md, as if a long rest came before the first day: a
    run ending on the last day is exempt from the minimums, and days off are never worked."""
    if any(pattern[d] for d in off):
        return False
    if (pattern[5] or pattern[6]) + (pattern[12] or pattern[13]) > weekends:
        return False
    runs = [(worked, len(list(days))) for worked, days in groupby(pattern)]
    for index, (worked, length) in enumerate(runs):
        last = index == len(runs) - 1
        if worked and (length > max_run or (length < min_run and not last)):
            return False
        if not worked and index > 0 and not last and length < min_off:
            return False
    return True
