"""Assign an OR day: build the model, search, read the plan back, explain what is uncovered.

Like a roster solve (`solver.run`), the search runs on `workers` threads with a fixed seed; in
the default deterministic mode it runs interleaved on a deterministic-time budget, so the same
request gives the same plan on any machine. A day's model is small: it is proven optimal in a
fraction of the limit (see `bench/or_assign.py`). A greedy plan (each case in start order to the
free candidate with the most points) is hinted first, so a plan exists from the first moment.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from callroom.accounts.principal import Principal
from callroom.domain.operating import CaseRole, CreditRole, OrCase, OrPlan, surgeon_role
from callroom.domain.program import Program
from callroom.rules.operating import overlaps
from callroom.rules.privacy import as_seen_by
from callroom.rules.violations import Violation
from callroom.solver.operating.explain import public_words, why_out
from callroom.solver.operating.model import OrModel, build, reward
from callroom.solver.operating.request import OrRequest
from callroom.solver.run import DETERMINISTIC_PER_SECOND, Status


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
) -> OrResult:
    """The best plan for the day within the time limit (see the module doc)."""
    started = time.monotonic()
    built = build(request)
    _hint(request, built)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = seed
    if deterministic:
        params.interleave_search = True
        params.max_deterministic_time = time_limit_s * DETERMINISTIC_PER_SECOND
    params.max_time_in_seconds = time_limit_s
    code = solver.solve(built.model)
    status = _status(code)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        plan = OrPlan(request.day)
        return _result(request, plan, None, None, status, started)
    plan = _plan(request, built, solver)
    return _result(
        request, plan, round(solver.objective_value), round(solver.best_objective_bound), status, started
    )


def _status(code: cp_model.CpSolverStatus) -> Status:
    if code == cp_model.OPTIMAL:
        return Status.OPTIMAL
    if code == cp_model.FEASIBLE:
        return Status.FEASIBLE
    if code == cp_model.INFEASIBLE:
        return Status.INFEASIBLE
    return Status.UNKNOWN


def _plan(request: OrRequest, built: OrModel, solver: cp_model.CpSolver) -> OrPlan:
    grade = {c.person_id: c.grade for c in request.candidates}
    roles = [
        CaseRole(case_id, person_id, surgeon_role(grade[person_id]))
        for (case_id, person_id), var in built.surgeon.items()
        if solver.boolean_value(var)
    ]
    roles += [
        CaseRole(case_id, person_id, CreditRole.TA)
        for (case_id, person_id), var in built.teacher.items()
        if solver.boolean_value(var)
    ]
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
    for key, var in built.surgeon.items():
        built.model.add_hint(var, key in chosen)
    for var in built.teacher.values():
        built.model.add_hint(var, False)
    covered = {case_id for case_id, _ in chosen}
    for case_id, var in built.uncovered.items():
        built.model.add_hint(var, case_id not in covered)


def _clashes(request: OrRequest, case: OrCase, held: list[OrCase]) -> bool:
    return any(overlaps(other, case, request.turnover_minutes) for other in held)
