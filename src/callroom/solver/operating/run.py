"""Assign an OR day: the surgeons, then the teaching assistants, each stage proven optimal in
turn (see `solver.operating.model`); the plan read back; each uncovered case explained.

Time limit, seed and status as a roster solve's (`solver.run`). By default the search is
deterministic as a repair's is (`solver.repair.staged`): one worker on a deterministic budget,
so the same request gives the same plan on any machine; `deterministic=False` runs `workers`
threads on the wall clock instead. Each stage starts from a hint: the surgeons' from a greedy
plan (each case in start order to the free candidate with the most points). A 60-case day is
proven optimal in about a second (`bench/or_assign.py`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from callroom.accounts.principal import Principal
from callroom.domain.operating import CaseRole, CreditRole, OrCase, OrPlan, surgeon_role
from callroom.domain.program import Program
from callroom.rules.operating import overlaps
from callroom.rules.privacy import as_seen_by
from callroom.rules.violations import Violation
from callroom.solver.operating.explain import public_words, why_out
from callroom.solver.operating.model import Key, OrModel, build, reward
from callroom.solver.operating.request import OrRequest
from callroom.solver.repair.staged import DETERMINISTIC_PER_SECOND_SINGLE
from callroom.solver.run import Progress, Status


@dataclass(frozen=True)
class OrResult:
    """The plan, and for each case left without a surgeon why each candidate is out: `why` as
    violations (conflicts carry their pair), `unassigned` in words anyone may read."""

    plan: OrPlan
    unassigned: Mapping[str, tuple[str, ...]] = field(hash=False)
    why: Mapping[str, tuple[Violation, ...]] = field(hash=False)
    objective: int | None
    bound: int | None
    status: Status
    wall_s: float

    @property
    def optimal(self) -> bool:
        return self.status is Status.OPTIMAL

    def explained_for(self, reader: Principal | None, program: Program) -> dict[str, tuple[str, ...]]:
        """The reasons as `reader` may read them (`rules.privacy`): the chief sees a conflict
        with its reason, a resident of the pair sees their own, anyone else a confidential rule."""
        return {
            case_id: tuple(v.message for v in as_seen_by(found, reader, program))
            for case_id, found in self.why.items()
        }


def assign_day(
    request: OrRequest,
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    deterministic: bool = True,
    watch: OrWatch | None = None,
) -> OrResult:
    """The best plan for the day within the time limit (see the module doc): the surgeons,
    then with them held the teaching assistants (`solver.operating.model`), the second stage
    on what time the first left. `watch`, when given, hears of each better plan and may stop
    the search (the best plan found so far is the answer)."""
    started = time.monotonic()
    surgeons = build(request)
    _hint(request, surgeons)
    search = _Search(workers, seed, deterministic, watch, started)
    first = search.run(surgeons, time_limit_s)
    if first.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return _result(request, OrPlan(request.day), None, None, first.status, started)
    teachers = build(request, first.surgeons)
    _hold_hint(teachers, first)
    left = max(time_limit_s - (time.monotonic() - started), MIN_SEARCH_S)
    second = search.run(teachers, left)
    found = second if second.status in (Status.OPTIMAL, Status.FEASIBLE) else first
    plan = _plan(request, found.surgeons, found.teachers)
    status = Status.OPTIMAL if first.status is second.status is Status.OPTIMAL else Status.FEASIBLE
    return _result(request, plan, found.objective, found.bound, status, started)


def _hold_hint(built: OrModel, first: _Found) -> None:
    """The first stage's plan, without teachers, as the second's hint: it meets the floor."""
    _hint_surgeons(built, set(first.surgeons))


MIN_SEARCH_S = 0.5  # the teachers' stage's least time, when the surgeons' took the whole limit


@dataclass(frozen=True)
class _Found:
    status: Status
    objective: int | None
    bound: int | None
    surgeons: tuple[Key, ...] = ()
    teachers: tuple[Key, ...] = ()


@dataclass(frozen=True)
class OrWatch:
    """Who follows an assignment: `on_progress` hears of each better plan of either stage (its
    objective, the bound, seconds since the start) and `stop`, once set, ends the search (it is
    looked at as each better plan is found: a day solves in about a second)."""

    on_progress: Callable[[Progress], None] | None = None
    stop: threading.Event | None = None


class _Watching(cp_model.CpSolverSolutionCallback):
    """Tells the watch of each better plan; stops the search when the watch's `stop` is set."""

    def __init__(self, watch: OrWatch, started: float) -> None:
        super().__init__()
        self.watch, self.started, self.solutions = watch, started, 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.watch.on_progress is not None:
            elapsed = time.monotonic() - self.started
            found = Progress(
                elapsed, round(self.objective_value), round(self.best_objective_bound), self.solutions
            )
            self.watch.on_progress(found)
        if self.watch.stop is not None and self.watch.stop.is_set():
            self.stop_search()


