"""The annual rotation model: CP-SAT over residents × weeks.

`on[p, w, r]` is 1 when resident p spends week w on rotation r (exactly one a week from the
day they join), `off[p, w]` when that week is vacation, and `present[p, w, r]` when both on r and
not on vacation: requirements and complements count presence. Hard rules are each guarded by a
`Rule` when explaining, so an infeasible year can be narrowed to the rules that conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.program import Person, Program
from callroom.domain.year import Length, Rotation, Year
from callroom.rules import ids
from callroom.rules.ids import RuleId

# Weights of the soft goals. A vacation request not granted at all costs as much as ten ranks
# down; an elective first choice missed as much as five weeks on the second.
MISSED_VACATION = 100
VACATION_RANK = 10
MISSED_FIRST_ELECTIVE = 50
ELECTIVE_RANK = 2
HEAVY_SPREAD = 5
SWITCH = 1


@dataclass(frozen=True)
class Rule:
    """A hard rule of the year, as the explanation names it: which rule and what it binds."""

    rule: RuleId
    subject: str  # the grade, rotation or person it binds
    detail: str = ""


@dataclass
class YearModel:
    program: Program
    year: Year
    model: cp_model.CpModel
    people: list[Person]
    on: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    off: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    present: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    guards: dict[Rule, cp_model.IntVar] = field(default_factory=dict)
    explain: bool = False
    terms: list[tuple[int, cp_model.LinearExprT]] = field(default_factory=list)
    first_choice: dict[int, cp_model.IntVar] = field(default_factory=dict)  # 1: first choice missed
    granted: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    # Weeks a requirement's minimum falls short, by (resident, requirement index): only when
    # re-planning, where a leave may leave a minimum out of reach within the year.
    short: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)

    def guard(self, rule: Rule) -> list[cp_model.IntVar]:
        """The enforcement literal of a rule when explaining (none otherwise)."""
        if not self.explain:
            return []
        if rule not in self.guards:
            self.guards[rule] = self.model.new_bool_var(f"rule_{len(self.guards)}")
        return [self.guards[rule]]

    def present_on(self, p: int, rotation_ids: Collection[str]) -> list[cp_model.IntVar]:
        """Resident p's week-by-week presence on any of the rotations (looked up, not scanned:
        the model has a presence per resident, week and rotation)."""
        return [
            self.present[p, w, r] for w in self.weeks_of(p) for r in rotation_ids if (p, w, r) in self.present
        ]

    def weeks_of(self, p: int) -> tuple[int, ...]:
        """The weeks resident p is in the program (from the week they join, less leave)."""
        return self.year.weeks_in(self.people[p].id)

    def all_year(self, p: int) -> bool:
        """Whether resident p is in the program from the year's first week."""
        return self.year.joined_week(self.people[p].id) == 0

    def rotations_for(self, person: Person) -> list[Rotation]:
        """The rotations whose posts take the person's grade (a rotation without posts, such as
        research, takes anyone)."""
        return [r for r in self.year.rotations if self.program.may_rotate(person, r)]


def build_year_model(
    program: Program, *, explain: bool = False, shortfall: bool = False, goals: bool = True
) -> YearModel:
    """The year's model; with `shortfall`, requirement minimums may fall short (`built.short`)
    instead of making the model infeasible: the caller weighs the shortfall. Without `goals`
    (and when explaining) it has the hard rules only, and no objective."""
    if program.year is None:
        raise ValueError("the program has no academic year")
    built = YearModel(program, program.year, cp_model.CpModel(), list(program.residents), explain=explain)
    _add_weeks(built)
    _add_lengths(built)
    _add_requirements(built, shortfall)
    _add_complements(built)
    _add_vacation(built)
    _add_first_and_fixed(built)
    _add_runs(built)
    _add_conflicts(built)
    if goals and not explain:
        _add_goals(built)
        built.model.minimize(
            LinearExpr.weighted_sum([t for _, t in built.terms], [w for w, _ in built.terms])
        )
    return built


