"""An OR day built by hand for the availability, plan-checker and assignment tests.

The block is the factories' default (28 days from Monday 2026-03-02, New York); the OR day is
Thursday 2026-03-05 (block day 3). Two services: General Surgery ("gs", post "ward") and
Vascular ("vs", post "vasc"). Residents are named by the factories (id "ann" is "Ann").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from callroom.domain.grades import Grade
from callroom.domain.operating import CaseNeeds, OrCase
from callroom.domain.program import AcgmeLimits, Conflict, Person, Program, Service
from callroom.domain.roster import Roster
from callroom.rules.operating import Availability, availability
from callroom.solver.operating import Candidate, OrRequest
from tests import factories as f
from tests.unit.rules.worked_helpers import at

OR_DAY = 3
DAY = f.day(OR_DAY)
BILIARY = ("abdominal", "abdominal.biliary")
HERNIA = ("abdominal", "abdominal.hernia")


def program(
    people: Iterable[Person], conflicts: Iterable[Conflict] = (), limits: AcgmeLimits = AcgmeLimits()
) -> Program:
    base = f.program(
        people, posts=[f.post("ward"), f.post("vasc", service="vs")], conflicts=conflicts, limits=limits
    )
    return dataclasses.replace(base, services=(Service("gs", "General Surgery"), Service("vs", "Vascular")))


def resident(id: str, grade: Grade) -> Person:
    return f.person(id, grade, ("ward", "vasc"))


def attending(id: str) -> Person:
    return f.person(id, Grade.ATTENDING, ())


def case(
    id: str,
    clock: str = "07:30",
    minutes: int = 120,
    *,
    procedure: str = "Laparoscopic cholecystectomy",
    service: str = "gs",
    room: str = "1",
    attending: str | None = None,
    continuity: tuple[str, ...] = (),
    day: int = OR_DAY,
) -> OrCase:
    return OrCase(
        id,
        f.day(day),
        room,
        at(day, clock),
        minutes,
        procedure,
        ("47562",),
        service,
        attending_id=attending,
        continuity=continuity,
    )


def needs(
    cases: Iterable[OrCase], min_grade: Grade = Grade.PGY1, categories: tuple[str, ...] = BILIARY
) -> dict[str, CaseNeeds]:
    return {c.id: CaseNeeds(min_grade, categories, False) for c in cases}


def on_ward(*people: str, offset: int = OR_DAY) -> list[tuple[str, int, str]]:
    """Roster rows: each on the ward's day shift (General Surgery, 07:00-19:00) on the day."""
    return [(p, offset, "day") for p in people]


def request(
    program: Program,
    roster: Roster,
    cases: Iterable[OrCase],
    needs: Mapping[str, CaseNeeds],
    *,
    urgency: Mapping[str, Mapping[str, float]] | None = None,
    pairings: Iterable[tuple[str, str]] = (),
    available: Availability | None = None,
) -> OrRequest:
    """The request the service would build: every resident a candidate, their grade a cohort."""
    day_cases = tuple(cases)
    candidates = tuple(
        Candidate(p.id, p.name, p.grade, p.grade.label, (urgency or {}).get(p.id, {}))
        for p in program.residents
    )
    return OrRequest(
        DAY,
        day_cases,
        needs,
        candidates,
        available or availability(program, roster, DAY, day_cases),
        conflicts=program.conflicts,
        pairings=frozenset(pairings),
        names={p.id: p.name for p in program.people},
        timezone=program.hospital.timezone,
    )