@dataclass(frozen=True)
class _Search:
    """One stage's search, as `assign_day` was asked to run it."""

    workers: int
    seed: int
    deterministic: bool
    watch: OrWatch | None
    started: float

    def run(self, built: OrModel, time_limit_s: float) -> _Found:
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.random_seed = self.seed
        params.max_time_in_seconds = time_limit_s
        if self.deterministic:
            # As a repair does: one worker on a deterministic budget gives the same plan for the
            # same request on any machine, and starts from the hint (interleaved search on two
            # workers, a roster solve's deterministic mode, took 3-8 times longer here).
            params.num_workers = 1
            params.max_deterministic_time = time_limit_s * DETERMINISTIC_PER_SECOND_SINGLE
        else:
            params.num_workers = self.workers
        watching = None if self.watch is None else _Watching(self.watch, self.started)
        status = _status(solver.solve(built.model, watching))
        if status not in (Status.OPTIMAL, Status.FEASIBLE):
            return _Found(status, None, None)
        return _Found(
            status,
            round(solver.objective_value),
            round(solver.best_objective_bound),
            tuple(key for key, var in built.surgeon.items() if solver.boolean_value(var)),
            tuple(key for key, var in built.teacher.items() if solver.boolean_value(var)),
        )


def _status(code: cp_model.CpSolverStatus) -> Status:
    if code == cp_model.OPTIMAL:
        return Status.OPTIMAL
    if code == cp_model.FEASIBLE:
        return Status.FEASIBLE
    if code == cp_model.INFEASIBLE:
        return Status.INFEASIBLE
    return Status.UNKNOWN


def _plan(request: OrRequest, surgeons: tuple[Key, ...], teachers: tuple[Key, ...]) -> OrPlan:
    grade = {c.person_id: c.grade for c in request.candidates}
    roles = [CaseRole(case_id, person_id, surgeon_role(grade[person_id])) for case_id, person_id in surgeons]
    roles += [CaseRole(case_id, person_id, CreditRole.TA) for case_id, person_id in teachers]
    order = {c.id: i for i, c in enumerate(request.cases)}
    return OrPlan(request.day, tuple(sorted(roles, key=lambda r: (order[r.case_id], r.role, r.person_id))))


def _result(
    request: OrRequest, plan: OrPlan, objective: int | None, bound: int | None, status: Status, started: float
) -> OrResult:
    covered = {r.case_id for r in plan.roles if r.role.is_surgeon}
    why = {
        case.id: why_out(request, case, plan, status is Status.OPTIMAL)
        for case in request.cases
        if case.id not in covered
    }
    unassigned = {case_id: public_words(found) for case_id, found in why.items()}
    return OrResult(plan, unassigned, why, objective, bound, status, time.monotonic() - started)


def _hint(request: OrRequest, built: OrModel) -> None:
    """Greedy: cases in start order, each to the free candidate with the most points, no TA."""
    by_id = {c.person_id: c for c in request.candidates}
    taken: dict[str, list[OrCase]] = {}
    chosen: set[tuple[str, str]] = set()
    for case in sorted(request.cases, key=lambda c: (c.start, c.id)):
        free = [
            pid
            for (cid, pid) in built.surgeon
            if cid == case.id and not _clashes(request, case, taken.get(pid, []))
        ]
        if free:
            best = max(free, key=lambda pid: (reward(request, case, by_id[pid]), pid))
            chosen.add((case.id, best))
            taken.setdefault(best, []).append(case)
    _hint_surgeons(built, chosen)


def _hint_surgeons(built: OrModel, chosen: set[tuple[str, str]]) -> None:
    """Hint the model with `chosen` (case, person) surgeons, no teachers, and the cases they
    leave uncovered."""
    for key, var in built.surgeon.items():
        built.model.add_hint(var, key in chosen)
    for var in built.teacher.values():
        built.model.add_hint(var, False)
    covered = {case_id for case_id, _ in chosen}
    for case_id, var in built.uncovered.items():
        built.model.add_hint(var, case_id not in covered)


def _clashes(request: OrRequest, case: OrCase, held: list[OrCase]) -> bool:
    return any(overlaps(other, case, request.turnover_minutes) for other in held)
