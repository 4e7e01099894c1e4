"""A validated program file to the domain `Program`: defaults filled in, nothing checked here.

Conversion never fails on a schema-valid file, even one with dangling references, so the checks
in program_checks and program_cover can run on the result and report everything in one pass.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from callroom.domain.program import (
    AcgmeLimits,
    Block,
    Conflict,
    CoverDemand,
    CoverRequirement,
    DayPattern,
    History,
    Holiday,
    Hospital,
    Leave,
    Person,
    PersonLimits,
    Post,
    Program,
    Request,
    RuleProfile,
    Service,
    Tally,
    Weights,
)
from callroom.domain.roster import Assignment
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.formats.program_model import (
    CoverSpec,
    HistorySpec,
    PersonLimitsSpec,
    PersonSpec,
    PostSpec,
    ProgramSpec,
    RequestSpec,
    RulesSpec,
    ServiceSpec,
    ShiftTypeSpec,
)
from callroom.formats.program_paging import to_paging
from callroom.formats.program_year import planning_block, to_year, with_rotation_posts


def to_program(spec: ProgramSpec) -> Program:
    block = planning_block(spec)
    program = Program(
        hospital=Hospital(spec.hospital.name, spec.hospital.timezone),
        block=block,
        services=tuple(Service(s.id, s.name or s.id) for s in spec.services),
        shift_types=tuple(_shift_type(s) for s in spec.shift_types),
        posts=tuple(_post(p, s) for s in spec.services for p in s.posts),
        demands=tuple(_demand(c, index) for index, c in enumerate(spec.cover)),
        people=tuple(_person(p, block) for p in spec.people),
        conflicts=tuple(Conflict(c.between[0], c.between[1], c.reason) for c in spec.conflicts),
        history=_history(spec.history),
        year=None if spec.year is None else to_year(spec.year, spec.people),
        ledger={pid: Tally(**t.model_dump()) for pid, t in spec.year_to_date.items()},
        holidays=tuple(Holiday(h.name, h.day) for h in spec.holidays),
        rules=_rules(spec.rules),
        weights=Weights(**spec.objective.model_dump()),
        paging=to_paging(spec.paging),
    )
    return program if program.year is None else with_rotation_posts(program)


def _history(spec: HistorySpec | None) -> History | None:
    if spec is None:
        return None
    worked = (Assignment(w.person, w.day, w.shift, w.post) for w in spec.shifts)
    return History(spec.start, tuple(sorted(worked)))


def _shift_type(spec: ShiftTypeSpec) -> ShiftType:
    # Home call counts only the time actually worked from home, which the program must estimate.
    default_counted = 0 if spec.kind is ShiftKind.HOME_CALL else spec.duration
    counted = default_counted if spec.counted is None else spec.counted
    return ShiftType(spec.id, spec.name or spec.id, spec.start, spec.duration, spec.kind, counted)


def _post(spec: PostSpec, service: ServiceSpec) -> Post:
    return Post(
        id=spec.id,
        name=spec.name or spec.id,
        service_id=service.id,
        shift_ids=tuple(spec.shifts),
        team=spec.team or service.id,
        new_patients=spec.new_patients,
        grades=spec.grades,
    )


def _demand(spec: CoverSpec, index: int) -> CoverDemand:
    # The index keeps ids unique when one post and shift has several cover entries.
    days = DayPattern(spec.days, frozenset(spec.dates), frozenset(spec.excluded))
    requirements = tuple(
        CoverRequirement(n.grades, n.minimum, n.target, n.maximum, n.weight_under, n.weight_over)
        for n in spec.need
    )
    demand_id = f"{spec.post}/{spec.shift}#{index}"
    return CoverDemand(demand_id, spec.post, spec.shift, days, requirements)


def _person(spec: PersonSpec, block: Block) -> Person:
    return Person(
        id=spec.id,
        name=spec.name or spec.id,
        grade=spec.grade,
        post_ids=tuple(spec.posts),
        rotation=spec.rotation,
        leave=tuple(Leave(leave.start, leave.end, leave.kind) for leave in spec.leave),
        days_off=_days_off(spec, block),
        requests=tuple(_request(r) for r in spec.requests),
        limits=_limits(spec.limits),
    )


def _days_off(spec: PersonSpec, block: Block) -> frozenset[date]:
    """Listed dates, plus every block date on a listed weekday (weekdays arrive as 0..6)."""
    weekdays = {day for day in spec.days_off if isinstance(day, int)}
    dates = {day for day in spec.days_off if isinstance(day, date)}
    return frozenset(dates | {day for day in block.dates() if day.weekday() in weekdays})


def _request(spec: RequestSpec) -> Request:
    return Request(spec.day, spec.on is True, spec.weight, spec.shift, spec.post)


def _limits(spec: PersonLimitsSpec) -> PersonLimits:
    return PersonLimits(
        max_shifts=dict(spec.max_shifts),
        min_total_minutes=spec.min_total,
        max_total_minutes=spec.max_total,
        min_consecutive_work=spec.min_consecutive_work,
        max_consecutive_work=spec.max_consecutive_work,
        min_consecutive_off=spec.min_consecutive_off,
        max_weekends=spec.max_weekends,
    )


def _rules(spec: RulesSpec) -> RuleProfile:
    limits = AcgmeLimits(**spec.limits.given())
    return RuleProfile(
        acgme=spec.profile == "acgme",
        limits=limits,
        rotation_limits={name: replace(limits, **o.given()) for name, o in spec.rotations.items()},
        forbidden_successions=frozenset(
            (rule.after, later) for rule in spec.forbidden_successions for later in rule.forbids
        ),
    )
