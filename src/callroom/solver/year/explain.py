"""Why no year plan exists, in words: the arithmetic first, then the rules that conflict.

The arithmetic needs no search and says most: a rotation whose weekly complement needs more
resident-weeks than the residents may give it ("PGY-1 on trauma needs 2 every week: 52 × 2 =
104 resident-weeks; 8 PGY-1 residents may each spend at most 12 weeks there: 96 < 104"), or a
week whose complements need more residents of a grade than there are. Failing that, the hard
rules are guarded and CP-SAT names a set of them that cannot hold together, shrunk one rule at a
time while the time allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from callroom.domain.grades import GradeRange
from callroom.domain.program import Person, Program
from callroom.domain.year import Rotation, Year
from callroom.rules import ids
from callroom.solver.explain.infeasible import shrink
from callroom.solver.year.model import Rule, YearModel, build_year_model

HEADER = "No year plan can meet all of these at once:"


@dataclass(frozen=True)
class YearExplanation:
    sentences: tuple[str, ...]
    rules: tuple[Rule, ...] = ()

    def __str__(self) -> str:
        return "\n".join(self.sentences)


def explain_year(program: Program, *, search: bool, time_limit_s: float = 20.0) -> YearExplanation | None:
    """The arithmetic that rules out any plan, or (with `search`) the conflicting rules."""
    assert program.year is not None
    found = _short_week(program, program.year) or _short_rotation(program, program.year)
    if found is not None or not search:
        return found
    return _conflicting_rules(program, time_limit_s)


def _most_weeks(program: Program, year: Year, person: Person, rotation: Rotation) -> int:
    """The most weeks the resident can be present on the rotation: the weeks they are in the
    program less their vacation, and less than any requirement capping it allows."""
    if not program.may_rotate(person, rotation):
        return 0
    most = len(year.weeks_in(person.id)) - year.vacation_due(person.id)
    for q in year.requirements:
        if person.grade in q.grades and rotation.id in q.rotation_ids and q.max_weeks is not None:
            most = min(most, q.max_weeks)
    return most


def _short_rotation(program: Program, year: Year) -> YearExplanation | None:
    for rotation in year.rotations:
        for complement in rotation.complement:
            if complement.minimum <= 0:
                continue
            cohort = [p for p in program.residents if p.grade in complement.grades]
            needed = complement.minimum * year.weeks
            caps = [_most_weeks(program, year, p, rotation) for p in cohort]
            if sum(caps) < needed:
                return YearExplanation(
                    (
                        HEADER,
                        f"- {complement.grades.label} on {rotation.name} needs {complement.minimum} every "
                        f"week: {year.weeks} × {complement.minimum} = {needed} resident-weeks; "
                        f"{_who_may_give(cohort, caps)} = {sum(caps)} < {needed}.",
                    ),
                    (Rule(ids.YEAR_COMPLEMENT, rotation.id, complement.grades.label),),
                )
    return None


def _who_may_give(cohort: list[Person], caps: list[int]) -> str:
    if not cohort:
        return "there is nobody of that grade"
    if len(set(caps)) == 1:
        return (
            f"{len(cohort)} residents may each spend at most {caps[0]} weeks there: {len(cohort)} × {caps[0]}"
        )
    return " + ".join(f"{p.name} {c}" for p, c in zip(cohort, caps, strict=True))


def _short_week(program: Program, year: Year) -> YearExplanation | None:
    """A week in which the complements need more residents of some grades than are in. Within a
    rotation, complements of nested grades share residents: the largest counts."""
    ranges = {c.grades for r in year.rotations for c in r.complement}
    for grades in sorted(ranges, key=lambda g: (g.lowest, g.highest)):
        needs = [
            (r, most)
            for r in year.rotations
            if (most := max((c.minimum for c in r.complement if _within(c.grades, grades)), default=0))
        ]
        total = sum(n for _, n in needs)
        for w in range(year.weeks):
            there = [p for p in program.residents if p.grade in grades and _in_week(year, p, w)]
            if total > len(there):
                parts = ", ".join(f"{r.name} {n}" for r, n in needs)
                return YearExplanation(
                    (
                        HEADER,
                        f"- In the week of {year.week_start(w)}, the rotations need {total} "
                        f"{_cohort(grades)} ({parts}); there are {len(there)}.",
                    ),
                    tuple(Rule(ids.YEAR_COMPLEMENT, r.id, grades.label) for r, _ in needs),
                )
    return None


def _cohort(grades: GradeRange) -> str:
    return "residents" if grades.label == "resident" else f"{grades.label} residents"


def _within(inner: GradeRange, outer: GradeRange) -> bool:
    return outer.lowest <= inner.lowest and inner.highest <= outer.highest


def _in_week(year: Year, person: Person, week: int) -> bool:
    return week in year.weeks_in(person.id)


def _conflicting_rules(program: Program, time_limit_s: float) -> YearExplanation | None:
    """CP-SAT's core of the guarded rules, shrunk one chunk of rules at a time."""
    built = build_year_model(program, explain=True)
    literals = built.guards
    built.model.add_assumptions(list(literals.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s / 2
    solver.parameters.num_workers = 1  # cores come from a sequential search
    if solver.solve(built.model) != cp_model.INFEASIBLE:
        return None
    by_index = {literal.index: rule for rule, literal in literals.items()}
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
    built.model.clear_assumptions()
    budget = time_limit_s / 2 / max(1, 2 * len(core))
    kept, _ = shrink(core or list(literals), lambda rules: _holds(built, rules, budget))
    return YearExplanation((HEADER, *(f"- {_words(program, rule)}" for rule in kept)), tuple(kept))


def _holds(built: YearModel, rules: list[Rule], limit: float) -> cp_model.CpSolverStatus:
    """Whether these rules can all hold, every guard fixed to a constant."""
    model = built.model.clone()
    chosen = set(rules)
    for rule, literal in built.guards.items():
        model.add(model.get_bool_var_from_proto_index(literal.index) == int(rule in chosen))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    return solver.solve(model)


def _words(program: Program, rule: Rule) -> str:
    assert program.year is not None
    name = program.year.rotation[rule.subject].name if rule.subject in program.year.rotation else rule.subject
    person = program.person.get(rule.subject)
    who = person.name if person else rule.subject
    words = {
        ids.YEAR_REQUIREMENT: _requirement_words(program.year, rule),
        ids.YEAR_COMPLEMENT: f"{name} must have its weekly complement of {rule.detail} residents",
        ids.YEAR_NO_LEAVE: f"no vacation may be taken on {name}",
        ids.YEAR_VACATION: f"{who} must take their vacation weeks",
        ids.YEAR_VACATION_CAP: f"at most {program.year.vacation.max_off} of {name} may be off in one week",
        ids.YEAR_FIRST: f"{rule.subject} residents start the year on {_name(program.year, rule.detail)}",
        ids.YEAR_FIXED: f"{who} is fixed on {_name(program.year, rule.detail)}",
        ids.YEAR_RUN: f"nobody spends more than {rule.detail} weeks in a row on {name}",
        ids.YEAR_HEAVY_RUN: f"nobody spends more than {rule.detail} weeks in a row on heavy rotations",
        ids.YEAR_CONFLICT: f"{who} and {_person_name(program, rule.detail)} never share a rotation",
    }
    return words.get(rule.rule, rule.rule.title)


def _person_name(program: Program, person_id: str) -> str:
    found = program.person.get(person_id)
    return found.name if found else person_id


def _name(year: Year, rotation_id: str) -> str:
    found = year.rotation.get(rotation_id)
    return found.name if found else rotation_id


def _requirement_words(year: Year, rule: Rule) -> str:
    for q in year.requirements:
        if (q.grades.label, q.label) == (rule.subject, rule.detail):
            names = " or ".join(_name(year, r) for r in q.rotation_ids)
            span = f"at least {q.min_weeks}" if q.max_weeks is None else f"{q.min_weeks} to {q.max_weeks}"
            return f"each of the {_cohort(q.grades)} spends {span} weeks on {names}"
    return f"{rule.subject} requirement on {rule.detail}"
