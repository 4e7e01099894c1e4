"""`callroom bench curtois`: solve benchmark instances with callroom and with the peer model.

The peer is the model a user would otherwise write: CPMpy's own nurse-rostering model
(`cpmpy.tools.io.nurserostering`), run on the same CP-SAT with the same time limit, workers and
seed. Both rosters are scored by callroom's evaluator, so the objectives are comparable. The time
limit is the search budget after each side has built its model; build time is reported apart.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import queue
import re
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import Invalid
from callroom.formats.curtois import WARD, format_roster, load_instance
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from callroom.solver.run import SolveOptions, solve


@dataclass(frozen=True)
class Outcome:
    """One side's result on one instance, scored by callroom's evaluator."""

    status: str
    objective: int | None
    bound: int | None
    violations: int
    first_s: float | None
    final_s: float | None
    build_s: float
    wall_s: float

    def gap(self, best_known: int) -> float | None:
        """Percent above the best known objective; None without a feasible roster."""
        if self.objective is None or self.violations:
            return None
        return 100.0 * (self.objective - best_known) / max(best_known, 1)


@dataclass(frozen=True)
class Row:
    instance: str
    best_known: int
    ours: Outcome
    peer: Outcome | None

    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"instance": self.instance, "best_known": self.best_known}
        for side, outcome in (("callroom", self.ours), ("peer", self.peer)):
            if outcome is not None:
                record.update({f"{side}_{k}": v for k, v in asdict(outcome).items()})
                record[f"{side}_gap_pct"] = outcome.gap(self.best_known)
        return record


def parse_instances(text: str) -> list[int]:
    """ "1-24", "1,3,5-7" -> instance numbers."""
    numbers: list[int] = []
    for part in filter(None, text.replace(" ", "").split(",")):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if match is None:
            raise ValueError(f"{part!r} is not an instance number or range like 1-24")
        low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        numbers += range(low, high + 1)
    return numbers


BEST_KNOWN = "best_known.csv"
# The instances ship in the repository, beside the package's source: src/callroom/cli/ -> bench/.
REPO_DATA = Path(__file__).resolve().parents[3] / "bench" / "curtois"


class BenchDataError(Invalid):
    """The benchmark's data cannot be found or read; the message says where it is expected."""


def data_folder(given: Path | None) -> Path:
    """The folder with InstanceN.txt and best_known.csv: `given`, else bench/curtois under the
    working directory, else the repository's own (found from the package's place, so the
    command runs from any directory of a source checkout). BenchDataError when it has none."""
    tried = [given] if given is not None else [Path("bench/curtois"), REPO_DATA]
    for folder in tried:
        if (folder / BEST_KNOWN).is_file():
            return folder
    looked = " or ".join(str((folder / BEST_KNOWN).resolve()) for folder in tried)
    raise BenchDataError(
        "data",
        f"data: no {BEST_KNOWN} at {looked}; pass --data FOLDER, the folder "
        "with InstanceN.txt and best_known.csv (bench/curtois in a source checkout)",
    )


def best_known(data: Path) -> dict[str, int]:
    """Instance name: best known objective. BenchDataError when the file cannot be read."""
    path = data / BEST_KNOWN
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return {row["instance"]: int(row["best_known_upper"]) for row in csv.DictReader(handle)}
    except (OSError, UnicodeDecodeError, KeyError, ValueError, TypeError) as error:
        raise BenchDataError(
            "data",
            f"data: cannot read {path}: expected columns instance and "
            f"best_known_upper with whole numbers ({error!r})",
        ) from error


def check_instances(data: Path, numbers: list[int]) -> dict[str, int]:
    """The best known objective of each instance asked for; BenchDataError naming the first
    whose file or best known value is missing."""
    known = best_known(data)
    for number in numbers:
        name = f"Instance{number}"
        if not (data / f"{name}.txt").is_file():
            raise BenchDataError("instances", f"instances: no {name}.txt in {data.resolve()}")
        if name not in known:
            raise BenchDataError(
                "instances", f"instances: {name} has no best known value in {(data / BEST_KNOWN).resolve()}"
            )
    return known


def run_ours(program: Program, options: SolveOptions) -> tuple[Outcome, Roster | None]:
    solution = solve(program, options)  # scores and checks the roster it returns
    objective = solution.report.total if solution.report else None
    return Outcome(
        solution.status.value,
        objective,
        solution.bound,
        len(solution.violations),
        solution.first_solution_s,
        solution.last_solution_s,
        solution.build_s,
        solution.wall_s,
    ), solution.roster


def run_instance(path: Path, best: int, options: SolveOptions, out: Path, peer: bool) -> Row:
    program = load_instance(path)
    ours, roster = run_ours(program, options)
    _save(out / f"{path.stem}.roster", program, roster, "callroom")
    theirs = None
    if peer:
        peer_dir = out / "peer"
        theirs, peer_roster = run_peer_guarded(path, program, options, peer_dir / f"{path.stem}.log")
        _save(peer_dir / f"{path.stem}.roster", program, peer_roster, "CPMpy nurserostering")
    return Row(path.stem, best, ours, theirs)


def _save(path: Path, program: Program, roster: Roster | None, who: str) -> None:
    if roster is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(format_roster(program, roster, f"{program.hospital.name} solved by {who}"))


