"""Minimal-change repair of a published roster after a sick call, in staged CP-SAT solves.

The repair re-solves the same model `solve` uses (`build_model`: every hard rule, the same
objective terms) with the absence as a hard fact and the published roster as the hint. Goals,
in order:

1. every hard rule holds (cover minimums excepted, see 2);
2. cover is met as well as it can be: cover minimums are guarded, and a guard that is off costs
   the people missing (a "shortfall"), so a hole nobody can fill comes back as the least-bad
   roster with which post goes short and by how much;
3. the fewest changed person-days (a person-day counts 1 when its assignment differs);
4. among those, the original objective.

Goals 2 and 3 are one solve whose objective weighs a missing person above every possible change
(so it is lexicographic); its OPTIMAL status is the proof the change count is the minimum. Goal
4 is a second solve with the shortfall and the change count fixed as constraints.

Before that search, two quicker ways to the same proven minimum: the direct repair (repair.direct:
free colleagues fill the holes, proven by a lower bound on the changes), and when a hole needs
a chain of moves, two small models holding all but a few person-days (`_chained`). The lower
bound, or what `_chained` proved of it, also stops the search as soon as a repair meets it.

A `RepairWatch` lets a caller follow the repair (its phase, and during the change-minimising
search the fewest changes found and the proven bound) and stop it from another thread: the
background job that runs a sick call's repair shows the one and cancels with the other.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from callroom.rules.violations import Violation
from callroom.solver.build.cover import holders
from callroom.solver.build.guards import SlotKey
from callroom.solver.build.model import RosterModel, build_model, objective
from callroom.solver.build.pinning import Cells, cells_of, item_of
from callroom.solver.build.space import Item
from callroom.solver.repair.direct import LowerBound, fill, lower_bound
from callroom.solver.repair.request import Absence, RepairLimits, check_repair
from callroom.solver.repair.words import Move, Shortfall, blockers, describe_moves
from callroom.solver.run import SolveOptions, extract_roster, parameters, stopping

__all__ = [
    "RepairOptions",
    "RepairProgress",
    "RepairResult",
    "RepairStatus",
    "RepairWatch",
    "minimum_changes",
    "repair",
]


class RepairStatus(StrEnum):
    REPAIRED = "repaired"  # every hard rule holds, cover included
    SHORT = "short"  # no roster covers every post; this is the least-bad one (see shortfalls)
    INFEASIBLE = "infeasible"  # no roster keeps the hard rules within the limits given
    UNKNOWN = "unknown"  # nothing found in the time limit


@dataclass(frozen=True)
class RepairOptions:
    time_limit_s: float = 10.0  # for the change-minimising solve
    polish_s: float = 1.0  # for the last solve (the original objective among minimal repairs)
    direct: bool = True  # try the direct repair first (see repair.direct); False: always search
    strategy: str = "single"  # the change-minimising search: "single" worker, or run.STRATEGIES
    workers: int = 2
    seed: int = 0


@dataclass(frozen=True)
class RepairProgress:
    """Where a repair is: its `phase` in words; while the fewest changes are searched for, the
    fewest found so far (`changes`, with the people still missing, `short`) and the proven
    lower bound on changes (`bound`)."""

    phase: str
    elapsed_s: float
    solutions: int = 0
    changes: int | None = None
    short: int | None = None
    bound: int | None = None


FINDING = "finding the fewest changes"


@dataclass(frozen=True)
class RepairWatch:
    """A caller's view of a running repair: `on_progress` hears each phase and each better
    repair found; setting `stop` ends the search with what it has (nothing is polished)."""

    on_progress: Callable[[RepairProgress], None] | None = None
    stop: threading.Event | None = None

    @property
    def stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def tell(self, progress: RepairProgress) -> None:
        if self.on_progress is not None:
            self.on_progress(progress)


DEFAULTS = RepairOptions()
NO_LIMITS = RepairLimits()
UNWATCHED = RepairWatch()


@dataclass(frozen=True)
class RepairResult:
    status: RepairStatus
    roster: Roster | None
    moves: tuple[Move, ...] = ()
    changes: int | None = None  # changed person-days
    minimum_proven: bool = False  # the change count is proven minimal (CP-SAT OPTIMAL)
    change_bound: int | None = None  # the proven lower bound on changes
    shortfalls: tuple[Shortfall, ...] = ()
    blockers: tuple[str, ...] = ()  # why nobody could fill each shortfall, in words
    objective: int | None = None  # the original objective of the repaired roster
    violations: tuple[Violation, ...] = ()  # hard violations other than the declared shortfalls
    wall_s: float = 0.0
    # Search: (build, minimise changes, polish); direct: (direct repair, build, polish).
    stage_s: tuple[float, ...] = ()
    # "direct" (proven by its lower bound, see repair.direct), "chain" (see _chained) or "search"
    method: str = "search"

    @property
    def proof_s(self) -> float:
        """Seconds from the call to the proven (or best found) change count."""
        return self.stage_s[0] if self.method in (DIRECT, CHAIN) else sum(self.stage_s[:2])

    @property
    def short_by(self) -> int:
        return sum(s.short for s in self.shortfalls)


@dataclass
class _Repair:
    """The model with the repair's extra pieces: change count, shortfalls and the published hint."""

    built: RosterModel
    changes: LinearExpr
    shortfalls: list[tuple[SlotKey, cp_model.IntVar]] = field(default_factory=list)  # (slot, missing)
    hint: dict[cp_model.IntVar, int] = field(default_factory=dict)


