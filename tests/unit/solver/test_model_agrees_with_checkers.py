"""The CP-SAT model and the pure checkers are two writings of the same rules; they must agree.

For random programs and random rosters, fixing the model's variables to the roster is feasible
exactly when the checkers find no hard violation, and then the objective equals the scored
penalties. The one allowed difference: the solver's free-day count is a sound lower bound.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from callroom.solver.build.model import RosterModel, build_model
from callroom.solver.run import extract_roster
from tests.strategies import edits, programs, rosters


def _fix(built: RosterModel, roster: Roster) -> None:
    worked = {(a.person_id, a.day, a.post_id, a.shift_id) for a in roster.assignments}
    dates = built.program.block.dates()
    for p, person in enumerate(built.program.people):
        for item in built.space.person_items(p):
            on = (person.id, dates[item.day], item.post.id, item.shift.id) in worked
            built.model.add(item.var == int(on))


def _solve(built: RosterModel) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    return solver.solve(built.model), solver


def _only_free_days_refuse(program: Program, roster: Roster) -> bool:
    built = build_model(program, explain=True)
    _fix(built, roster)
    built.model.add_assumptions(list(built.guards.literals.values()))
    status, solver = _solve(built)
    if status != cp_model.INFEASIBLE:
        return False
    by_index = {v.index: k for k, v in built.guards.literals.items()}
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    return bool(core) and all(k.rule == ids.FREE_DAYS.code for k in core)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fixing_the_model_to_a_roster_agrees_with_the_checkers(data: st.DataObject) -> None:
    program = data.draw(programs(loose=data.draw(st.booleans())))
    roster = data.draw(rosters(program, density=data.draw(st.sampled_from([0.15, 0.4, 0.7]))))
    violations = hard_violations(program, roster)
    built = build_model(program)
    _fix(built, roster)
    status, solver = _solve(built)
    if status == cp_model.OPTIMAL:
        assert violations == []
        assert round(solver.objective_value) == score(program, roster).total
    else:
        assert status == cp_model.INFEASIBLE
        assert violations or _only_free_days_refuse(program, roster)


def _solved(program: Program) -> Roster | None:
    built = build_model(program)
    status, solver = _solve(built)
    return extract_roster(built, solver) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_one_edit_away_from_a_solution_the_model_and_checkers_still_agree(data: st.DataObject) -> None:
    program = data.draw(programs(loose=data.draw(st.booleans())))
    solution = _solved(program)
    if solution is None:
        return
    edited = data.draw(edits(program, solution))
    violations = hard_violations(program, edited)
    built = build_model(program)
    _fix(built, edited)
    status, solver = _solve(built)
    if status == cp_model.OPTIMAL:
        assert violations == []
        assert round(solver.objective_value) == score(program, edited).total
    else:
        assert violations or _only_free_days_refuse(program, edited)
