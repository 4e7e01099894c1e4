"""Benchmark: changes to the demo's planned year, each re-planned with the fewest changed weeks.

    .venv/bin/python bench/year_replan.py [--year-seconds 30] [--seconds 60] [--start 2026-07-01]

The demo year (callroom.demo.year) is planned once; then, each on its own from that plan and
from the middle of the year (week 24):
- `leave`: six weeks of parental leave for the first intern, from week 26;
- `swap`: the first two interns trade rotations for block 8, as two fixed entries;
- `joiner`: a new PGY-2 joins at week 30;
- `long leave`: the second intern away from week 34 to the year's end (requirements out of reach).
For each: the changed resident-weeks, whether the count is proven minimal (and when), the
extensions of training named, the year checks broken other than those extensions, and seconds.
Results also go to bench/results/year_replan.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from callroom.demo import demo_program_path
from callroom.demo.year import demo_year
from callroom.domain.grades import Grade
from callroom.domain.program import Leave, Person, Program
from callroom.domain.year import Fixed, YearPlan
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import load_program, parse_program
from callroom.rules import ids
from callroom.rules.year import check_year_plan
from callroom.solver.run import SolveOptions
from callroom.solver.year.replan import replan_year
from callroom.solver.year.run import solve_year

RESULTS = Path(__file__).parent / "results" / "year_replan.json"
FROM_WEEK = 24


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year-seconds", type=float, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 7, 1))
    args = parser.parse_args()
    program = _reparsed(demo_year(load_program(demo_program_path()), args.start))
    planned = solve_year(program, SolveOptions(args.year_seconds, 2, 0, deterministic=False))
    assert planned.plan is not None, planned.explanation
    report = {}
    for name, change in CHANGES.items():
        changed = _reparsed(change(program, planned.plan))
        started = time.monotonic()
        replanned = replan_year(
            changed, planned.plan, FROM_WEEK, SolveOptions(args.seconds, 2, 0, deterministic=False)
        )
        plan = replanned.solution.plan
        broken = [] if plan is None else check_year_plan(changed, plan)
        report[name] = {
            "status": replanned.solution.status.value,
            "why_none": None if plan is not None else str(replanned.solution.explanation),
            "changed_weeks": len(replanned.changes),
            "minimum_proven": replanned.minimum_proven,
            "change_bound": replanned.change_bound,
            "extensions": [(e.person_id, e.requirement.label, e.short) for e in replanned.extensions],
            "other_breaches": len([v for v in broken if v.rule != ids.YEAR_REQUIREMENT]),
            "proof_s": None if replanned.proof_s is None else round(replanned.proof_s, 1),
            "seconds": round(time.monotonic() - started, 1),
        }
        print(name, report[name], flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))


def _reparsed(program: Program) -> Program:
    return parse_program(dump_program(program), "year.yaml")


def _first(program: Program, grade: Grade, skip: int = 0) -> Person:
    return [p for p in program.residents if p.grade == grade][skip]


def _with_person(program: Program, person: Person) -> Program:
    people = tuple(person if p.id == person.id else p for p in program.people)
    return dataclasses.replace(program, people=people)


def _with_wishes(program: Program, person_id: str, **changes: object) -> Program:
    assert program.year is not None
    wishes = dataclasses.replace(program.year.wishes_of(person_id), **changes)  # type: ignore[arg-type]
    year = dataclasses.replace(program.year, wishes={**program.year.wishes, person_id: wishes})
    return dataclasses.replace(program, year=year)


def _leave(program: Program, person: Person, first: int, last: int, kind: str) -> Program:
    assert program.year is not None
    leave = Leave(program.year.week_start(first), program.year.week_end(last), kind)
    return _with_person(program, dataclasses.replace(person, leave=(*person.leave, leave)))


def parental_leave(program: Program, plan: YearPlan) -> Program:
    return _leave(program, _first(program, Grade.PGY1), 26, 31, "parental")


def long_leave(program: Program, plan: YearPlan) -> Program:
    assert program.year is not None
    return _leave(program, _first(program, Grade.PGY1, 1), 34, program.year.weeks - 1, "medical")


def swap(program: Program, plan: YearPlan) -> Program:
    assert program.year is not None
    weeks = program.year.block(8).week_indices
    one, two = _first(program, Grade.PGY1), _first(program, Grade.PGY1, 1)
    start, end = program.year.week_start(weeks.start), program.year.week_end(weeks[-1])
    for person, other in ((one, two), (two, one)):
        rotation = plan.rotation_on(other.id, weeks.start)
        assert rotation is not None
        fixed = (*program.year.wishes_of(person.id).fixed, Fixed(rotation, start, end))
        program = _with_wishes(program, person.id, fixed=fixed)
    return program


def joiner(program: Program, plan: YearPlan) -> Program:
    assert program.year is not None
    joins = program.year.week_start(30)
    model = _first(program, Grade.PGY2)
    person = dataclasses.replace(model, id="new-pgy2", name="Dr New Joiner", leave=(), requests=())
    program = dataclasses.replace(program, people=(*program.people, person))
    return _with_wishes(program, person.id, joins=joins)


CHANGES: dict[str, Callable[[Program, YearPlan], Program]] = {
    "leave": parental_leave,
    "swap": swap,
    "joiner": joiner,
    "long leave": long_leave,
}


if __name__ == "__main__":
    main()
