"""Solve a program: CP-SAT with live progress, the roster, and the penalties it paid."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import partial
from typing import Any

from ortools.sat.python import cp_model

from callroom.domain.program import CoverDemand, Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import CallroomError, NoSolution, OutOfTime
from callroom.rules.check import hard_violations
from callroom.rules.penalties import PenaltyReport, score
from callroom.rules.violations import Violation
from callroom.solver.build.guards import Guards
from callroom.solver.build.model import RosterModel, build_model
from callroom.solver.build.pinning import pin_through
from callroom.solver.build.space import Item, Space
from callroom.solver.explain.infeasible import Explanation, explain_capacity, explain_infeasibility
from callroom.solver.heuristics.columns import column_roster
from callroom.solver.heuristics.construct import Constructor, hint, rounds_cut_short
from callroom.solver.heuristics.lns import LocalSearch, fits
from callroom.solver.heuristics.weekends import weekend_first


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"  # no roster found in the time limit, and no proof there is none


@dataclass(frozen=True)
class SolveOptions:
    time_limit_s: float = 30.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = True  # same seed, same roster (CP-SAT interleaved search)
    strategy: str = "auto"  # the full-problem search: "core", "lp", or "auto" (see strategy_for)
    local_search: bool = True  # large general programs by our own neighbourhood search (see _large)


@dataclass(frozen=True)
class Kept:
    """Days a solve may not change: every person-day of the block up to and including `last`
    is held to `roster`'s (the live roster, when re-solving the rest of a block begun)."""

    roster: Roster
    last: date

    def uncovered(self, program: Program) -> Program:
        """The program with no cover asked on the kept days: they were worked as they were, and
        a day left short (a forced edit, a demand added since) cannot be staffed afterwards."""
        kept = frozenset(d for d in program.block.dates() if d <= self.last)

        def past_free(demand: CoverDemand) -> CoverDemand:
            return dataclasses.replace(
                demand, days=dataclasses.replace(demand.days, exclude=demand.days.exclude | kept)
            )

        return dataclasses.replace(program, demands=tuple(past_free(d) for d in program.demands))


@dataclass(frozen=True)
class Progress:
    elapsed_s: float
    objective: int | None
    bound: int | None
    solutions: int


@dataclass(frozen=True)
class Solution:
    status: Status
    roster: Roster | None
    objective: int | None
    bound: int | None
    wall_s: float  # from the call to the answer, model building included
    first_solution_s: float | None
    report: PenaltyReport | None = None
    violations: tuple[Violation, ...] = ()
    explanation: Explanation | None = None
    build_s: float = 0.0  # building the CP-SAT model, before the search starts
    last_solution_s: float | None = None  # when the final roster was found

    @property
    def gap(self) -> float | None:
        """Relative distance between the roster's objective and the proven bound."""
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(abs(self.objective), 1)