def _add_weeks(built: YearModel) -> None:
    model = built.model
    for p, person in enumerate(built.people):
        choices = built.rotations_for(person)
        for w in built.weeks_of(p):
            row = []
            for rotation in choices:
                on = model.new_bool_var(f"on_{p}_{w}_{rotation.id}")
                built.on[p, w, rotation.id] = on
                row.append(on)
            model.add_exactly_one(row)
            off = model.new_bool_var(f"off_{p}_{w}")
            built.off[p, w] = off
            for rotation in choices:
                on, here = built.on[p, w, rotation.id], model.new_bool_var(f"at_{p}_{w}_{rotation.id}")
                model.add(here <= on)
                model.add(here + off <= 1)
                model.add(here >= on - off)
                built.present[p, w, rotation.id] = here
                if not rotation.vacation:
                    model.add(on + off <= 1).only_enforce_if(
                        built.guard(Rule(ids.YEAR_NO_LEAVE, rotation.id))
                    )


def _add_lengths(built: YearModel) -> None:
    """A rotation given in blocks (or halves) is the same all through each block (or half), in
    the weeks of it the resident is in the program."""
    for (p, w, rotation_id), on in built.on.items():
        rotation = built.year.rotation[rotation_id]
        if rotation.length is Length.WEEK:
            continue
        block = built.year.block_of_week[w]
        piece = (
            v
            for v in block.week_indices
            if rotation.length is Length.BLOCK or block.half_of(v) == block.half_of(w)
        )
        first = next(v for v in piece if (p, v, rotation_id) in built.on)
        if first != w:
            built.model.add(on == built.on[p, first, rotation_id])


def _add_requirements(built: YearModel, shortfall: bool) -> None:
    for p, person in enumerate(built.people):
        for i, requirement in enumerate(built.year.requirements):
            if person.grade not in requirement.grades:
                continue
            weeks = built.present_on(p, requirement.rotation_ids)
            key = built.guard(Rule(ids.YEAR_REQUIREMENT, requirement.grades.label, requirement.label))
            total = LinearExpr.sum(weeks)
            if shortfall and requirement.min_weeks > 0:
                short = built.model.new_int_var(0, requirement.min_weeks, f"short_{p}_{i}")
                built.short[p, i] = short
                total = total + short
            built.model.add(total >= requirement.min_weeks).only_enforce_if(key)
            if requirement.max_weeks is not None:
                built.model.add(total <= requirement.max_weeks).only_enforce_if(key)


def _add_complements(built: YearModel) -> None:
    for rotation in built.year.rotations:
        for complement in rotation.complement:
            key = built.guard(Rule(ids.YEAR_COMPLEMENT, rotation.id, complement.grades.label))
            for w in range(built.year.weeks):
                here = [
                    built.present[p, w, rotation.id]
                    for p, person in enumerate(built.people)
                    if person.grade in complement.grades and (p, w, rotation.id) in built.present
                ]
                total = LinearExpr.sum(here)
                built.model.add(total >= complement.minimum).only_enforce_if(key)
                if complement.maximum is not None:
                    built.model.add(total <= complement.maximum).only_enforce_if(key)


def _add_vacation(built: YearModel) -> None:
    rules = built.year.vacation
    for p, person in enumerate(built.people):
        weeks = built.weeks_of(p)
        due = built.year.vacation_due(person.id)
        key = built.guard(Rule(ids.YEAR_VACATION, person.id))
        built.model.add(LinearExpr.sum([built.off[p, w] for w in weeks]) == due).only_enforce_if(key)
    if rules.max_off is None:
        return
    for rotation in built.year.rotations:
        key = built.guard(Rule(ids.YEAR_VACATION_CAP, rotation.id))
        for w in range(built.year.weeks):
            away = [
                built.on[p, w, rotation.id] - built.present[p, w, rotation.id]
                for p in range(len(built.people))
                if (p, w, rotation.id) in built.on
            ]
            if len(away) > rules.max_off:
                built.model.add(LinearExpr.sum(away) <= rules.max_off).only_enforce_if(key)


