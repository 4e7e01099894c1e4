"""Run one hand-worked roster through the CP-SAT model and hold it to the checkers' verdict.

The checkers (`callroom.rules`) and the model (`callroom.solver`) are two writings of each rule.
`assert_model_agrees` fixes every decision variable of `build_model(program)` to the roster and
asserts that the model accepts it (OPTIMAL) exactly when `hard_violations` is empty, and that its
objective then equals `score(program, roster).total`.

When the checkers do object, a second, guarded model (the one `explain` uses) pins the refusal to
the rules they name: relaxing those rules must make the roster acceptable, and when they name a
single guarded rule, that rule alone must refuse it. So the model refuses for the checkers' reason.

An assignment the model has no variable for (an ineligible post or shift, an unknown person, a day
outside the block) or the same assignment listed twice cannot be fixed: the model refuses it.

The solver's free-day count is a sound lower bound of the checkers' (whole 24-hour windows from
`free_day_start`, against any 24 free hours). A case where that makes the model alone refuse must
say so with `solver_undercounts_free_days=True`, and then the free-day rule must be the only reason.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from callroom.solver.build.model import RosterModel, build_model

Key = tuple[str, object, str, str]  # person, date, post, shift


def assert_model_agrees(
    program: Program, roster: Roster, *, solver_undercounts_free_days: bool = False
) -> None:
    """The model accepts the roster iff the checkers find no hard violation (see module doc)."""
    broken = {v.rule.code for v in hard_violations(program, roster)}
    accepted, objective = _fixed_solve(program, roster)
    if solver_undercounts_free_days:
        assert not broken, f"marked as a solver-only free-day refusal, but the checkers say {broken}"
        assert not accepted, "marked as a solver-only free-day refusal, but the model accepts it"
        _assert_refusal_is_only(program, roster, {ids.FREE_DAYS.code})
        return
    if not broken:
        assert accepted, "the checkers accept the roster but the model refuses it"
        assert objective == score(program, roster).total, "objective differs from the scored penalties"
        return
    assert not accepted, f"the checkers report {sorted(broken)} but the model accepts the roster"
    _assert_refusal_is_only(program, roster, broken)


def _fixed_solve(program: Program, roster: Roster) -> tuple[bool, int | None]:
    built = build_model(program)
    if not _fix(built, roster):
        return False, None
    status, solver = _solve(built.model)
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE), f"solver status {status}"
    if status == cp_model.INFEASIBLE:
        return False, None
    return True, round(solver.objective_value)


def _fix(built: RosterModel, roster: Roster) -> bool:
    """Fix every item variable to the roster; False when the roster cannot be expressed."""
    wanted = Counter((a.person_id, a.day, a.post_id, a.shift_id) for a in roster.assignments)
    dates = built.program.block.dates()
    fixed: set[Key] = set()
    for p, person in enumerate(built.program.people):
        for item in built.space.person_items(p):
            key: Key = (person.id, dates[item.day], item.post.id, item.shift.id)
            built.model.add(item.var == int(key in wanted))
            fixed.add(key)
    return all(key in fixed and count == 1 for key, count in wanted.items())


def _solve(model: cp_model.CpModel) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    return solver.solve(model), solver


def _assert_refusal_is_only(program: Program, roster: Roster, broken: set[str]) -> None:
    """Relaxing the broken rules lets the guarded model accept the roster; a single broken rule
    refuses it on its own. Rules without guards (one shift a day, overlap, eligibility) are the
    model's structure: a roster breaking them is refused whatever is relaxed, so stop there."""
    built = build_model(program, explain=True)
    if not _fix(built, roster) or _unguarded(broken):
        return
    guards: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for key, literal in built.guards.literals.items():
        guards[key.rule].append(literal)
    others = [lit for rule, lits in guards.items() if rule not in broken for lit in lits]
    assert _accepts(built.model, others), f"the model refuses for more than {sorted(broken)}"
    if len(broken) == 1:
        (only,) = broken
        assert guards[only], f"the model has no constraint for {only}"
        assert not _accepts(built.model, guards[only]), f"the model's {only} alone accepts the roster"


def _unguarded(broken: Iterable[str]) -> bool:
    structural = {ids.ONE_SHIFT_A_DAY.code, ids.OVERLAP.code, ids.ELIGIBILITY.code}
    return any(rule in structural for rule in broken)


def _accepts(model: cp_model.CpModel, enforced: list[cp_model.IntVar]) -> bool:
    model.clear_assumptions()
    model.add_assumptions(enforced)
    status, _ = _solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE), f"solver status {status}"
    return status == cp_model.OPTIMAL
