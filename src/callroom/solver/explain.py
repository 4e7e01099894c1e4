"""Why a program has no roster: the smallest set of rules and facts that cannot all hold.

Every hard constraint is guarded by a literal (see guards.py); CP-SAT's core names guards that
conflict, and deletion filtering shrinks the core until dropping any one guard makes the rest
satisfiable, so each rule in the answer is needed for the conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.solver.guards import GuardKey
from callroom.solver.model import RosterModel, build_model
from callroom.solver.wording import describe


@dataclass(frozen=True)
class Explanation:
    keys: tuple[GuardKey, ...]
    sentences: tuple[str, ...]
    minimal: bool  # False when a check ran out of time and a guard was kept to be safe

    def __str__(self) -> str:
        return "\n".join(self.sentences)


def explain_infeasibility(program: Program, *, time_limit_s: float = 10.0) -> Explanation | None:
    """The conflicting rules in words, or None when the program is not proven infeasible."""
    built = build_model(program, explain=True)
    literals = built.guards.literals
    verdict, core = _check(built, list(literals), time_limit_s)
    if verdict != cp_model.INFEASIBLE:
        return None
    keys, minimal = _shrink(built, core, time_limit_s)
    return Explanation(tuple(keys), tuple(describe(program, keys)), minimal)


def _check(built: RosterModel, keys: list[GuardKey], limit: float
           ) -> tuple[cp_model.CpSolverStatus, list[GuardKey]]:
    """Solve under these guards; on infeasibility also return CP-SAT's core among them."""
    literals = built.guards.literals
    built.model.clear_assumptions()
    built.model.add_assumptions([literals[k] for k in keys])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 1  # the core is only reported by a sequential search
    status = solver.solve(built.model)
    if status != cp_model.INFEASIBLE:
        return status, []
    by_index = {literals[k].index: k for k in keys}
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
    return status, sorted(core or keys)


def _shrink(built: RosterModel, core: list[GuardKey], limit: float) -> tuple[list[GuardKey], bool]:
    minimal, kept = True, list(core)
    for key in list(core):
        if key not in kept:
            continue
        trial = [k for k in kept if k != key]
        status, smaller = _check(built, trial, limit)
        if status == cp_model.INFEASIBLE:
            kept = [k for k in trial if k in set(smaller)] or trial
        elif status not in (cp_model.FEASIBLE, cp_model.OPTIMAL):
            minimal = False
    return kept, minimal