def _add_first_and_fixed(built: YearModel) -> None:
    for p, person in enumerate(built.people):
        weeks = built.weeks_of(p)
        for first in built.year.first:
            if person.grade in first.grades and built.all_year(p) and (p, 0, first.rotation_id) in built.on:
                key = built.guard(Rule(ids.YEAR_FIRST, first.grades.label, first.rotation_id))
                built.model.add(built.on[p, 0, first.rotation_id] == 1).only_enforce_if(key)
        for fixed in built.year.wishes_of(person.id).fixed:
            key = built.guard(Rule(ids.YEAR_FIXED, person.id, fixed.rotation_id))
            for w in _weeks_between(built.year, fixed.start, fixed.end):
                var = built.on.get((p, w, fixed.rotation_id))
                if w in weeks:
                    built.model.add_bool_or([var] if var is not None else []).only_enforce_if(key)


def _weeks_between(year: Year, start: date, end: date) -> Iterator[int]:
    """The weeks that begin between the two dates (inclusive)."""
    return (w for w in range(year.weeks) if start <= year.week_start(w) <= end)


def _add_runs(built: YearModel) -> None:
    """At most so many weeks in a row on one rotation, and on heavy rotations."""
    for rotation in built.year.rotations:
        cap = rotation.max_weeks_in_a_row
        if cap is None:
            continue
        key = built.guard(Rule(ids.YEAR_RUN, rotation.id, str(cap)))
        for p in range(len(built.people)):
            _cap_windows(
                built, [built.on.get((p, w, rotation.id)) for w in range(built.year.weeks)], cap, key
            )
    cap = built.year.max_heavy_weeks_in_a_row
    if cap is None:
        return
    heavy = [r.id for r in built.year.rotations if r.heavy]
    key = built.guard(Rule(ids.YEAR_HEAVY_RUN, "heavy", str(cap)))
    for p in range(len(built.people)):
        weeks = [_sum_or_none([built.on.get((p, w, r)) for r in heavy]) for w in range(built.year.weeks)]
        _cap_windows(built, weeks, cap, key)


def _sum_or_none(terms: list[cp_model.IntVar | None]) -> LinearExpr | None:
    present = [t for t in terms if t is not None]
    return LinearExpr.sum(present) if present else None


def _cap_windows(built: YearModel, weeks: list, cap: int, key: list[cp_model.IntVar]) -> None:  # type: ignore[type-arg]
    for first in range(len(weeks) - cap):
        window = [w for w in weeks[first : first + cap + 1] if w is not None]
        if len(window) > cap:
            built.model.add(LinearExpr.sum(window) <= cap).only_enforce_if(key)


def _add_conflicts(built: YearModel) -> None:
    """Two residents in a declared conflict are never on one rotation with posts in one week
    (rotations without posts, such as research, put nobody on a team)."""
    index = {person.id: p for p, person in enumerate(built.people)}
    for conflict in built.program.conflicts:
        first, second = index.get(conflict.first), index.get(conflict.second)
        if first is None or second is None:
            continue
        key = built.guard(Rule(ids.YEAR_CONFLICT, conflict.first, conflict.second))
        for w in built.weeks_of(first):
            for rotation in built.year.rotations:
                here, other = (
                    built.present.get((first, w, rotation.id)),
                    built.present.get((second, w, rotation.id)),
                )
                if here is not None and other is not None and rotation.post_ids:
                    built.model.add(here + other <= 1).only_enforce_if(key)


def _add_goals(built: YearModel) -> None:
    _vacation_requests(built)
    _electives(built)
    _heavy_fairness(built)
    _switches(built)


