"""The notices residents get when a day's OR plan is published. The first publication of a day
tells each resident on it their cases by start, each as time, room, procedure, credit role and
attending. A later one tells each resident only what changed for them since the last published
plan: a case they are now on, one they are no longer on (taken off it, or the case removed), a
new credit role, a case that moved in time or room or changed its procedure or attending; a
resident whose cases did not change is told nothing. Never a patient identifier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from callroom.domain.operating import CreditRole, OrCase, OrPlan
from callroom.domain.program import Program
from callroom.storage.operating_repositories import PublishedCase


def plan_notices(program: Program, cases: Sequence[OrCase], plan: OrPlan) -> list[tuple[str, str]]:
    """(person id, body) for each resident on the plan: all their cases."""
    zone = ZoneInfo(program.hospital.timezone)
    names = {p.id: p.name for p in program.people}
    by_id = {case.id: PublishedCase.of(case) for case in cases}
    notices = []
    for person in sorted({r.person_id for r in plan.roles}):
        mine = sorted(
            ((by_id[r.case_id], r.role) for r in plan.of_person(person) if r.case_id in by_id),
            key=lambda pair: pair[0].start,
        )
        lines = [_told(case, role, zone, names) for case, role in mine]
        notices.append((person, f"OR {plan.day:%a %d %b}: " + "; ".join(lines)))
    return notices


def change_notices(
    program: Program,
    before: tuple[Sequence[PublishedCase], OrPlan],
    after: tuple[Sequence[OrCase], OrPlan],
) -> list[tuple[str, str]]:
    """(person id, body) for each resident whose cases changed between the published plan
    `before` (its cases as published) and the plan about to be published `after`."""
    zone = ZoneInfo(program.hospital.timezone)
    names = {p.id: p.name for p in program.people}
    old_cases = {c.id: c for c in before[0]}
    new_cases = {c.id: PublishedCase.of(c) for c in after[0]}
    old_plan, new_plan = before[1], after[1]
    notices = []
    for person in sorted({r.person_id for r in (*old_plan.roles, *new_plan.roles)}):
        old = {r.case_id: r.role for r in old_plan.of_person(person) if r.case_id in old_cases}
        new = {r.case_id: r.role for r in new_plan.of_person(person) if r.case_id in new_cases}
        lines = _changes(old, new, old_cases, new_cases, zone, names)
        if lines:
            notices.append((person, f"OR {new_plan.day:%a %d %b} changed: " + "; ".join(lines)))
    return notices


def _changes(
    old: Mapping[str, CreditRole],
    new: Mapping[str, CreditRole],
    old_cases: Mapping[str, PublishedCase],
    new_cases: Mapping[str, PublishedCase],
    zone: ZoneInfo,
    names: Mapping[str, str],
) -> list[str]:
    """One resident's changes in words, by start."""
    found: list[tuple[datetime, str]] = []
    for case_id, role in new.items():
        case = new_cases[case_id]
        if case_id not in old:
            found.append((case.start, "you are now on " + _told(case, role, zone, names)))
            continue
        was = old_cases[case_id]
        if was != case:
            found.append((case.start, _moved(was, case, zone, names)))
        if old[case_id] is not role:
            found.append((case.start, f"your role on {_short(case, zone)} is now {role.value}"))
    for case_id in old.keys() - new.keys():
        was = old_cases[case_id]
        found.append((was.start, f"you are no longer on {_short(was, zone)}"))
    return [line for _, line in sorted(found, key=lambda pair: pair[0])]


def _moved(was: PublishedCase, case: PublishedCase, zone: ZoneInfo, names: Mapping[str, str]) -> str:
    """How a case a resident stays on changed, in words."""
    at = f"{case.start.astimezone(zone):%H:%M}"
    if (was.room, was.procedure, was.attending_id) == (case.room, case.procedure, case.attending_id):
        if was.start == case.start:
            return f"{case.room} {case.procedure} at {at} now lasts {case.minutes} minutes"
        return f"{case.room} {case.procedure} now starts at {at}"
    attending = f" with {names.get(case.attending_id, case.attending_id)}" if case.attending_id else ""
    return f"{_short(was, zone)} is now {case.room}, {at}, {case.procedure}{attending}"


def _short(case: PublishedCase, zone: ZoneInfo) -> str:
    return f"{case.room}, {case.start.astimezone(zone):%H:%M}, {case.procedure}"


def _told(case: PublishedCase, role: CreditRole, zone: ZoneInfo, names: Mapping[str, str]) -> str:
    attending = f" with {names.get(case.attending_id, case.attending_id)}" if case.attending_id else ""
    return f"{case.start.astimezone(zone):%H:%M} {case.room} {case.procedure} ({role.value}){attending}"