def repair(
    program: Program,
    published: Roster,
    absence: Absence,
    limits: RepairLimits = NO_LIMITS,
    options: RepairOptions = DEFAULTS,
    watch: RepairWatch = UNWATCHED,
) -> RepairResult:
    """The least change to `published` that takes `absence` into account; see the module doc.

    Raises RepairError (naming the field) for input that makes no sense for this program.
    """
    started = time.monotonic()
    check_repair(program, absence, limits)
    watch.tell(RepairProgress("filling the holes with free colleagues", 0.0))
    least = lower_bound(program, published, absence) if options.direct else None
    direct = None if least is None else fill(program, absence, limits, least)
    shaped, floor = None, None if least is None else least.changes
    if direct is None and least is not None and not watch.stopped:
        watch.tell(RepairProgress(CHAINING, time.monotonic() - started))
        shaped = _build(program, published, absence, limits, relax=False)
        direct, floor = _chained(program, published, absence, limits, least, shaped, options)
    if watch.stopped:
        options = dataclasses.replace(options, polish_s=0.0)
    if direct is not None:
        return _direct_result(program, published, absence, limits, direct, options, started, watch, shaped)
    watch.tell(RepairProgress("building the model", time.monotonic() - started))
    shaped = _build(program, published, absence, limits, relax=True)
    built_s = time.monotonic() - started
    people = max(1, len(program.people) * program.block.days)
    weighted = LinearExpr.sum([v for _, v in shaped.shortfalls]) * (people + 1) + shaped.changes
    watch.tell(RepairProgress(FINDING, built_s))
    searching = _Searching(watch, started, people + 1, floor)
    first = _solve(shaped, weighted, options, options.time_limit_s, options.strategy, searching)
    first_s = time.monotonic() - started - built_s
    if first.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        status = RepairStatus.INFEASIBLE if first.status == cp_model.INFEASIBLE else RepairStatus.UNKNOWN
        return RepairResult(status, None, wall_s=time.monotonic() - started, stage_s=(built_s, first_s))
    short = [(slot, first.solver.value(v)) for slot, v in shaped.shortfalls]
    changes = int(first.solver.value(shaped.changes))
    proven = first.status == cp_model.OPTIMAL or searching.met_floor
    if watch.stopped:  # stopped: what it has, unpolished
        options = dataclasses.replace(options, polish_s=0.0)
    searching.polishing(changes)
    roster = _polish(shaped, first, short, changes, options)
    polish_s = time.monotonic() - started - built_s - first_s
    bound = round(first.solver.best_objective_bound) - (people + 1) * sum(n for _, n in short)
    return _result(
        program,
        published,
        absence,
        roster,
        changes,
        proven,
        max(0, bound),
        short,
        (built_s, first_s, polish_s),
        started,
        limits.movable,
    )


