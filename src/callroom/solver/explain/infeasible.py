"""Why a program has no roster: the smallest set of rules and facts that cannot all hold.

Cover that outstrips what the eligible people can give is found first, by arithmetic (see
capacity), without a search. Otherwise every hard constraint is guarded by a literal (see
build.guards); CP-SAT's core names guards that conflict, and deletion filtering shrinks the core
until dropping any one guard makes the rest satisfiable, so each rule in the answer is needed
for the conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.solver.build.guards import GuardKey
from callroom.solver.build.model import RosterModel, build_model
from callroom.solver.explain.capacity import shortage
from callroom.solver.explain.wording import describe

K = TypeVar("K")


@dataclass(frozen=True)
class Explanation:
    keys: tuple[GuardKey, ...]
    sentences: tuple[str, ...]
    # False when a check ran out of time and a guard was kept to be safe, or when the keys come
    # from capacity (all of a requirement's days, though fewer may already conflict).
    minimal: bool

    def __str__(self) -> str:
        return "\n".join(self.sentences)


def explain_capacity(program: Program) -> Explanation | None:
    """Cover the eligible people cannot give, with the arithmetic (see capacity), or None."""
    found = shortage(program)
    if found is None:
        return None
    return Explanation(found.keys, found.sentences, minimal=False)


def explain_infeasibility(program: Program, *, time_limit_s: float = 10.0) -> Explanation | None:
    """The conflicting rules in words, or None when the program is not proven infeasible. Cover
    against capacity comes first: its arithmetic says more than any core, and is the same on
    every run."""
    by_capacity = explain_capacity(program)
    if by_capacity is not None:
        return by_capacity
    built = build_model(program, explain=True)
    literals = built.guards.literals
    verdict, core = _check(built, list(literals), time_limit_s)
    if verdict != cp_model.INFEASIBLE:
        return None
    keys, minimal = shrink(core, lambda trial: _holds(built, trial, time_limit_s))
    return Explanation(tuple(keys), tuple(describe(program, keys)), minimal)


def _check(
    built: RosterModel, keys: list[GuardKey], limit: float
) -> tuple[cp_model.CpSolverStatus, list[GuardKey]]:
    """Solve under these guards as assumptions; on infeasibility also return CP-SAT's core."""
    literals = built.guards.literals
    built.model.clear_assumptions()
    built.model.add_assumptions([literals[k] for k in keys])
    status, solver = _run(built.model, limit, workers=1)  # cores come from a sequential search
    if status != cp_model.INFEASIBLE:
        return status, []
    by_index = {literals[k].index: k for k in keys}
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
    return status, sorted(core or keys)


def _holds(built: RosterModel, keys: list[GuardKey], limit: float) -> cp_model.CpSolverStatus:
    """Whether the rules under these guards can all hold, with every guard fixed to a constant:
    presolve then drops the disabled constraints and the LP sees the rest at full strength,
    where guarded constraints under assumptions can take seconds to refute."""
    model = built.model.clone()
    model.clear_assumptions()
    chosen = set(keys)
    for key, literal in built.guards.literals.items():
        model.add(model.get_bool_var_from_proto_index(literal.index) == int(key in chosen))
    return _run(model, limit, workers=2, subsolvers=HOLDS_SUBSOLVERS)[0]


# A worker with the full LP beside the default: sums of cover against per-person caps (27 calls for 28 nights)
# are refuted by it at once, where CP-SAT's own choice for 2 workers found no proof in the time.
HOLDS_SUBSOLVERS = ("max_lp", "default_lp")


def _run(
    model: cp_model.CpModel, limit: float, workers: int, subsolvers: tuple[str, ...] = ()
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = workers
    solver.parameters.subsolvers.extend(subsolvers)
    return solver.solve(model), solver


def shrink(core: list[K], holds: Callable[[list[K]], cp_model.CpSolverStatus]) -> tuple[list[K], bool]:
    """Deletion filtering in chunks: try dropping half the rules at once, then quarters, down to
    single rules, keeping each drop after which the rest still conflict (`holds` is INFEASIBLE).
    The second value is False when some check ran out of time (a rule kept to be safe)."""
    minimal, kept = True, list(core)
    size = max(1, len(kept) // 2)
    while True:
        start = 0
        while start < len(kept):
            chunk = kept[start : start + size]
            trial = [k for k in kept if k not in chunk]
            status = holds(trial) if trial else cp_model.FEASIBLE
            if status == cp_model.INFEASIBLE:
                kept = trial
            else:
                minimal = minimal and status in (cp_model.FEASIBLE, cp_model.OPTIMAL)
                start += size
        if size == 1:
            return kept, minimal
        size = max(1, size // 2)
