"""The approved-absence rule: nobody works a shift that overlaps an absence the chief approved
(a sick call repaired, a day off granted), whoever asks for the change later (a solve, a
repair, a swap, an open shift, a cell edit). The CP-SAT builder is `solver.build.general.add_absences`.
"""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from callroom.domain.absence import ApprovedAbsence
from callroom.domain.program import Program
from callroom.domain.timeline import Timeline
from callroom.rules import ids
from callroom.rules.context import CheckContext
from callroom.rules.violations import Violation


def absence_words(program: Program, absence: ApprovedAbsence) -> str:
    """ "Sefa Uribe is off sick 10–12 Mar (approved with repair #4)"."""
    person = program.person.get(absence.person_id)
    name = person.name if person else absence.person_id
    return f"{name} {absence.describe(ZoneInfo(program.hospital.timezone))}"


def absences_over(
    program: Program, timeline: Timeline, person_id: str, day_index: int, shift_id: str
) -> Iterator[ApprovedAbsence]:
    """The person's approved absences that the shift on that block day would overlap."""
    start, end = timeline.span(day_index, shift_id)
    for absence in program.absences_of.get(person_id, ()):
        if start < timeline.offset(absence.end) and timeline.offset(absence.start) < end:
            yield absence


def check_absences(ctx: CheckContext) -> list[Violation]:
    """One violation per shift and absence it overlaps, naming the absence in words."""
    found = []
    program = ctx.program
    for person in ctx.people:
        absences = program.absences_of.get(person.id, ())
        spans = [(a, ctx.timeline.offset(a.start), ctx.timeline.offset(a.end)) for a in absences]
        for work in ctx.work[person.id] if spans else ():
            for absence, start, end in spans:
                if work.start < end and start < work.end:
                    found.append(
                        Violation(
                            ids.ABSENCE,
                            f"{absence_words(program, absence)}: may not work {work.shift.name} "
                            f"on {work.post.name} on {work.assignment.day}",
                            person.id,
                            work.assignment.day,
                        )
                    )
    return found
