"""Benchmark: sick-call repair on the demo block. One 3-day absence that leaves a hole (someone
else must move), then 5 random 3-day absences (seeded), each repaired twice: as `callroom
repair` does it (the direct repair, proven minimal by its lower bound, falling back to the
CP-SAT search) and by the CP-SAT search alone. Prints, per absence, the changed person-days,
whether that is the proven minimum, the seconds to the proven minimum and to the answer (the
polish by the original objective included), then median and worst. Goal: <= 2 s at the proven
minimum.

    .venv/bin/python bench/repair.py [--seed 7] [--random 5] [--solve-limit 10] [--polish 1]
                                     [--verify] [--strategy single|core|lp] [--cpu]

`--verify` also solves each repair with the change count as the only objective to optimality
and checks the counts agree (slower). Results go to bench/results/repair.json.

`--cpu` instead repairs each absence three times as `callroom repair` does, without the polish
(so the answer is the proven minimum), and prints the CPU seconds of each: one CP-SAT worker
throughout, so on a machine shared with other work this moves far less than the wall clock.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.formats.program_file import load_program
from callroom.rules import ids
from callroom.rules.change import Change, impact
from callroom.solver.repair.request import Absence, parse_instant
from callroom.solver.repair.staged import RepairOptions, minimum_changes, repair
from callroom.solver.run import SolveOptions, solve

DAYS = 3
FIRST = date(2027, 3, 10)


@dataclass
class Row:
    case: str
    person: str
    first_day: str
    mode: str
    status: str
    changes: int | None
    proven: bool
    proof_s: float
    answer_s: float
    verified: bool | None = None


def absence(program: Program, person: str, first: date) -> Absence:
    last = first + timedelta(days=DAYS - 1)
    return Absence(
        person,
        parse_instant(first.isoformat(), program, "from"),
        parse_instant(last.isoformat(), program, "to", end=True),
    )


def leaves_hole(program: Program, roster: Roster, person: str, first: date) -> bool:
    span = {first + timedelta(days=i) for i in range(DAYS)}
    gone = tuple(a for a in roster.for_person(person) if a.day in span)
    return bool(gone) and any(
        v.rule is ids.COVER_MINIMUM for v in impact(program, roster, Change(removed=gone)).hard
    )


def cases(program: Program, roster: Roster, seed: int, count: int) -> list[tuple[str, str, date]]:
    residents = [p for p in program.people if p.grade.is_resident]
    hole = next(p.id for p in residents if leaves_hole(program, roster, p.id, FIRST))
    chosen = [("hole", hole, FIRST)]
    rng = random.Random(seed)
    while len(chosen) < count + 1:
        person = rng.choice(residents)
        first = program.block.start + timedelta(days=rng.randrange(program.block.days - DAYS + 1))
        days = {first + timedelta(days=i) for i in range(DAYS)}
        if days & person.leave_dates or not any(a.day in days for a in roster.for_person(person.id)):
            continue
        chosen.append((f"random {len(chosen)}", person.id, first))
    return chosen


def run_case(
    program: Program,
    roster: Roster,
    case: tuple[str, str, date],
    mode: str,
    polish: float,
    verify: bool,
    strategy: str,
) -> Row:
    name, person, first = case
    wanted = absence(program, person, first)
    options = RepairOptions(time_limit_s=30, polish_s=polish, direct=mode == "callroom", strategy=strategy)
    started = time.monotonic()
    result = repair(program, roster, wanted, options=options)
    answer = time.monotonic() - started
    row = Row(
        name,
        person,
        first.isoformat(),
        f"{mode} ({result.method})",
        result.status.value,
        result.changes,
        result.minimum_proven,
        result.proof_s,
        answer,
    )
    if verify:
        status, fewest = minimum_changes(program, roster, wanted, options=RepairOptions(time_limit_s=120))
        row.verified = status == "optimal" and fewest == result.changes
    return row


def table(rows: list[Row]) -> None:
    print(
        f"{'case':<10} {'person':<20} {'from':<10} {'mode':<18} {'status':<9} {'changes':>7} "
        f"{'proven':>6} {'proof s':>8} {'answer s':>8} {'verified':>8}"
    )
    for r in rows:
        verified = "-" if r.verified is None else ("yes" if r.verified else "NO")
        print(
            f"{r.case:<10} {r.person:<20} {r.first_day:<10} {r.mode:<18} {r.status:<9} "
            f"{r.changes if r.changes is not None else '-':>7} {'yes' if r.proven else 'no':>6} "
            f"{r.proof_s:>8.2f} {r.answer_s:>8.2f} {verified:>8}"
        )


def summary(rows: list[Row]) -> dict[str, dict[str, float]]:
    found = {}
    for mode in ("callroom", "search"):
        picked = [r for r in rows if r.mode.startswith(mode)]
        proofs, answers = [r.proof_s for r in picked], [r.answer_s for r in picked]
        found[mode] = {
            "median_proof_s": statistics.median(proofs),
            "worst_proof_s": max(proofs),
            "median_answer_s": statistics.median(answers),
            "worst_answer_s": max(answers),
            "proven": sum(r.proven for r in picked),
            "of": len(picked),
        }
        it = found[mode]
        print(
            f"{mode:<9} proven {it['proven']:g}/{len(picked)}; to the proven minimum: median "
            f"{it['median_proof_s']:.2f} s, worst {it['worst_proof_s']:.2f} s; "
            f"answer: median {it['median_answer_s']:.2f} s, worst {it['worst_answer_s']:.2f} s"
        )
    return found


def cpu_seconds(program: Program, roster: Roster, seed: int, count: int) -> None:
    """Each case repaired three times without the polish: its method, changes and CPU seconds."""
    for name, person, first in cases(program, roster, seed, count):
        wanted, options = absence(program, person, first), RepairOptions(time_limit_s=30, polish_s=0.0)
        spent = []
        for _ in range(3):
            started = time.process_time()
            result = repair(program, roster, wanted, options=options)
            spent.append(time.process_time() - started)
        print(
            f"{name:<10} {person:<20} {result.method:<7} {result.changes} changes, "
            f"proven {result.minimum_proven}; CPU s: {' '.join(f'{s:.2f}' for s in spent)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--random", type=int, default=5)
    parser.add_argument("--solve-limit", type=float, default=10.0)
    parser.add_argument("--polish", type=float, default=1.0)
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--strategy", default="single", help="the search: single (default), core or lp")
    parser.add_argument("--cpu", action="store_true", help="CPU seconds to the proven minimum (see above)")
    args = parser.parse_args()
    program = load_program(demo_program_path())
    solution = solve(program, SolveOptions(time_limit_s=args.solve_limit, seed=0))
    assert solution.roster is not None, "the demo did not solve"
    if args.cpu:
        cpu_seconds(program, solution.roster, args.seed, args.random)
        return
    rows = [
        run_case(program, solution.roster, case, mode, args.polish, args.verify, args.strategy)
        for case in cases(program, solution.roster, args.seed, args.random)
        for mode in ("callroom", "search")
    ]
    table(rows)
    found = summary(rows)
    out = Path(__file__).parent / "results" / "repair.json"
    out.write_text(
        json.dumps({"args": vars(args), "rows": [asdict(r) for r in rows], "summary": found}, indent=2)
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
