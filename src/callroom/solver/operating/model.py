"""The CP-SAT models of an OR day: the surgeons first, then the teaching assistants.

The day is solved lexicographically, each stage proven optimal: first who operates (every case
covered that can be, then the residents' urgency, continuity, pairings and fair shares of index
cases), then, with those surgeons held, which free seniors teach. Teaching is a small reward
that never costs a case or a resident's surgeon credit. Solving it second keeps a 60-case day
proven optimal in about a second, where one weighted model, or a second stage free to choose
among the first stage's equal plans (its points held at their optimum), took ten or more on
the bench day; the price is that among equally good surgeon plans the first stage does not
look for the one that leaves the most seniors free to teach.

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
from collections.abc import Collection
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from callroom.domain.operating import NON_OPERATIVE, OrCase
from callroom.rules.caselog import MAJOR
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


def build(request: OrRequest, held: Collection[Key] | None = None) -> OrModel:
    """The surgeons' stage (`held` None: no TA), or the teachers' stage: the TA variables too,
    with the surgeons held to `held` (the first stage's (case, person) pairs)."""
    built = OrModel(cp_model.CpModel())
    _variables(request, built, teaching=held is not None)
    if held is not None:
        _hold(built, held)
    _one_surgeon(request, built)
    _teaching(request, built)
    _no_overlap(request, built)
    _conflicts(request, built)
    surgeons, teachers = _objective(request, built)
    built.model.maximize(surgeons + teachers)
    return built


def _hold(built: OrModel, held: Collection[Key]) -> None:
    chosen = set(held)
    for key, var in built.surgeon.items():
        built.model.add(var == int(key in chosen))
    covered = {case_id for case_id, _ in chosen}
    for case_id, var in built.uncovered.items():
        built.model.add(var == int(case_id not in covered))


def _variables(request: OrRequest, built: OrModel, *, teaching: bool) -> None:
    model = built.model
    for case in request.cases:
        built.uncovered[case.id] = model.new_bool_var(f"uncovered[{case.id}]")
        able = [c for c in request.candidates if may_operate(request, case, c)]
        for candidate in able:
            built.surgeon[case.id, candidate.person_id] = model.new_bool_var(
                f"surgeon[{case.id},{candidate.person_id}]"
            )
        for candidate in able if teaching else ():
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
    categories = request.needs[case.id].categories if case.id in request.needs else ()
    urgency = sum(candidate.urgency.get(cat, 0.0) for cat in categories)
    # An operation counts toward total major cases too (as `rules.caselog.is_operative` says of
    # a logged line: not only non-operative categories), which `urgency` weighs as MAJOR.
    if not categories or not set(categories) <= NON_OPERATIVE:
        urgency += candidate.urgency.get(MAJOR, 0.0)
    points = round(urgency * weights.urgency * weights.scale)
    if candidate.person_id in case.continuity:
        points += weights.continuity * weights.scale
    if case.attending_id is not None and (case.attending_id, candidate.person_id) in request.pairings:
        points += weights.pairing * weights.scale
    return points


def _objective(request: OrRequest, built: OrModel) -> tuple[cp_model.LinearExpr, cp_model.LinearExpr]:
    """The surgeons' points (cover, urgency, continuity, pairings, fair shares) and the
    teachers' points. A case's uncovered weight outweighs all any plan could gain otherwise,
    the same in both stages, so the surgeons' points mean the same in each."""
    weights = request.weights
    by_id = {c.person_id: c for c in request.candidates}
    cases = {c.id: c for c in request.cases}
    catch_up = _catch_up(request)
    variables: list[cp_model.IntVar] = []
    points: list[int] = []
    swing: dict[str, int] = defaultdict(int)  # the most one case's choice can move the objective
    for (case_id, person_id), var in built.surgeon.items():
        gain = reward(request, cases[case_id], by_id[person_id]) + catch_up.get((case_id, person_id), 0)
        variables.append(var)
        points.append(gain)
        swing[case_id] = max(swing[case_id], abs(gain))
    teaching = weights.teaching * weights.scale
    ta_swing = sum(
        max((reward(request, c, p) + teaching for p in request.candidates), default=0) for c in request.cases
    )
    extra, extra_points, most_extra = _second_index(request, built)
    ceiling = sum(swing.values()) + ta_swing + most_extra
    built.uncovered_weight = max(weights.uncovered, ceiling + 1)
    variables += [*built.uncovered.values(), *extra]
    points += [-built.uncovered_weight] * len(built.uncovered) + extra_points
    teachers = list(built.teacher.items())
    taught = [reward(request, cases[c], by_id[p]) + teaching for (c, p), _ in teachers]
    return (
        cp_model.LinearExpr.weighted_sum(variables, points),
        cp_model.LinearExpr.weighted_sum([v for _, v in teachers], taught),
    )


def _index_cases(request: OrRequest) -> list[str]:
    return [c.id for c in request.cases if (need := request.needs.get(c.id)) is not None and need.index]


def _catch_up(request: OrRequest) -> dict[tuple[str, str], int]:
    """Fair shares of index cases, over the year: a surgeon credit on an index case gains (or
    loses) `fair_index` points per index case the resident is behind (or ahead of) the mean of
    their cohort so far. Linear, so the search proves it as fast as the urgency."""
    weight = request.weights.fair_index * request.weights.scale
    cohorts: dict[str, list[int]] = defaultdict(list)
    for candidate in request.candidates:
        cohorts[candidate.cohort].append(candidate.index_so_far)
    mean = {label: sum(counts) / len(counts) for label, counts in cohorts.items()}
    return {
        (case_id, c.person_id): round(weight * (mean[c.cohort] - c.index_so_far))
        for case_id in _index_cases(request)
        for c in request.candidates
    }


def _second_index(request: OrRequest, built: OrModel) -> tuple[list[cp_model.IntVar], list[int], int]:
    """Fair shares today: each index case a resident takes beyond the first of the day costs
    `fair_index` points (a convex cost, which the LP relaxation states exactly)."""
    index = _index_cases(request)
    weight = request.weights.fair_index * request.weights.scale
    variables: list[cp_model.IntVar] = []
    if weight <= 0:
        return variables, [], 0
    for candidate in request.candidates:
        held = [
            built.surgeon[c, candidate.person_id] for c in index if (c, candidate.person_id) in built.surgeon
        ]
        if len(held) < 2:
            continue
        beyond = built.model.new_int_var(0, len(held) - 1, f"index_beyond_first[{candidate.person_id}]")
        built.model.add(beyond >= cp_model.LinearExpr.sum(held) - 1)
        variables.append(beyond)
    return variables, [-weight] * len(variables), weight * len(index)
