"""Cover no roster can meet: a need whose minimum is more than the people who could ever fill it.

This is a necessary condition only (it ignores that one person cannot work two posts at once), but
it catches the chief's commonest slip, such as a night post nobody senior enough lists, or a week
everyone eligible is on leave, which the solver could only report as "infeasible".
"""

from __future__ import annotations

from datetime import date

from callroom.domain.program import CoverDemand, CoverRequirement, Person, Program
from callroom.formats.program_checks import Finding, grade_words
from callroom.rules.cover import demand_days


def check_cover(program: Program) -> list[Finding]:
    """One finding per need that falls short on some date, at cover[i].need[j].min."""
    findings = []
    for i, demand in enumerate(program.demands):
        post = program.post.get(demand.post_id)
        if post is None or demand.shift_id not in post.shift_ids:
            continue  # a broken reference, which check_program_spec reports
        for j, requirement in enumerate(demand.requirements):
            message = _shortfall(program, demand, requirement)
            if message is not None:
                findings.append(Finding(("cover", i, "need", j, "min"), message))
    return findings


def _shortfall(program: Program, demand: CoverDemand, requirement: CoverRequirement) -> str | None:
    if requirement.minimum == 0:
        return None
    eligible = [
        person
        for person in program.people
        if program.may_work(person, demand.post_id, demand.shift_id) and person.grade in requirement.grades
    ]
    dates = demand_days(program, demand)
    short = [day for day in dates if len(_available(eligible, day)) < requirement.minimum]
    if not short:
        return None
    first = short[0]
    available = _available(eligible, first)
    who = f"only {', '.join(available)} can work it" if available else "nobody can work it"
    return (
        f"post {demand.post_id!r} needs at least {requirement.minimum} of"
        f" {grade_words(requirement.grades)} on shift {demand.shift_id!r}, but on {first} {who};"
        f" {len(short)} {'date falls' if len(short) == 1 else 'dates fall'} short"
    )


def _available(eligible: list[Person], day: date) -> list[str]:
    return [person.id for person in eligible if not person.unavailable(day)]
