"""Benchmark: the demo program on CP-SAT. Prints, per seed and as medians: time to the first
roster, objective and gap to the proven bound at 10 s and at the time limit, and peak memory.

    .venv/bin/python bench/solve_demo.py [--seeds 0 1 2] [--time-limit 60] [--workers 2]

Each seed runs in its own process so peak memory (ru_maxrss) is that solve's alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

CHECKPOINT_S = 10.0


@dataclass
class Run:
    seed: int
    first_s: float | None
    objective_10s: int | None
    gap_10s: float | None
    objective: int | None
    bound: int | None
    gap: float | None
    wall_s: float
    status: str
    peak_mb: float = 0.0


def _gap(objective: int | None, bound: int | None) -> float | None:
    if objective is None or bound is None:
        return None
    return (objective - bound) / max(abs(objective), 1)


def child(seed: int, time_limit: float, workers: int, deterministic: bool) -> None:
    from callroom.demo import demo_program_path
    from callroom.formats.program_file import load_program
    from callroom.solver.run import Progress, SolveOptions, solve

    program = load_program(demo_program_path())
    at_checkpoint: list[Progress] = []
    started = time.monotonic()

    def hook(progress: Progress) -> None:
        if time.monotonic() - started <= CHECKPOINT_S:
            at_checkpoint.append(progress)

    solution = solve(program, SolveOptions(time_limit, workers, seed, deterministic), hook)
    early = at_checkpoint[-1] if at_checkpoint else None
    run = Run(
        seed,
        solution.first_solution_s,
        early.objective if early else None,
        _gap(early.objective, early.bound) if early else None,
        solution.objective,
        solution.bound,
        solution.gap,
        solution.wall_s,
        solution.status.value,
    )
    print(json.dumps(asdict(run)))


def parent(args: argparse.Namespace) -> list[Run]:
    runs = []
    for seed in args.seeds:
        command = [
            sys.executable,
            __file__,
            "--child",
            str(seed),
            "--time-limit",
            str(args.time_limit),
            "--workers",
            str(args.workers),
        ] + (["--parallel"] if args.parallel else [])
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        run = Run(**json.loads(output.strip().splitlines()[-1]))
        run.peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        runs.append(run)
        print(f"seed {seed}: {asdict(run)}", flush=True)
    return runs


def _median(values: list[float | int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def report(runs: list[Run], args: argparse.Namespace) -> dict[str, object]:
    fields = ("first_s", "objective_10s", "gap_10s", "objective", "bound", "gap", "peak_mb")
    medians = {f: _median([getattr(r, f) for r in runs]) for f in fields}
    print(
        f"\nDemo program, {args.workers} workers, limit {args.time_limit:g} s, "
        f"{'parallel portfolio' if args.parallel else 'deterministic'}; medians of seeds {args.seeds}"
    )
    print(f"  time to first roster : {medians['first_s']:.2f} s  (goal <= 5 s)")
    print(
        f"  at {CHECKPOINT_S:g} s            : objective {medians['objective_10s']}, "
        f"gap {_pct(medians['gap_10s'])}"
    )
    print(
        f"  at the limit         : objective {medians['objective']}, bound {medians['bound']}, "
        f"gap {_pct(medians['gap'])}  (goal <= 1 %)"
    )
    print(f"  peak memory          : {medians['peak_mb']:.0f} MB  (goal <= 1024 MB)")
    return {"args": vars(args), "runs": [asdict(r) for r in runs], "medians": medians}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--parallel", action="store_true", help="non-deterministic portfolio")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.time_limit, args.workers, not args.parallel)
        return
    result = report(parent(args), args)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "solve_demo.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