# The peer's model of the largest instances outgrows the machine (Instance24: over 10 GB and more
# than six minutes before its search starts), so it runs in a child process with a memory cap and
# a deadline; running out of either is its result on that instance. What the child prints goes to
# a log of its own: under the cap a thread of it may fail while reporting its own failure, and
# its half-written line landed in the middle of the bench's table.
PEER_MEMORY_BYTES = 8 * 1024**3
PEER_BUILD_ALLOWANCE_S = 180.0


def run_peer_guarded(
    path: Path, program: Program, options: SolveOptions, log: Path, memory_bytes: int = PEER_MEMORY_BYTES
) -> tuple[Outcome, Roster | None]:
    """The peer on `path` in a child process, everything it prints written to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_peer_child, args=(path, options, results, memory_bytes, log))
    started = time.monotonic()
    deadline = started + options.time_limit_s + PEER_BUILD_ALLOWANCE_S
    child.start()
    outcome, assignments = _wait_for_peer(child, results, deadline, started)
    child.join()
    return outcome, None if assignments is None else Roster.of(assignments)


def _wait_for_peer(
    child: Any, results: Any, deadline: float, started: float
) -> tuple[Outcome, list[Assignment] | None]:
    while True:
        try:
            outcome, assignments = results.get(timeout=1.0)
        except queue.Empty:
            if time.monotonic() > deadline:
                child.kill()
                return _gave_up("no model within the time allowed", started), None
            if not child.is_alive():
                return _gave_up("stopped without a result", started), None
            continue
        return outcome or _gave_up("ran out of memory", started), assignments


def _gave_up(why: str, started: float) -> Outcome:
    return Outcome(why, None, None, 0, None, None, time.monotonic() - started, time.monotonic() - started)


def _peer_child(path: Path, options: SolveOptions, results: Any, memory_bytes: int, log: Path) -> None:
    with log.open("w", encoding="utf-8") as sink:  # the descriptors below outlive this handle
        os.dup2(sink.fileno(), sys.stdout.fileno())
        os.dup2(sink.fileno(), sys.stderr.fileno())
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        outcome, roster = run_peer(path, load_instance(path), options)
    except MemoryError:
        results.put((None, None))
        return
    results.put((outcome, None if roster is None else list(roster.assignments)))


def run_peer(path: Path, program: Program, options: SolveOptions) -> tuple[Outcome, Roster | None]:
    """CPMpy's nurse-rostering model on CP-SAT; imported here, as it is a bench-only dependency."""
    import cpmpy as cp
    from cpmpy.tools.io.nurserostering import (
        _model_nurserostering,
        parse_scheduling_period,
    )
    from ortools.sat.python import cp_model

    started = time.monotonic()
    data = parse_scheduling_period(str(path))
    model, nurse_view = _model_nurserostering(**data)
    solver = cp.SolverLookup.get("ortools", model)
    build_s = time.monotonic() - started
    clock = _Clock(cp_model.CpSolverSolutionCallback, started)
    found = solver.solve(
        time_limit=options.time_limit_s,
        num_workers=options.workers,
        random_seed=options.seed,
        solution_callback=clock.callback,
    )
    roster = _peer_roster(program, list(data["shifts"]), nurse_view.value()) if found else None
    return _peer_outcome(program, roster, solver, clock, build_s, started), roster


class _Clock:
    """Times of the first and last solution, from a CP-SAT callback."""

    def __init__(self, base: type, started: float) -> None:
        self.first: float | None = None
        self.last: float | None = None
        clock = self

        class Callback(base):  # type: ignore[misc]
            def on_solution_callback(self) -> None:
                clock.last = time.monotonic() - started
                clock.first = clock.first if clock.first is not None else clock.last

        self.callback = Callback()


def _peer_roster(program: Program, shift_ids: list[str], view: Any) -> Roster:
    dates = program.block.dates()
    return Roster.of(
        Assignment(person.id, dates[d], shift_ids[int(view[p][d]) - 1], WARD)
        for p, person in enumerate(program.people)
        for d in range(len(dates))
        if int(view[p][d]) > 0
    )


def _peer_outcome(
    program: Program, roster: Roster | None, solver: Any, clock: _Clock, build_s: float, started: float
) -> Outcome:
    status = solver.status().exitstatus.name.lower()
    bound = solver.ort_solver.best_objective_bound if roster else None
    return Outcome(
        status,
        score(program, roster).total if roster else None,
        None if bound is None else round(bound),
        len(hard_violations(program, roster)) if roster else 0,
        clock.first,
        clock.last,
        build_s,
        time.monotonic() - started,
    )


def run_all(
    data: Path,
    numbers: list[int],
    options: SolveOptions,
    out: Path,
    peer: bool,
    on_row: Callable[[Row], None],
) -> list[Row]:
    known = check_instances(data, numbers)
    rows = []
    for number in numbers:
        name = f"Instance{number}"
        row = run_instance(data / f"{name}.txt", known[name], options, out, peer)
        rows.append(row)
        on_row(row)
    return rows


def save_table(rows: list[Row], out: Path) -> tuple[Path, Path]:
    records = [row.record() for row in rows]
    out.mkdir(parents=True, exist_ok=True)
    json_path, csv_path = out / "results.json", out / "results.csv"
    json_path.write_text(json.dumps(records, indent=2))
    columns = list(dict.fromkeys(key for record in records for key in record))
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(records)
    return json_path, csv_path
