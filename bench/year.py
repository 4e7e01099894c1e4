"""Benchmark: the demo's academic year, then all its blocks in sequence with history.

    .venv/bin/python bench/year.py [--year-seconds 60] [--block-seconds 60] [--start 2026-07-01]

1. The year plan of St. Elsewhere (62 residents x 52 weeks, callroom.demo.year) on 2 workers:
   when the first plan came, the objective, bound and gap at the end, and how the residents'
   wishes were met (vacation requests granted in their first-choice week; first-choice
   electives).
2. Every block's roster made from that plan, solved in order, each looking back on the one
   before (`with history`), and again each block on its own (`alone`): the rule breaches at the
   seams when the blocks are joined into one timeline (rules.ids.CARRY_OVER), and the spread over
   the year (most minus fewest, among the residents of one grade) of nights, weekends worked and
   in-house calls.

Results also go to bench/results/year.json. Solves run on the clock (not reproducible to the
roster), since the figures it reports are times.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from callroom.demo import demo_program_path
from callroom.demo.year import demo_year
from callroom.domain.program import Block, Program, Tally
from callroom.domain.roster import Roster
from callroom.domain.year import YearPlan
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import load_program, parse_program
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.rules.year import check_year_plan
from callroom.solver.run import Progress, SolveOptions, solve
from callroom.solver.year.run import solve_year
from callroom.year.derive import block_program, year_to_date

RESULTS = Path(__file__).parent / "results" / "year.json"


@dataclass
class Sequence:
    rosters: list[Roster] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year-seconds", type=float, default=60)
    parser.add_argument("--block-seconds", type=float, default=60)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 7, 1))
    parser.add_argument("--blocks", type=int, default=13, help="how many blocks to solve (from the first)")
    args = parser.parse_args()
    program = parse_program(
        dump_program(demo_year(load_program(demo_program_path()), args.start)), "year.yaml"
    )
    year = _year(program, args.year_seconds)
    plan = year.pop("plan")
    assert isinstance(plan, YearPlan)
    report: dict[str, object] = {"year": year}
    numbers = range(1, args.blocks + 1)
    together = _blocks(program, plan, numbers, args.block_seconds, history=True)
    alone = _blocks(program, plan, numbers, args.block_seconds, history=False)
    for label, found in (("with history", together), ("alone", alone)):
        report[label] = {
            "block_seconds_max": round(max(found.seconds, default=0), 1),
            "failed_blocks": found.failed,
            "seam_breaches": _seams(found),
            "spread": _spread(found),
        }
        print(f"{label}: {json.dumps(report[label])}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")


def _year(program: Program, seconds: float) -> dict[str, object]:
    trace: list[tuple[float, int | None, int | None]] = []

    def seen(progress: Progress) -> None:
        trace.append((progress.elapsed_s, progress.objective, progress.bound))

    solution = solve_year(program, SolveOptions(seconds, 2, 0, deterministic=False), seen)
    assert solution.plan is not None, solution.explanation
    assert check_year_plan(program, solution.plan) == []
    granted = solution.granted
    assert granted is not None
    residents = sum(p.grade.is_resident for p in program.people)
    found: dict[str, object] = {
        "residents": residents,
        "weeks": program.year.weeks if program.year else 0,
        "first_plan_s": round(solution.first_solution_s or 0, 1),
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": round(solution.gap or 0, 4),
        "vacation_first_choice": _share(granted.vacation_first),
        "vacation_any_choice": _share(granted.vacation_any),
        "elective_first_choice_interns": _share(granted.elective_first_interns),
        "elective_first_choice_residents": _share(granted.elective_first_residents),
        "plan": solution.plan,
    }
    print({k: v for k, v in found.items() if k != "plan"})
    return found


def _share(counts: tuple[int, int]) -> str:
    met, asked = counts
    return f"{met}/{asked} ({met / asked:.1%})" if asked else "none asked"


def _blocks(program: Program, plan: YearPlan, numbers: range, seconds: float, *, history: bool) -> Sequence:
    found = Sequence()
    for number in numbers:
        before = found.rosters[-1] if history and found.rosters else None
        # With history, the block also balances the year so far (its ledger); alone, it does not.
        block = block_program(program, plan, number, before, found.rosters if history else ())
        started = time.monotonic()
        solution = solve(block, SolveOptions(seconds, 2, 0))
        found.seconds.append(time.monotonic() - started)
        if solution.roster is None:
            found.failed.append(number)
            side = "with history" if history else "alone"
            print(f"block {number} ({side}): no roster: {solution.explanation}")
            break
        found.rosters.append(solution.roster)
        found.programs.append(block)
        print(
            f"block {number} ({'with history' if history else 'alone'}): {solution.status.value}, "
            f"{found.seconds[-1]:.1f} s"
        )
    return found


def _seams(found: Sequence) -> dict[str, int]:
    """Carry-over rules broken when the blocks are joined into one timeline."""
    if not found.programs:
        return {}
    first, last = found.programs[0], found.programs[-1]
    whole = Block(first.block.start, (last.block.end - first.block.start).days + 1)
    # The carry-over rules only: no cover, history or ledger of the first block's own.
    joined_program = dataclasses.replace(first, block=whole, demands=(), history=None, ledger={})
    joined = Roster.of(a for roster in found.rosters for a in roster.assignments)
    counts = Counter(v.rule.code for v in hard_violations(joined_program, joined) if v.rule in ids.CARRY_OVER)
    return dict(counts)


def _spread(found: Sequence) -> dict[str, int]:
    """Most minus fewest over the blocks solved, among residents of one grade: the largest."""
    if not found.programs:
        return {}
    program = found.programs[0]
    totals = year_to_date(program, found.rosters)
    grade = {p.id: p.grade for p in program.people if p.grade.is_resident}
    spread = {}
    for what in ("nights", "weekends", "calls", "holidays"):
        widest = 0
        for g in set(grade.values()):
            values = [getattr(totals.get(pid, Tally()), what) for pid in grade if grade[pid] == g]
            widest = max(widest, max(values) - min(values))
        spread[what] = widest
    return spread


if __name__ == "__main__":
    main()