ProgressHook = Callable[[Progress], None]


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports each improving roster, and bound moves, to the progress hook."""

    def __init__(self, hook: ProgressHook | None, started: float) -> None:
        super().__init__()
        self.hook, self.started = hook, started
        self.solutions = 0
        self.first_s: float | None = None
        self.last_s: float | None = None
        self.objective: int | None = None
        self.bound: int | None = None

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.last_s = time.monotonic() - self.started
        if self.first_s is None:
            self.first_s = self.last_s
        self.objective = round(self.objective_value)
        self._raise(self.best_objective_bound)
        self._tell()

    def on_bound(self, bound: float) -> None:
        self._raise(bound)
        self._tell()

    def _raise(self, bound: float) -> None:
        # The best of every part's (see PARTS): a later part starts its own bound from scratch.
        self.bound = round(bound) if self.bound is None else max(self.bound, round(bound))

    def _tell(self) -> None:
        if self.hook is not None:
            elapsed = time.monotonic() - self.started
            self.hook(Progress(elapsed, self.objective, self.bound, self.solutions))


# Full-problem subsolvers in the order threads are given to them (with 2 workers, the first one
# runs beside large-neighbourhood search, which finds most rosters). Which search lower-bounds
# best depends on the objective (measured: bench/solver_notes.md):
# - "core": core-based search, for residency programs, whose objective is many small penalties
#   traded against each other;
# - "lp": the full linear relaxation, for cover-dominated rostering such as the Curtois
#   benchmark (a bound near the optimum, and better rosters).
STRATEGIES = {
    "core": (
        "core",
        "max_lp",
        "default_lp",
        "quick_restart",
        "pseudo_costs",
        "no_lp",
        "reduced_costs",
        "lb_tree_search",
        "objective_lb_search",
        "probing",
    ),
    "default": ("default_lp",),  # a part of a residency program's deterministic search (PARTS)
    "lp": (
        "max_lp",
        "core",
        "default_lp",
        "quick_restart",
        "pseudo_costs",
        "no_lp",
        "reduced_costs",
        "lb_tree_search",
        "objective_lb_search",
        "probing",
    ),
}


def strategy_for(program: Program, options: SolveOptions) -> str:
    """ "auto" picks core for programs under ACGME rules and the full LP for the rest."""
    if options.strategy != "auto":
        return options.strategy
    return "core" if program.rules.acgme else "lp"


# CP-SAT's deterministic time per wall second of interleaved search on 2 workers, measured on
# the demo program on a 2-core machine; it maps --time-limit onto a budget that gives the same
# roster for the same seed on any machine and takes about that many seconds here.
DETERMINISTIC_PER_SECOND = 0.3


def parameters(solver: cp_model.CpSolver, options: SolveOptions, strategy: str) -> None:
    params = solver.parameters
    params.num_workers = options.workers
    params.random_seed = options.seed
    subsolvers = STRATEGIES[strategy]
    if options.deterministic:
        # Wall-clock limits make parallel search depend on timing; deterministic time does not.
        # Interleaved search takes turns among all full-problem subsolvers, so name only the
        # first (large-neighbourhood search runs beside it regardless).
        params.subsolvers.append(subsolvers[0])
        params.interleave_search = True
        params.max_deterministic_time = options.time_limit_s * DETERMINISTIC_PER_SECOND
    else:
        params.subsolvers.extend(subsolvers)
        params.max_time_in_seconds = options.time_limit_s


# For programs without ACGME rules, the time limit is shared out: column generation first (see
# heuristics.columns), then the search, and the last part for a polish: each person replanned
# against everyone else (heuristics.construct.Constructor.polish), a move CP-SAT's
# neighbourhoods do not make. Both gain much on the larger Curtois instances (figures:
# bench/solver_notes.md), and our own search (heuristics.lns) goes on for what the polish leaves.
# In deterministic mode there is no column generation, as it runs on the clock.
COLUMN_SHARE, POLISH_SHARE = 0.3, 0.1
MIN_SEARCH_S = 0.1  # CP-SAT's least time, when building took the whole limit (the largest models)


def solve(
    program: Program,
    options: SolveOptions = SolveOptions(),
    on_progress: ProgressHook | None = None,
    stop: threading.Event | None = None,
    keep: Kept | None = None,
) -> Solution:
    """The best roster found within the time limit, or why there is none. Setting `stop` (from
    another thread) ends the search early with what it has found so far. With `keep`, the days
    it names are held to its roster (see `Kept`)."""
    started = time.monotonic()
    program = program if keep is None else keep.uncovered(program)
    short = explain_capacity(program)
    if short is not None:  # no search can cover what the eligible people cannot give
        return Solution(
            Status.INFEASIBLE, None, None, None, time.monotonic() - started, None, explanation=short
        )
    if keep is None and options.local_search and _large(program):
        return _local_search(program, options, on_progress, stop, started)
    built = build_model(program)
    if keep is not None:
        pin_through(built, keep.roster, keep.last)
    # See construct: a first roster for large general-rostering problems, hinted to CP-SAT. Not
    # with days kept: the construction and the polish after the search know nothing of them.
    first = None if program.rules.acgme or keep is not None else Constructor(built.space).roster()
    build_s = time.monotonic() - started
    search = options
    if first is not None:
        first = _mixed(built, first, options, time.monotonic())
        hint(built.space, first)
        search = dataclasses.replace(options, time_limit_s=_search_s(options, started + build_s))
    watcher = _Watcher(on_progress, started)
    solver, status = _search(built, search, strategy_for(program, options), watcher, stop)
    timing = {
        "wall_s": time.monotonic() - started,
        "first_solution_s": watcher.first_s,
        "build_s": build_s,
        "last_solution_s": watcher.last_s,
    }
    # With days kept, the program alone would explain the wrong thing: the kept days are the cause.
    solution = _result(program, built, solver, status, timing, explain=keep is None)
    if solution.bound is not None and watcher.bound is not None and watcher.bound > solution.bound:
        solution = dataclasses.replace(solution, bound=watcher.bound)  # an earlier part's (PARTS)
    if first is None or solution.status in (Status.OPTIMAL, Status.INFEASIBLE) or (stop and stop.is_set()):
        return solution  # nothing to polish, nothing better to find, or no time to
    deadline = None if options.deterministic else started + build_s + options.time_limit_s
    start = _chosen(built, solver) if solution.roster is not None else first
    polished = Constructor(built.space).polish(start, deadline)
    answer = better_of(solution, program, roster_of(built, polished), started)
    return dataclasses.replace(answer, wall_s=time.monotonic() - started)


# Models of at least this many shift variables are solved by our own large-neighbourhood search
# (heuristics.lns) instead of CP-SAT on the whole model, when the small models keep all their
# rules. On the largest the whole model takes most of the limit to build and its search ends
# near the constructed roster; from a few thousand, over six weeks and more above all, its
# search falls behind the neighbourhoods'; below, it matches or beats them and may prove its
# roster optimal (figures: bench/solver_notes.md).
LNS_ITEMS = 2_000
# The search's CP-SAT deterministic seconds per wall second, for the budget of deterministic
# mode (one thread). An estimate: steps of 0.25-0.5 deterministic seconds took 1-3 s on a
# machine loaded several times over; not yet measured on a quiet one.
LNS_DETERMINISTIC_PER_SECOND = 0.5


def _large(program: Program) -> bool:
    days = program.block.days
    return fits(program) and sum(len(program.options(p)) for p in program.people) * days >= LNS_ITEMS


def _local_search(
    program: Program,
    options: SolveOptions,
    on_progress: ProgressHook | None,
    stop: threading.Event | None,
    started: float,
) -> Solution:
    """The constructed roster (or column generation's), improved by large-neighbourhood search
    for the time limit (one thread first replanning people while that pays, see
    `LocalSearch.run`), then polished (see `_polish`); the whole model is never built. Where
    weekends are scarce, the construction and the first part of the search are on the program
    with weekend cover weighed more (see `heuristics.weekends`), and only the rest on the
    program itself."""
    space = Space.build(program, cp_model.CpModel())  # the variables, for the items: no rules
    built = RosterModel(program, space.model, space, Guards(space.model, enabled=False), [])
    shaped = weekend_first(program)
    first_built = built if shaped is None else _reweighed(built, shaped)
    constructed = Constructor(first_built.space).roster()
    build_s = time.monotonic() - started  # as in solve: column generation counts in the limit
    first = _mixed(first_built, constructed, options, time.monotonic())
    limit, shaped_share = options.time_limit_s, 0.0 if shaped is None else WEEKEND_SHARE
    # Where the constructor's rounds of replanning were cut short, a thread goes on with them.
    replan = rounds_cut_short(program)
    if shaped is not None:
        weekends = LocalSearch(first_built.space, first, options.seed, _total(first_built, first))
        until = started + build_s + limit * shaped_share
        first = _run(weekends, options, shaped_share, until, stop, replan=replan)
    search = LocalSearch(space, first, options.seed, _total(built, first))

    def tell(objective: int) -> None:
        if on_progress is not None:
            elapsed = time.monotonic() - started
            on_progress(Progress(elapsed, objective, None, search.stats.improved + 1))

    clock_until = started + build_s + limit * (1 - POLISH_SHARE)
    # After the weekends' weights, everyone's best plan under the program's own is a move worth
    # making again.
    replan_after = replan or shaped is not None
    improved = _run(search, options, 1 - shaped_share, clock_until, stop, replan=replan_after, on_gain=tell)
    deadline = None if options.deterministic else started + build_s + options.time_limit_s
    if not (stop and stop.is_set()):
        go_on = partial(search.run, deadline, stop=stop, on_gain=tell, threads=options.workers)
        improved = _polish(built, search, improved, deadline, go_on)
    roster = roster_of(built, improved)
    report = score(program, roster)
    return Solution(
        Status.FEASIBLE,
        roster,
        report.total,
        None,
        time.monotonic() - started,
        build_s,
        report=report,
        violations=tuple(hard_violations(program, roster)),
        build_s=build_s,
        last_solution_s=search.last_gain_s - started if search.last_gain_s else build_s,
    )


# Of the limit, the share searched on the program with weekend cover weighed more, where weekends
# are scarce (see heuristics.weekends; measured in bench/solver_notes.md).
WEEKEND_SHARE = 0.5


def _run(
    search: LocalSearch,
    options: SolveOptions,
    share: float,
    until: float,
    stop: threading.Event | None,
    *,
    replan: bool,
    on_gain: Callable[[int], None] | None = None,
) -> list[Item]:
    """`search` run to the monotonic `until` on all the workers or, in deterministic mode, on one
    thread for `share` of the limit in CP-SAT's deterministic seconds."""
    deterministic = options.deterministic
    return search.run(
        None if deterministic else until,
        budget=options.time_limit_s * share * LNS_DETERMINISTIC_PER_SECOND if deterministic else None,
        stop=stop,
        on_gain=on_gain,
        threads=1 if deterministic else options.workers,
        replan=replan,
    )


def _reweighed(built: RosterModel, program: Program) -> RosterModel:
    """`built`'s variables and items under `program`'s weights (the same people, days and
    shifts)."""
    space = dataclasses.replace(built.space, program=program)
    return dataclasses.replace(built, program=program, space=space)


def _total(built: RosterModel, items: Iterable[Item]) -> int:
    return score(built.program, roster_of(built, items)).total


def _polish(
    built: RosterModel,
    search: LocalSearch,
    roster: list[Item],
    deadline: float | None,
    go_on: Callable[[], list[Item]],
) -> list[Item]:
    """The search's roster polished, and searched again (`go_on`) for whatever time the
    polish leaves: it ends early when a round of it changes no one (on Curtois Instance13 and
    19, after about a second of its six)."""
    polished = Constructor(built.space).polish(roster, deadline)
    if deadline is None or time.monotonic() >= deadline:
        return polished
    search.adopt(polished, _total(built, polished))
    return go_on()


# In deterministic mode a residency program's search is in parts, each from the roster the part
# before found (a complete hint: its first solution at once): the core search for the bound,
# the default search for rosters, and the core search again. Interleaved search gives the
# named search turns beside large-neighbourhood search, which finds nearly every roster; the
# neighbourhoods restarted from a hint improve it most. Measured on the demo against the core
# search alone and other splits: bench/solver_notes.md. The bound reported is the best of the
# parts' (each is a bound on the same model).
PARTS = (("core", 0.2), ("default", 0.5), ("core", 0.3))
PARTS_FROM_S = 60.0  # measured there; each part presolves again, which shorter solves cannot spare


def _search(
    built: RosterModel,
    options: SolveOptions,
    strategy: str,
    watcher: _Watcher,
    stop: threading.Event | None,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """CP-SAT on the built model with the strategy's parameters (in PARTS, see above, for the
    core strategy in deterministic mode from PARTS_FROM_S): the last part's solver and status.
    The watcher keeps the best bound of all the parts."""
    if strategy != "core" or not options.deterministic or options.time_limit_s < PARTS_FROM_S:
        return _one_search(built, options, strategy, watcher, stop)
    for part, share in PARTS[:-1]:
        solver, status = _one_search(built, _share(options, share), part, watcher, stop)
        if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE) or (stop is not None and stop.is_set()):
            return solver, status  # proven either way, or stopped
        if status == cp_model.FEASIBLE:
            watcher.on_bound(solver.best_objective_bound)  # the part's last word on its bound
            hint(built.space, _chosen(built, solver))
    part, share = PARTS[-1]
    return _one_search(built, _share(options, share), part, watcher, stop)


def _share(options: SolveOptions, share: float) -> SolveOptions:
    return dataclasses.replace(options, time_limit_s=options.time_limit_s * share)


def _one_search(
    built: RosterModel,
    options: SolveOptions,
    strategy: str,
    watcher: _Watcher,
    stop: threading.Event | None,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    solver = cp_model.CpSolver()
    parameters(solver, options, strategy)
    solver.best_bound_callback = watcher.on_bound
    with stopping(solver, stop):
        return solver, solver.solve(built.model, watcher)


@contextmanager
def stopping(solver: cp_model.CpSolver, stop: threading.Event | None) -> Iterator[None]:
    """Stop `solver`'s search as soon as `stop` is set, from a watching thread (CP-SAT's own
    stop is safe to call from any thread)."""
    if stop is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if stop.wait(STOP_POLL_S):
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="solve-stop", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


STOP_POLL_S = 0.1


def _search_s(options: SolveOptions, clock_from: float) -> float:
    """The search's time: what column generation left of the limit (pricing ends early when no
    plan improves the mix, on small instances in about a second), less the polish's share."""
    if options.deterministic:
        return options.time_limit_s * (1 - POLISH_SHARE)
    until = clock_from + options.time_limit_s * (1 - POLISH_SHARE)
    return max(until - time.monotonic(), MIN_SEARCH_S)


def _mixed(built: RosterModel, constructed: list[Item], options: SolveOptions, now: float) -> list[Item]:
    """The column-generation roster (see heuristics.columns) when it keeps the rules and costs
    less than the constructed one; it takes COLUMN_SHARE of the time limit."""
    if options.deterministic:
        return constructed  # pricing stops on the wall clock
    mixed = column_roster(built.space, constructed, now + options.time_limit_s * COLUMN_SHARE)
    candidate = roster_of(built, mixed)
    if hard_violations(built.program, candidate):
        return constructed
    return mixed if _total(built, mixed) < _total(built, constructed) else constructed


def better_of(solution: Solution, program: Program, candidate: Roster, started: float) -> Solution:
    """The search's answer, or `candidate` (the constructed or polished roster) when that keeps
    every hard rule and costs less. The largest models take so long to presolve that the search
    may end before it reports even the hinted roster."""
    if solution.status in (Status.OPTIMAL, Status.INFEASIBLE) or hard_violations(program, candidate):
        return solution
    report = score(program, candidate)
    if solution.report is not None and solution.report.total <= report.total:
        return solution
    now = time.monotonic() - started
    return dataclasses.replace(
        solution,
        status=Status.FEASIBLE,
        roster=candidate,
        objective=report.total,
        report=report,
        violations=(),
        first_solution_s=solution.first_solution_s or solution.build_s,
        last_solution_s=now,
    )


def _result(
    program: Program,
    built: RosterModel,
    solver: cp_model.CpSolver,
    status: cp_model.CpSolverStatus,
    timing: dict[str, Any],
    *,
    explain: bool = True,
) -> Solution:
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        roster = extract_roster(built, solver)
        return Solution(
            Status.OPTIMAL if status == cp_model.OPTIMAL else Status.FEASIBLE,
            roster,
            round(solver.objective_value),
            round(solver.best_objective_bound),
            report=score(program, roster),
            violations=tuple(hard_violations(program, roster)),
            **timing,
        )
    if status == cp_model.INFEASIBLE:
        return Solution(
            Status.INFEASIBLE,
            None,
            None,
            None,
            explanation=explain_infeasibility(program) if explain else None,
            **timing,
        )
    return Solution(Status.UNKNOWN, None, None, None, **timing)


def extract_roster(built: RosterModel, solver: cp_model.CpSolver) -> Roster:
    return roster_of(built, _chosen(built, solver))


def _chosen(built: RosterModel, solver: cp_model.CpSolver) -> list[Item]:
    return [
        item
        for p in range(len(built.program.people))
        for item in built.space.person_items(p)
        if solver.boolean_value(item.var)
    ]


def roster_of(built: RosterModel, items: Iterable[Item]) -> Roster:
    people, dates = built.program.people, built.program.block.dates()
    return Roster.of(
        Assignment(people[item.person].id, dates[item.day], item.shift.id, item.post.id) for item in items
    )


def no_roster(solution: Solution) -> CallroomError:
    """Why the solve gave no roster: proven impossible (with the reason) or out of time."""
    return no_answer(solution.status, solution.explanation, "roster")


def no_answer(status: Status, explanation: object | None, what: str) -> CallroomError:
    """Why a solve gave no `what` (a roster, a year plan): proven impossible, with the reason
    (exit 3), or out of time (exit 4)."""
    if status is Status.INFEASIBLE:
        reason = "" if explanation is None else "\n" + str(explanation)
        return NoSolution("", f"no {what} can satisfy every hard rule." + reason)
    return OutOfTime(
        "time_limit",
        f"no {what} found within the time limit, and no proof that none exists; try a longer time limit",
    )
