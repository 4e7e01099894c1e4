"""Benchmark: duty hours as worked. Prints a table with

- compliance over a full academic year (13 four-week blocks from 2026-06-29) of logged hours
  for 80 residents: every ACGME check on hours as worked, block by block, plus the rolling
  early warning (goal: 2 s for the whole year);
- the what-if answer on the demo roster (St. Elsewhere, solved once here): median and p99 over
  many random "resident X takes shift S on post P on day D", first on the roster alone, then
  with the first two weeks of the block logged (goal: 50 ms per answer).

    .venv/bin/python bench/hours.py [--whatifs 300] [--solve-time 10] [--seed 0]

Pure functions only (`rules.worked.compliance`, `rules.whatif.whatif`): no database, so the
figures are the checking itself. The logged year is seeded random: 5 weekdays of 10-14 hours,
a 24-hour call every fourth night for about half the residents, some home-call work from home
and moonlighting, and a week of leave per resident every 13 weeks.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from callroom.domain.grades import Grade
from callroom.domain.program import Block, Hospital, Leave, Person, Post, Program, Service
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.domain.wallclock import to_utc
from callroom.domain.worklog import LoggedPeriod, WorkKind
from callroom.rules.worked import compliance

YEAR_START = date(2026, 6, 29)  # a Monday
ZONE = ZoneInfo("America/New_York")
SHIFTS = (
    ShiftType("day", "Day", clock(7), 12 * 60, ShiftKind.DAY, 12 * 60),
    ShiftType("call", "Call", clock(7), 24 * 60, ShiftKind.IN_HOUSE_CALL, 24 * 60),
    ShiftType("home", "Home call", clock(17), 14 * 60, ShiftKind.HOME_CALL, 120),
)


def year_program(residents: int, seed: int) -> Program:
    rng = random.Random(seed)
    people = []
    for i in range(residents):
        leave_start = YEAR_START + timedelta(days=7 * rng.randrange(52))
        people.append(
            Person(
                f"r{i:03d}",
                f"Resident {i}",
                Grade(1 + i % 5),
                ("ward",),
                leave=(Leave(leave_start, leave_start + timedelta(days=6)),),
            )
        )
    return Program(
        Hospital("Bench General", "America/New_York"),
        Block(YEAR_START, 28),
        (Service("gs", "General surgery"),),
        SHIFTS,
        (Post("ward", "Ward", "gs", ("day", "call", "home"), "gs"),),
        (),
        tuple(people),
    )


def _at(day: date, hour: float) -> datetime:
    return to_utc(datetime.combine(day, clock()) + timedelta(hours=hour), ZONE)


def year_of_logs(program: Program, seed: int) -> list[LoggedPeriod]:
    rng = random.Random(seed)
    periods: list[LoggedPeriod] = []
    for person in program.people:
        calls = rng.random() < 0.5
        for offset in range(364):
            day = YEAR_START + timedelta(days=offset)
            if day in person.leave_dates:
                continue
            periods += _day(rng, person.id, day, calls and offset % 4 == 0)
    return periods


def _day(rng: random.Random, pid: str, day: date, call: bool) -> list[LoggedPeriod]:
    if call:
        return [
            LoggedPeriod(
                pid, _at(day, 7), _at(day, 31 + rng.choice((0, 0, 1, 2))), WorkKind.IN_HOUSE, "call", "ward"
            )
        ]
    if day.weekday() >= 5:
        if rng.random() < 0.1:
            return [LoggedPeriod(pid, _at(day, 20), _at(day, 21.5), WorkKind.FROM_HOME, "home")]
        if rng.random() < 0.03:
            return [LoggedPeriod(pid, _at(day, 8), _at(day, 16), WorkKind.MOONLIGHTING_EXTERNAL)]
        return []
    return [
        LoggedPeriod(
            pid, _at(day, 6.5), _at(day, 6.5 + rng.uniform(10, 14)), WorkKind.IN_HOUSE, "day", "ward"
        )
    ]


def bench_year(residents: int, seed: int) -> tuple[int, int, int, float, float]:
    program = year_program(residents, seed)
    periods = year_of_logs(program, seed)
    started, used = time.perf_counter(), time.process_time()
    reports = compliance(program, periods, range(1, 14))
    wall, cpu = time.perf_counter() - started, time.process_time() - used
    return (
        len(periods),
        sum(len(r.violations) for r in reports),
        sum(len(r.warnings) for r in reports),
        wall,
        cpu,
    )


def demo_roster(solve_time: float) -> tuple[Program, Roster]:
    from callroom.demo import demo_program_path
    from callroom.formats.program_file import load_program
    from callroom.solver.run import SolveOptions, solve

    program = load_program(demo_program_path())
    solution = solve(program, SolveOptions(solve_time, 2, 0, True))
    assert solution.roster is not None, "the demo did not solve"
    return program, solution.roster


def logged_as_scheduled(program: Program, roster: Roster, days: int, seed: int) -> list[LoggedPeriod]:
    """The first `days` of the block logged from the roster, each period 0-2 hours longer."""
    from callroom.domain.timeline import Timeline

    rng = random.Random(seed)
    timeline = Timeline(program)
    logged = []
    for a in roster.assignments:
        shift = program.shift[a.shift_id]
        if (a.day - program.block.start).days >= days or shift.kind is ShiftKind.HOME_CALL:
            continue
        interval = timeline.interval(a.day, a.shift_id)
        extra = timedelta(minutes=rng.choice((0, 0, 30, 60, 120)))
        logged.append(
            LoggedPeriod(
                a.person_id, interval.start, interval.end + extra, WorkKind.IN_HOUSE, a.shift_id, a.post_id
            )
        )
    return logged


def bench_whatif(
    program: Program, roster: Roster, count: int, seed: int, logged: list[LoggedPeriod], after_day: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each answer (CPU time says more on a busy machine)."""
    from callroom.rules.whatif import whatif

    rng = random.Random(seed)
    residents = [p for p in program.people if program.rules.limits_for(p) is not None]
    by_person: dict[str, list[LoggedPeriod]] = {}
    for period in logged:
        by_person.setdefault(period.person_id, []).append(period)
    wall, cpu = [], []
    for _ in range(count):
        person = rng.choice(residents)
        post, shift = rng.choice(program.options(person))
        day = program.block.start + timedelta(days=rng.randrange(after_day, program.block.days))
        mine = by_person.get(person.id, [])
        started, used = time.perf_counter(), time.process_time()
        whatif(program, roster, Assignment(person.id, day, shift, post), mine)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return wall, cpu


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=80)
    parser.add_argument("--whatifs", type=int, default=300)
    parser.add_argument("--solve-time", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    periods, violations, warnings, year_s, year_cpu = bench_year(args.residents, args.seed)
    program, roster = demo_roster(args.solve_time)
    plain = bench_whatif(program, roster, args.whatifs, args.seed, [], 0)
    logged = logged_as_scheduled(program, roster, 14, args.seed)
    mixed = bench_whatif(program, roster, args.whatifs, args.seed + 1, logged, 14)

    print(f"duty hours bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, seed {args.seed}")
    print(f"{'measure':<60}{'wall':>10}{'cpu':>10}{'goal':>8}")
    year = f"year compliance: {args.residents} residents, 13 blocks, {periods} periods"
    print(f"{year:<60}{year_s:>8.3f} s{year_cpu:>8.3f} s{'2 s':>8}")
    print(f"{'  violations / early warnings found':<60}{f'{violations} / {warnings}':>20}")
    for label, (wall, cpu) in (
        ("what-if, demo roster", plain),
        (f"what-if, days 1-14 logged ({len(logged)} periods)", mixed),
    ):
        for name, pick in ((f"median of {len(wall)}", statistics.median), ("p99", _p99)):
            print(
                f"{f'{label}: {name}':<60}{pick(wall) * 1000:>7.1f} ms{pick(cpu) * 1000:>7.1f} ms{'50 ms':>8}"
            )


if __name__ == "__main__":
    main()
