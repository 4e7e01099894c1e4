"""The CP-SAT model of an OR day.

Variables: `surgeon[case, person]` (the resident takes surgeon credit, SC or SJ by grade) and
`teacher[case, person]` (TA), made only where the resident may take that role at all, and
`uncovered[case]`. Hard (the rules of `rules.operating.check_plan`):
- each case has one surgeon or is uncovered; at most one TA; one role per person per case
  (which the TA's junior surgeon implies: the surgeon is the case's only one);
- a surgeon is free for the case (availability), meets its least grade and is no declared
  conflict of its attending; a TA too, and is more senior than the surgeon it teaches;
- nobody holds two cases whose times overlap with the turnover: one constraint per case start
  over the cases running then (the maximal cliques of an interval graph);
- two residents in a declared conflict never share a case.
Soft: see `OrWeights`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from callroom.domain.operating import OrCase
from callroom.rules.operating import overlaps
from callroom.solver.operating.request import Candidate, OrRequest

Key = tuple[str, str]  # (case id, person id)


@dataclass
class OrModel:
    model: cp_model.CpModel
    surgeon: dict[Key, cp_model.IntVar] = field(default_factory=dict)
    teacher: dict[Key, cp_model.IntVar] = field(default_factory=dict)
    uncovered: dict[str, cp_model.IntVar] = field(default_factory=dict)
    uncovered_weight: int = 0


def may_operate(request: OrRequest, case: OrCase, candidate: Candidate) -> bool:
    """Whether the candidate may take surgeon credit on the case, before any other choice."""
    need = request.needs.get(case.id)
    return (
        request.availability.may_take(case.id, candidate.person_id)
        and (need is None or candidate.grade >= need.min_grade)
        and not _with_attending(request, case, candidate)
    )


def _with_attending(request: OrRequest, case: OrCase, candidate: Candidate) -> bool:
    return case.attending_id is not None and request.conflicted(case.attending_id, candidate.person_id)


def build(request: OrRequest) -> OrModel:
    built = OrModel(cp_model.CpModel())
    _variables(request, built)
    _one_surgeon(request, built)
    _teaching(request, built)
    _no_overlap(request, built)
    _conflicts(request, built)
    _objective(request, built)
    return built


def _variables(request: OrRequest, built: OrModel) -> None:
    model = built.model
    for case in request.cases:
        built.uncovered[case.id] = model.new_bool_var(f"uncovered[{case.id}]")
        able = [c for c in request.candidates if may_operate(request, case, c)]
        for candidate in able:
            built.surgeon[case.id, candidate.person_id] = model.new_bool_var(
                f"surgeon[{case.id},{candidate.person_id}]"
            )
        for candidate in able:
            # A TA needs someone more junior who could operate on the same case.
            if any(other.grade < candidate.grade for other in able):
                built.teacher[case.id, candidate.person_id] = model.new_bool_var(
                    f"teacher[{case.id},{candidate.person_id}]"
                )


def _one_surgeon(request: OrRequest, built: OrModel) -> None:
    for case in request.cases:
        surgeons = [v for (c, _), v in built.surgeon.items() if c == case.id]
        built.model.add(cp_model.LinearExpr.sum([*surgeons, built.uncovered[case.id]]) == 1)
        teachers = [v for (c, _), v in built.teacher.items() if c == case.id]
        if len(teachers) > 1:
            built.model.add_at_most_one(teachers)


def _teaching(request: OrRequest, built: OrModel) -> None:
    """A TA teaches a more junior surgeon on the same case."""
    grade = {c.person_id: c.grade for c in request.candidates}
    for (case_id, person_id), teacher in built.teacher.items():
        juniors = [v for (c, p), v in built.surgeon.items() if c == case_id and grade[p] < grade[person_id]]
        built.model.add(cp_model.LinearExpr.sum(juniors) >= 1).only_enforce_if(teacher)


def _roles(built: OrModel, case_id: str, person_id: str) -> list[cp_model.IntVar]:
    key = (case_id, person_id)
    return [v for v in (built.surgeon.get(key), built.teacher.get(key)) if v is not None]


def _no_overlap(request: OrRequest, built: OrModel) -> None:
    ordered = sorted(request.cases, key=lambda c: (c.start, c.id))
    cliques = [
        [c for c in ordered if c.start <= case.start and overlaps(c, case, request.turnover_minutes)]
        for case in ordered
    ]
    for candidate in request.candidates:
        for clique in cliques:
            held = [v for c in clique for v in _roles(built, c.id, candidate.person_id)]
            if len(held) > 1:
                built.model.add_at_most_one(held)


def _conflicts(request: OrRequest, built: OrModel) -> None:
    for conflict in request.conflicts:
        for case in request.cases:
            first, second = _roles(built, case.id, conflict.first), _roles(built, case.id, conflict.second)
            if first and second:
                built.model.add_at_most_one(first + second)


def reward(request: OrRequest, case: OrCase, candidate: Candidate) -> int:
    """Integer points for the candidate operating on (or teaching) the case, bonuses included."""
    weights = request.weights
    need = request.needs.get(case.id)
    urgency = sum(candidate.urgency.get(cat, 0.0) for cat in (need.categories if need else ()))
    points = round(urgency * weights.urgency * weights.scale)
    if candidate.person_id in case.continuity:
        points += weights.continuity * weights.scale
    if case.attending_id is not None and (case.attending_id, candidate.person_id) in request.pairings:
        points += weights.pairing * weights.scale
    return points


Terms = tuple[list[cp_model.IntVar], list[int]]  # variables and their points


def _objective(request: OrRequest, built: OrModel) -> None:
    weights = request.weights
    by_id = {c.person_id: c for c in request.candidates}
    cases = {c.id: c for c in request.cases}
    variables: list[cp_model.IntVar] = []
    points: list[int] = []
    best: dict[str, int] = defaultdict(int)
    for (case_id, person_id), var in built.surgeon.items():
        gain = reward(request, cases[case_id], by_id[person_id])
        variables.append(var)
        points.append(gain)
        best[case_id] = max(best[case_id], gain)
    best_ta: dict[str, int] = defaultdict(int)
    for (case_id, person_id), var in built.teacher.items():
        gain = reward(request, cases[case_id], by_id[person_id]) + weights.teaching * weights.scale
        variables.append(var)
        points.append(gain)
        best_ta[case_id] = max(best_ta[case_id], gain)
    (spread, lost_to_spread), most_spread = _fair_index(request, built)
    ceiling = sum(best.values()) + sum(best_ta.values()) + most_spread
    built.uncovered_weight = max(weights.uncovered, ceiling + 1)
    variables += list(built.uncovered.values()) + spread
    points += [-built.uncovered_weight] * len(built.uncovered) + lost_to_spread
    built.model.maximize(cp_model.LinearExpr.weighted_sum(variables, points))


def _fair_index(request: OrRequest, built: OrModel) -> tuple[Terms, int]:
    """The spread of index cases (year so far plus today's surgeon credits) within each cohort
    among those who could operate on an index case today, as terms of the objective, and the
    most it could vary between two plans."""
    index = [c.id for c in request.cases if (need := request.needs.get(c.id)) is not None and need.index]
    weight = request.weights.fair_index * request.weights.scale
    variables: list[cp_model.IntVar] = []
    points: list[int] = []
    if not index or weight <= 0:
        return (variables, points), 0
    cohorts: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in request.candidates:
        if any((c, candidate.person_id) in built.surgeon for c in index):
            cohorts[candidate.cohort].append(candidate)
    for label, members in sorted(cohorts.items()):
        if len(members) < 2:
            continue
        lo = min(m.index_so_far for m in members)
        hi = max(m.index_so_far for m in members) + len(index)
        top = built.model.new_int_var(lo, hi, f"index_max[{label}]")
        bottom = built.model.new_int_var(lo, hi, f"index_min[{label}]")
        for member in members:
            # Bounds, not equalities: the objective pushes them onto the max and the min.
            count = _count(built, index, member)
            built.model.add(top >= count)
            built.model.add(bottom <= count)
        variables += [top, bottom]
        points += [-weight, weight]
    return (variables, points), weight * len(index) * (len(variables) // 2)


def _count(built: OrModel, index: Iterable[str], member: Candidate) -> cp_model.LinearExpr:
    held = [built.surgeon[c, member.person_id] for c in index if (c, member.person_id) in built.surgeon]
    return cp_model.LinearExpr.sum(held) + member.index_so_far
