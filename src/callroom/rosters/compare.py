"""Two roster versions side by side, as the chief weighs a draft against the live roster: the
cells that change, the penalties per rule and per person, the fairness spread per cohort and the
cover gaps, each before and after. Everything is computed from the two rosters under the newer
one's program (a stored report may carry an edit's audit rather than a fresh score).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.rules.cover import CoverSlot, cover_slots
from callroom.rules.penalties import score
from callroom.year.derive import year_to_date

Pair = tuple[int, int]  # (before, after)
COUNTS = ("nights", "weekends", "calls")


@dataclass(frozen=True)
class Gap:
    """A cover requirement under its minimum on a day."""

    post_id: str
    shift_id: str
    day: str
    grades: str
    count: int
    minimum: int


@dataclass(frozen=True)
class Comparison:
    removed: tuple[Assignment, ...]
    added: tuple[Assignment, ...]
    total: Pair
    by_rule: dict[str, Pair]
    by_person: dict[str, Pair]
    spread: dict[str, dict[str, Pair]]  # grade label -> nights/weekends/calls -> (before, after)
    gaps: tuple[tuple[Gap, ...], tuple[Gap, ...]]  # (before, after)

    @property
    def people(self) -> frozenset[str]:
        return frozenset(a.person_id for a in (*self.removed, *self.added))


def compare(program: Program, before: Roster, after: Roster) -> Comparison:
    removed, added = before.diff(after)
    old, new = score(program, before), score(program, after)
    return Comparison(
        tuple(removed),
        tuple(added),
        (old.total, new.total),
        _pairs(old.by_rule(), new.by_rule()),
        _pairs(old.by_person(), new.by_person()),
        _spreads(program, before, after),
        (_gaps(cover_slots(program, before)), _gaps(cover_slots(program, after))),
    )


def _pairs(old: dict[str, int], new: dict[str, int]) -> dict[str, Pair]:
    return {key: (old.get(key, 0), new.get(key, 0)) for key in sorted(old.keys() | new.keys())}


def _spreads(program: Program, before: Roster, after: Roster) -> dict[str, dict[str, Pair]]:
    """Most minus fewest nights, weekends and in-house calls among the residents of each grade."""
    old, new = _spread(program, before), _spread(program, after)
    return {grade: {c: (old[grade][c], new[grade][c]) for c in COUNTS} for grade in old}


def _spread(program: Program, roster: Roster) -> dict[str, dict[str, int]]:
    tallies = year_to_date(program, [roster])
    cohorts: dict[str, list[str]] = defaultdict(list)
    for person in program.residents:
        cohorts[person.grade.label].append(person.id)
    spread = {}
    for grade, people in sorted(cohorts.items()):
        counts = {c: [getattr(tallies[p], c) if p in tallies else 0 for p in people] for c in COUNTS}
        spread[grade] = {c: max(v) - min(v) for c, v in counts.items()}
    return spread


def _gaps(slots: Iterable[CoverSlot]) -> tuple[Gap, ...]:
    found = [s for s in slots if s.count < s.requirement.minimum]
    return tuple(
        Gap(
            s.demand.post_id,
            s.demand.shift_id,
            s.day.isoformat(),
            s.requirement.grades.label,
            s.count,
            s.requirement.minimum,
        )
        for s in found
    )
