"""The notice each resident gets when a day's OR plan is published: their cases by start, each
as time, room, procedure, credit role and attending. Never a patient identifier."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from callroom.domain.operating import OrCase, OrPlan
from callroom.domain.program import Program


def plan_notices(program: Program, cases: Sequence[OrCase], plan: OrPlan) -> list[tuple[str, str]]:
    """(person id, body) for each resident on the plan."""
    zone = ZoneInfo(program.hospital.timezone)
    names = {p.id: p.name for p in program.people}
    by_id = {case.id: case for case in cases}
    people = sorted({r.person_id for r in plan.roles})
    notices = []
    for person in people:
        roles = [r for r in plan.of_person(person) if r.case_id in by_id]
        mine = sorted(((by_id[r.case_id], r.role.value) for r in roles), key=lambda pair: pair[0].start)
        lines = [
            f"{case.start.astimezone(zone):%H:%M} {case.room} {case.procedure} ({role})"
            + (f" with {names.get(case.attending_id, case.attending_id)}" if case.attending_id else "")
            for case, role in mine
        ]
        notices.append((person, f"OR {plan.day:%a %d %b}: " + "; ".join(lines)))
    return notices