def _vacation_requests(built: YearModel) -> None:
    """Each ranked request is granted in one of its weeks or not at all; two requests never
    share a vacation week."""
    model = built.model
    for p, person in enumerate(built.people):
        claims: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for k, weeks in enumerate(built.year.wishes_of(person.id).vacation):
            options = []
            for rank, start in enumerate(weeks):
                w = built.year.week_of(start)
                if (p, w) not in built.off:
                    continue
                granted = model.new_bool_var(f"vac_{p}_{k}_{rank}")
                built.granted[p, k, rank] = granted
                claims[w].append(granted)
                options.append(granted)
                built.terms.append((VACATION_RANK * rank, granted))
            missed = model.new_bool_var(f"vac_missed_{p}_{k}")
            model.add_exactly_one([*options, missed])
            built.terms.append((MISSED_VACATION, missed))
        for w, claimed in claims.items():
            model.add(LinearExpr.sum(claimed) <= built.off[p, w])


def _electives(built: YearModel) -> None:
    """Elective weeks cost their rank (unranked ones the most); a first choice never given
    costs more."""
    electives = [r.id for r in built.year.rotations if r.elective]
    for p, person in enumerate(built.people):
        ranked = [e for e in built.year.wishes_of(person.id).electives if e in electives]
        for rotation_id in electives:
            rank = ranked.index(rotation_id) if rotation_id in ranked else len(ranked) + 1
            weeks = built.present_on(p, (rotation_id,))
            if rank and weeks:
                built.terms.append((ELECTIVE_RANK * rank, LinearExpr.sum(weeks)))
        if not ranked:
            continue
        first = built.present_on(p, ranked[:1])
        missed = built.model.new_bool_var(f"missed_first_elective_{p}")
        built.model.add(missed + LinearExpr.sum(first) >= 1)
        built.first_choice[p] = missed
        built.terms.append((MISSED_FIRST_ELECTIVE, missed))


def _heavy_fairness(built: YearModel) -> None:
    """The spread (most minus fewest) of heavy weeks among residents of one grade who are in the
    program all year."""
    heavy = {r.id for r in built.year.rotations if r.heavy}
    if not heavy:
        return
    cohorts: dict[int, list[LinearExpr]] = defaultdict(list)
    for p, person in enumerate(built.people):
        if built.all_year(p):
            weeks = built.present_on(p, heavy)
            cohorts[person.grade].append(LinearExpr.sum(weeks))
    for grade, totals in cohorts.items():
        if len(totals) < 2:
            continue
        most = built.model.new_int_var(0, built.year.weeks, f"heavy_most_{grade}")
        fewest = built.model.new_int_var(0, built.year.weeks, f"heavy_fewest_{grade}")
        spread = built.model.new_int_var(0, built.year.weeks, f"heavy_spread_{grade}")
        for total in totals:
            built.model.add(most >= total)
            built.model.add(fewest <= total)
        # A variable of its own, never negative, keeps the objective's bound from going below 0.
        built.model.add(spread == most - fewest)
        built.terms.append((HEAVY_SPREAD, spread))


def _switches(built: YearModel) -> None:
    """Continuity: a resident stays on one rotation through a block; each change from one week
    to the next inside a block (a week elsewhere in its middle) costs a little. Changes at a
    block's end are the year's rhythm, not a loss of continuity."""
    for p, person in enumerate(built.people):
        choices = [r.id for r in built.rotations_for(person)]
        weeks = built.weeks_of(p)
        for w in weeks[:-1]:
            if built.year.block_of_week[w + 1].first == w + 1 or (p, w + 1, choices[0]) not in built.on:
                continue
            switch = built.model.new_bool_var(f"switch_{p}_{w}")
            for rotation_id in choices:
                built.model.add(switch >= built.on[p, w, rotation_id] - built.on[p, w + 1, rotation_id])
            built.terms.append((SWITCH, switch))
