"""Write a Program back out as a program file, the inverse of `parse_program`.

Importers (the Curtois benchmark) use it to hand users an ordinary program file they can read,
edit and solve. Only values that differ from the file's defaults are written.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import time
from typing import Any

import yaml

from callroom.domain.program import (
    AcgmeLimits,
    CoverDemand,
    DayPattern,
    Person,
    PersonLimits,
    Post,
    Program,
    Request,
    RuleProfile,
    Tally,
    Weights,
)
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.domain.year import Year
from callroom.formats.program_paging import paging_document
from callroom.formats.program_year import wishes_document, year_document

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def dump_program(program: Program) -> str:
    return yaml.safe_dump(
        program_document(program), sort_keys=False, width=110, default_flow_style=None, allow_unicode=True
    )


def program_document(program: Program) -> dict[str, Any]:
    document: dict[str, Any] = {
        "hospital": {"name": program.hospital.name, "timezone": program.hospital.timezone},
        **(
            {"block": {"start": program.block.start, "days": program.block.days}}
            if program.year is None
            else {"year": year_document(program.year)}
        ),
        "shift_types": [_shift(s) for s in program.shift_types],
        "services": [
            {"id": s.id, "name": s.name, "posts": [_post(p) for p in program.posts if p.service_id == s.id]}
            for s in program.services
        ],
        "cover": [_cover(d) for d in program.demands],
        "people": [_person(p, program.year) for p in program.people],
    }
    if program.conflicts:
        document["conflicts"] = [
            {"between": [c.first, c.second], "reason": c.reason} for c in program.conflicts
        ]
    if program.history is not None:
        document["history"] = {
            "from": program.history.start,
            "shifts": [
                {"person": a.person_id, "date": a.day, "shift": a.shift_id, "post": a.post_id}
                for a in program.history.assignments
            ],
        }
    if program.holidays:
        document["holidays"] = [{"name": h.name, "date": h.day} for h in program.holidays]
    if program.ledger:
        document["year_to_date"] = {pid: _changed(t, Tally()) for pid, t in sorted(program.ledger.items())}
    document["rules"] = _rules(program.rules)
    document["objective"] = _changed(program.weights, Weights())
    paging = paging_document(program.paging)
    if paging:
        document["paging"] = paging
    return document


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def _shift(shift: ShiftType) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": shift.id,
        "name": shift.name,
        "start": _clock(shift.start),
        "duration": shift.duration_minutes,
        "kind": shift.kind.value,
    }
    default = 0 if shift.kind is ShiftKind.HOME_CALL else shift.duration_minutes
    if shift.counted_minutes != default:
        entry["counted"] = shift.counted_minutes
    return entry


def _post(post: Post) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": post.id, "name": post.name, "shifts": list(post.shift_ids)}
    if post.team != post.service_id:
        entry["team"] = post.team
    if not post.new_patients:
        entry["new_patients"] = False
    if post.grades.text != "any":
        entry["grades"] = post.grades.text
    return entry


def _cover(demand: CoverDemand) -> dict[str, Any]:
    entry: dict[str, Any] = {"post": demand.post_id, "shift": demand.shift_id}
    entry.update(_days(demand.days))
    entry["need"] = [_need(r) for r in demand.requirements]
    return entry


def _days(pattern: DayPattern) -> dict[str, Any]:
    days: dict[str, Any] = {}
    if pattern.weekdays != frozenset(range(7)):
        days["days"] = [_WEEKDAYS[d] for d in sorted(pattern.weekdays)]
    if pattern.include:
        days["dates"] = sorted(pattern.include)
    if pattern.exclude:
        days["except"] = sorted(pattern.exclude)
    return days


def _need(requirement: Any) -> dict[str, Any]:
    need: dict[str, Any] = {"grades": requirement.grades.text}
    for key, value, default in (
        ("min", requirement.minimum, 0),
        ("target", requirement.target, None),
        ("max", requirement.maximum, None),
        ("weight_under", requirement.weight_under, 100),
        ("weight_over", requirement.weight_over, 1),
    ):
        if value != default:
            need[key] = value
    return need


def _person(person: Person, year: Year | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "grade": person.grade.label,
        "posts": list(person.post_ids),
    }
    if person.rotation:
        entry["rotation"] = person.rotation
    if person.leave:
        entry["leave"] = [{"from": item.start, "to": item.end, "kind": item.kind} for item in person.leave]
    if person.days_off:
        entry["days_off"] = sorted(person.days_off)
    if person.requests:
        entry["requests"] = [_request(r) for r in person.requests]
    limits = _limits(person.limits)
    if limits:
        entry["limits"] = limits
    if year is not None:
        entry.update(wishes_document(year.wishes_of(person.id)))
    return entry


def _request(request: Request) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": request.day, "on" if request.on else "off": True}
    if request.shift_id:
        entry["shift"] = request.shift_id
    if request.post_id:
        entry["post"] = request.post_id
    entry["weight"] = request.weight
    return entry


def _limits(limits: PersonLimits) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if limits.max_shifts:
        entry["max_shifts"] = dict(limits.max_shifts)
    for key, value in (
        ("min_total", limits.min_total_minutes),
        ("max_total", limits.max_total_minutes),
        ("min_consecutive_work", limits.min_consecutive_work),
        ("max_consecutive_work", limits.max_consecutive_work),
        ("min_consecutive_off", limits.min_consecutive_off),
        ("max_weekends", limits.max_weekends),
    ):
        if value is not None:
            entry[key] = value
    return entry


def _rules(rules: RuleProfile) -> dict[str, Any]:
    entry: dict[str, Any] = {"profile": "acgme" if rules.acgme else "none"}
    limits = _changed(rules.limits, AcgmeLimits())
    if limits:
        entry["limits"] = limits
    if rules.rotation_limits:
        entry["rotations"] = {
            rotation: _changed(limits, rules.limits) for rotation, limits in rules.rotation_limits.items()
        }
    if rules.forbidden_successions:
        after = sorted({a for a, _ in rules.forbidden_successions})
        entry["forbidden_successions"] = [
            {"after": a, "not": sorted(b for x, b in rules.forbidden_successions if x == a)} for a in after
        ]
    return entry


def _changed(value: Any, default: Any) -> dict[str, Any]:
    """The fields of a dataclass that differ from a default instance, in file form."""
    changed = {}
    for f in fields(value):
        mine = getattr(value, f.name)
        if mine != getattr(default, f.name):
            changed[f.name] = _clock(mine) if isinstance(mine, time) else mine
    return changed