def _direct_result(
    program: Program,
    published: Roster,
    absence: Absence,
    limits: RepairLimits,
    direct: tuple[Roster, int],
    options: RepairOptions,
    started: float,
    watch: RepairWatch = UNWATCHED,
    shaped: _Repair | None = None,
) -> RepairResult:
    """The direct repair (or the chain of moves) is proven minimal (see repair.direct); the
    polish then looks for the best roster by the original objective among those with as few
    changes, on `shaped` when the chain's model was built already."""
    roster, changes = direct
    method = DIRECT if shaped is None else CHAIN
    found_s = time.monotonic() - started
    watch.tell(RepairProgress(POLISHING, found_s, 1, changes, 0, changes))
    if options.polish_s > 0:
        shaped = shaped or _build(program, published, absence, limits, relax=False)
        built_s = time.monotonic() - started - found_s
        roster = _polish_from(shaped, roster, changes, options)
    else:
        built_s = 0.0
    polish_s = time.monotonic() - started - found_s - built_s
    found = _result(
        program, published, absence, roster, changes, True, changes, [], (found_s, built_s, polish_s), started
    )
    return dataclasses.replace(found, method=method)


DIRECT, CHAIN = "direct", "chain"
CHAINING = "looking for a chain of moves"
CHAIN_REACH_DAYS = 1
"""How many days either side of the days a repair must change a chain of moves is first looked
for in (see `_chained`)."""


def _chained(
    program: Program,
    published: Roster,
    absence: Absence,
    limits: RepairLimits,
    bound: LowerBound,
    shaped: _Repair,
    options: RepairOptions,
) -> tuple[tuple[Roster, int] | None, int]:
    """The fewest changes, proven, from two small models, when the direct repair fell short
    of its lower bound (a hole needs a chain of moves), else None (the search over the whole
    block decides); and the least changes of any repair that meets cover, as proven here.

    A repair with no more changes than the bound changes only the lost shifts and person-days
    that add a missing person to a hole (`LowerBound.fillers`): the model with every other
    person-day held says whether one exists. If none does, the minimum is at least one more,
    and a repair with that many is looked for among the person-days within CHAIN_REACH_DAYS
    of those days; found, it is the proven minimum. Both models hold nearly every variable, so
    presolve removes them: a fraction of a second each, where the search over the block spent
    most of its time in presolve before its first repair."""
    near = _reachable(program, bound, absence, limits)
    status, found = _within(shaped, published, near, bound.changes, options)
    if found is not None or status != cp_model.INFEASIBLE:
        return found, bound.changes  # the bound met, or (out of time) nothing proven
    days = {d for _, d in near}
    window = {
        (p, d)
        for p in range(len(program.people))
        for d in range(program.block.days)
        if any(abs(d - e) <= CHAIN_REACH_DAYS for e in days)
    }
    return _within(shaped, published, window, bound.changes + 1, options)[1], bound.changes + 1


def _reachable(
    program: Program, bound: LowerBound, absence: Absence, limits: RepairLimits
) -> set[tuple[int, int]]:
    """(person, day) indices of the lost shifts and of the person-days that could fill a hole."""
    index = {p.id: i for i, p in enumerate(program.people)}
    days = [(a.person_id, a.day) for a in bound.lost] + sorted(bound.fillers(program, absence, limits))
    return {(index[person], program.block.index(day)) for person, day in days}


