"""A roster: who works which shift on which post on which date. At most one shift a day each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property


@dataclass(frozen=True, order=True)
class Assignment:
    person_id: str
    day: date
    shift_id: str
    post_id: str


@dataclass(frozen=True)
class Roster:
    assignments: tuple[Assignment, ...]

    @classmethod
    def of(cls, assignments: Iterable[Assignment]) -> Roster:
        # The same order as comparing Assignments, by a plain tuple key: the dataclass's own
        # comparison is several times slower, and a what-if builds a whole roster per answer.
        return cls(tuple(sorted(assignments, key=lambda a: (a.person_id, a.day, a.shift_id, a.post_id))))

    @cached_property
    def by_person(self) -> Mapping[str, tuple[Assignment, ...]]:
        """Each person's assignments, in date order."""
        grouped: dict[str, list[Assignment]] = defaultdict(list)
        for assignment in self.assignments:
            grouped[assignment.person_id].append(assignment)
        return {person: tuple(sorted(items, key=lambda a: a.day)) for person, items in grouped.items()}

    def for_person(self, person_id: str) -> tuple[Assignment, ...]:
        return self.by_person.get(person_id, ())

    def diff(self, other: Roster) -> tuple[list[Assignment], list[Assignment]]:
        """(removed, added) going from this roster to `other`, each in roster order."""
        old, new = set(self.assignments), set(other.assignments)
        return sorted(old - new), sorted(new - old)

    def on(self, person_id: str, day: date) -> Assignment | None:
        """The person's assignment that day, if any (the first, when a bad roster has two)."""
        return next((a for a in self.for_person(person_id) if a.day == day), None)