def _within(
    shaped: _Repair, published: Roster, free: set[tuple[int, int]], most: int, options: RepairOptions
) -> tuple[cp_model.CpSolverStatus, tuple[Roster, int] | None]:
    """The solve's status, and a repair with at most `most` changes that changes no person-day
    outside `free` with its change count (None when there is none, or none found in time).
    On a copy of the built model, which the polish uses afterwards without these holds."""
    built = shaped.built
    model = built.model.clone()
    cells = cells_of(built.program, published)
    for p in range(len(built.program.people)):
        for d in range(built.program.block.days):
            if (p, d) not in free:
                _hold(built, p, d, cells.get((p, d)), built.space.works[p][d], False, model)
    model.add(shaped.changes <= most)
    for var, value in shaped.hint.items():
        model.add_hint(var, value)
    solver = cp_model.CpSolver()
    _single(solver, options.time_limit_s, options.seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None
    return status, (extract_roster(built, solver), int(solver.value(shaped.changes)))


def _polish_from(shaped: _Repair, roster: Roster, changes: int, options: RepairOptions) -> Roster:
    built = shaped.built
    shaped.hint = {}
    _change_count(built, cells_of(built.program, roster), shaped.hint)  # hints `roster`
    return _best_within(shaped, changes, options, roster)


def _best_within(shaped: _Repair, changes: int, options: RepairOptions, fallback: Roster) -> Roster:
    """The best roster by the original objective with at most `changes` changed person-days
    (and whatever else the model was given), or `fallback` when the polish finds none."""
    built = shaped.built
    built.model.add(shaped.changes <= changes)
    answer = _solve(shaped, objective(built.objective), options, options.polish_s, "core")
    if answer.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return extract_roster(built, answer.solver)
    return fallback


def minimum_changes(
    program: Program,
    published: Roster,
    absence: Absence,
    limits: RepairLimits = NO_LIMITS,
    options: RepairOptions = DEFAULTS,
) -> tuple[str, int | None]:
    """The fewest changed person-days of any repair that meets cover in full, with the change
    count as the only objective: ("optimal", n) once proven, else ("feasible", n) or
    ("infeasible"/"unknown", None). An independent check on `repair`."""
    check_repair(program, absence, limits)
    shaped = _build(program, published, absence, limits, relax=False)
    answer = _solve(shaped, shaped.changes, options, options.time_limit_s, options.strategy)
    names = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible"}
    name = names.get(answer.status, "unknown")
    if answer.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return name, int(answer.solver.value(shaped.changes))
    return name, None


@dataclass
class _Answer:
    solver: cp_model.CpSolver
    status: cp_model.CpSolverStatus


POLISHING = "choosing the best roster among the fewest changes"


class _Searching(cp_model.CpSolverSolutionCallback):
    """Tells the watch of each better repair the change-minimising search finds, and of its
    bound. Its objective is missing people times `weight` (more than any change count) plus
    changes, so both read off one number."""

    def __init__(self, watch: RepairWatch, started: float, weight: int, floor: int | None = None) -> None:
        super().__init__()
        self.watch, self.started, self.weight = watch, started, weight
        self.floor = floor  # the least changes of any repair that meets cover, when known
        self.met_floor = False
        self.solutions = 0
        self.found: tuple[int, int] | None = None  # (short, changes)
        self.bound: int | None = None

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.found = divmod(round(self.objective_value), self.weight)
        self.on_bound(self.best_objective_bound)
        if self.floor is not None and self.found[0] == 0 and self.found[1] <= self.floor:
            self.met_floor = True  # nothing can do better: no need to wait for CP-SAT's proof
            self.stop_search()

    def on_bound(self, bound: float) -> None:
        # Before a repair is found the bound mixes missing people with changes; after, the
        # best repair's missing people bound those of the fewest, so what is left bounds changes.
        if self.found is not None:
            self.bound = max(0, round(bound) - self.found[0] * self.weight)
            if self.found[0] == 0 and self.floor is not None:
                self.bound = max(self.bound, min(self.floor, self.found[1]))
        self._tell(FINDING)

    def polishing(self, changes: int) -> None:
        self.found = (0 if self.found is None else self.found[0], changes)
        self._tell(POLISHING)

    def _tell(self, phase: str) -> None:
        short, changes = (None, None) if self.found is None else self.found
        elapsed = time.monotonic() - self.started
        self.watch.tell(RepairProgress(phase, elapsed, self.solutions, changes, short, self.bound))


def _solve(
    shaped: _Repair,
    objective: cp_model.LinearExprT,
    options: RepairOptions,
    seconds: float,
    strategy: str,
    searching: _Searching | None = None,
) -> _Answer:
    model = shaped.built.model
    model.minimize(objective)
    model.clear_hints()  # type: ignore[no-untyped-call]
    for var, value in shaped.hint.items():
        model.add_hint(var, value)
    solver = cp_model.CpSolver()
    if strategy == SINGLE:
        _single(solver, seconds, options.seed)
    else:
        parameters(solver, SolveOptions(seconds, options.workers, options.seed), strategy)
    if searching is None:
        return _Answer(solver, solver.solve(model))
    solver.best_bound_callback = searching.on_bound
    with stopping(solver, searching.watch.stop):
        return _Answer(solver, solver.solve(model, searching))


# Counting changes from a hinted roster is a search CP-SAT's single default worker does well:
# it starts from the hint (interleaved portfolio search ignores a partial hint) and on the demo
# proved minima faster than the two-worker core search (bench/solver_notes.md). One worker with a
# deterministic budget also gives the same repair for the same seed on any machine.
SINGLE = "single"
DETERMINISTIC_PER_SECOND_SINGLE = 1.0


def _single(solver: cp_model.CpSolver, seconds: float, seed: int) -> None:
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = seconds * DETERMINISTIC_PER_SECOND_SINGLE


def _polish(
    shaped: _Repair, first: _Answer, short: list[tuple[SlotKey, int]], changes: int, options: RepairOptions
) -> Roster:
    """Among rosters with that shortfall and at most that many changes, the best by the
    original objective; the first solve's roster when the polish finds nothing better."""
    built = shaped.built
    fallback = extract_roster(built, first.solver)
    if options.polish_s <= 0:
        return fallback
    shaped.hint = {
        item.var: int(first.solver.boolean_value(item.var))
        for p in range(len(built.program.people))
        for item in built.space.person_items(p)
    }
    for (_, var), (_, value) in zip(shaped.shortfalls, short, strict=True):
        built.model.add(var == value)
    return _best_within(shaped, changes, options, fallback)


def _result(
    program: Program,
    published: Roster,
    absence: Absence,
    roster: Roster,
    changes: int,
    proven: bool,
    bound: int,
    short: list[tuple[SlotKey, int]],
    stage_s: tuple[float, ...],
    started: float,
    movable: frozenset[str] | None = None,
) -> RepairResult:
    shortfalls = tuple(_shortfall(program, slot, n) for slot, n in short if n > 0)
    declared = {s.key for s in shortfalls}
    violations = tuple(v for v in hard_violations(program, roster) if v.cover not in declared)
    return RepairResult(
        RepairStatus.SHORT if shortfalls else RepairStatus.REPAIRED,
        roster,
        moves=describe_moves(program, published, roster, absence),
        changes=changes,
        minimum_proven=proven,
        change_bound=changes if proven else min(bound, changes),
        shortfalls=shortfalls,
        blockers=blockers(program, roster, absence, shortfalls, movable),
        objective=score(program, roster).total,
        violations=violations,
        wall_s=time.monotonic() - started,
        stage_s=stage_s,
    )


def _shortfall(program: Program, slot: SlotKey, short: int) -> Shortfall:
    demand = next(d for d in program.demands if d.id == slot.demand_id)
    need = demand.requirements[slot.requirement]
    return Shortfall(demand.post_id, demand.shift_id, slot.day, need.grades.label, need.minimum, short)


def _build(
    program: Program, published: Roster, absence: Absence, limits: RepairLimits, *, relax: bool
) -> _Repair:
    relaxed = frozenset({ids.COVER_MINIMUM.code}) if relax else frozenset()
    built = build_model(program, relax=relaxed)
    forced = _forbid_absence(built, absence)
    cells = cells_of(program, published)
    hint: dict[cp_model.IntVar, int] = {}
    shaped = _Repair(built, _change_count(built, cells, hint), hint=hint)
    _hint_absence(built, forced, hint)
    # The absent person's published shifts in the absence must change: a bound CP-SAT would
    # otherwise take seconds to find, and with it a repair that moves nobody else is proven
    # minimal as soon as it is found.
    lost = sum(
        1
        for (p, d), a in cells.items()
        if program.people[p].id == absence.person_id and item_of(built, p, d, a) in forced
    )
    built.model.add(shaped.changes >= lost)
    _fix_outside(built, cells, absence, limits)
    if relax:
        shaped.shortfalls = _shortfalls(built, shaped.hint)
    return shaped


def _forbid_absence(built: RosterModel, absence: Absence) -> list[Item]:
    """No shift of the absent person may overlap the absence; returns the shifts ruled out."""
    timeline = built.space.timeline
    start, end = timeline.offset(absence.start), timeline.offset(absence.end)
    p = next(i for i, person in enumerate(built.program.people) if person.id == absence.person_id)
    ruled_out = [item for item in built.space.person_items(p) if item.start < end and start < item.end]
    for item in ruled_out:
        built.model.add(item.var == 0)
    return ruled_out


def _hint_absence(built: RosterModel, forced: list[Item], hint: dict[cp_model.IntVar, int]) -> None:
    """The published roster without the shifts the absence rules out: a hint CP-SAT can use
    (one that breaks a constraint would be ignored)."""
    for item in forced:
        if hint.get(item.var):
            hint[item.var] = 0
            hint[built.space.works[item.person][item.day]] = 0


def _change_count(built: RosterModel, cells: Cells, hint: dict[cp_model.IntVar, int]) -> LinearExpr:
    """Changed person-days as one linear expression; fills `hint` with the published roster."""
    space, variables, weights, constant = built.space, [], [], 0
    for p in range(len(built.program.people)):
        for d in range(built.program.block.days):
            for item in space.items[p][d]:
                hint[item.var] = 0
            hint[space.works[p][d]] = 0
            published = cells.get((p, d))
            if published is None:  # off that day: working any shift is a change
                variables.append(space.works[p][d])
                weights.append(1)
                continue
            constant += 1  # working that day: anything but the same item is a change
            kept = item_of(built, p, d, published)
            if kept is not None:
                variables.append(kept.var)
                weights.append(-1)
                hint[kept.var] = hint[space.works[p][d]] = 1
    return LinearExpr.weighted_sum(variables, weights) + constant


def _fix_outside(built: RosterModel, cells: Cells, absence: Absence, limits: RepairLimits) -> None:
    """Hold every person-day the limits protect to its published value."""
    if limits.window is None and limits.movable is None:
        return
    program, space = built.program, built.space
    movable = None if limits.movable is None else limits.movable | {absence.person_id}
    for p, person in enumerate(program.people):
        for d, day in enumerate(program.block.dates()):
            inside = limits.window is None or limits.window[0] <= day <= limits.window[1]
            free = movable is None or person.id in movable
            if inside and free:
                continue
            _hold(built, p, d, cells.get((p, d)), space.works[p][d], person.id == absence.person_id)


def _hold(
    built: RosterModel,
    p: int,
    d: int,
    published: Assignment | None,
    works: cp_model.IntVar,
    absent: bool,
    model: cp_model.CpModel | None = None,
) -> None:
    """Person-day (p, d) as published, in `model` (default: the built one)."""
    model = built.model if model is None else model
    if published is None:
        model.add(works == 0)
        return
    item = item_of(built, p, d, published)
    if item is not None and not absent:  # the absent person's shift may be forbidden
        model.add(item.var == 1)
    elif item is not None:
        model.add(works == item.var)


def _shortfalls(
    built: RosterModel, hint: dict[cp_model.IntVar, int]
) -> list[tuple[SlotKey, cp_model.IntVar]]:
    """A `missing` count for each guarded cover minimum: count + missing >= minimum, and
    missing is 0 while the guard is on."""
    found_holders = holders(built.space)
    demands = {d.id: d for d in built.program.demands}
    found: list[tuple[SlotKey, cp_model.IntVar]] = []
    for key, guard in built.guards.literals.items():
        slot = key.slot
        assert slot is not None  # a repair guards cover minimums alone
        demand = demands[slot.demand_id]
        need = demand.requirements[slot.requirement]
        d = built.program.block.index(slot.day)
        count = LinearExpr.sum(
            [v for g, v in found_holders.get((d, demand.post_id, demand.shift_id), []) if g in need.grades]
        )
        missing = built.model.new_int_var(0, need.minimum, f"missing_{len(found)}")
        built.model.add(count + missing >= need.minimum)
        built.model.add(missing == 0).only_enforce_if(guard)
        hint[missing] = 0
        found.append((slot, missing))
    return found
