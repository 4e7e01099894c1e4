"""What every checker reads: the program, the roster, and each person's work laid out in time.

Times are integer minutes from the block's origin (local midnight on the first day), taken from
the same `Timeline` the solver uses, so checker and solver agree to the minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from callroom.domain.program import Person, Post, Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftType
from callroom.domain.timeline import Timeline
from callroom.domain.wallclock import local_midnight


@dataclass(frozen=True)
class Work:
    """One assignment placed in time."""

    assignment: Assignment
    shift: ShiftType
    post: Post
    day: int  # index of the day in the block; negative in the history before it
    start: int  # minutes from the block origin
    end: int

    @property
    def counted(self) -> int:
        return self.shift.counted(self.end - self.start)

    @property
    def in_block(self) -> bool:
        """False for the history before the block: work that can no longer change."""
        return self.day >= 0

    @property
    def in_house(self) -> bool:
        return self.shift.in_house


@dataclass(frozen=True)
class CheckContext:
    """`scope` limits the per-person rules to some people (None: everyone). A what-if about one
    edit checks only the people it touches, which is what keeps it in milliseconds."""

    program: Program
    roster: Roster
    scope: frozenset[str] | None = None
    # Work laid out by someone else, such as hours as logged (`rules.worked`): when given, it is
    # each person's work instead of the roster's assignments placed on the timeline.
    placed: Mapping[str, tuple[Work, ...]] | None = field(default=None, compare=False, hash=False)

    @cached_property
    def people(self) -> tuple[Person, ...]:
        """The people whose own rules are checked."""
        if self.scope is None:
            return self.program.people
        return tuple(p for p in self.program.people if p.id in self.scope)

    def in_scope(self, person_id: str) -> bool:
        return self.scope is None or person_id in self.scope

    @cached_property
    def assignments(self) -> tuple[Assignment, ...]:
        """The roster's assignments of the people in scope."""
        if self.scope is None:
            return self.roster.assignments
        return tuple(a for a in self.roster.assignments if a.person_id in self.scope)

    @cached_property
    def timeline(self) -> Timeline:
        return Timeline(self.program)

    @cached_property
    def work(self) -> Mapping[str, tuple[Work, ...]]:
        """Each person's placeable assignments sorted by start. Assignments naming an unknown
        shift, post or person, or a day outside the block, are left to the eligibility check."""
        if self.placed is not None:
            return {
                p.id: tuple(sorted(self.placed.get(p.id, ()), key=lambda w: (w.start, w.end)))
                for p in self.program.people
            }
        placed: dict[str, list[Work]] = {p.id: [] for p in self.program.people}
        # A declared conflict is checked against the other person's shifts, in or out of scope.
        partners = {
            other
            for c in self.program.conflicts
            for one, other in ((c.first, c.second), (c.second, c.first))
            if self.in_scope(one)
        }
        for assignment in self.roster.assignments:
            if not (self.in_scope(assignment.person_id) or assignment.person_id in partners):
                continue
            work = self._place(assignment)
            if work is not None and assignment.person_id in placed:
                placed[assignment.person_id].append(work)
        return {pid: tuple(sorted(items, key=lambda w: (w.start, w.end))) for pid, items in placed.items()}

    @cached_property
    def past(self) -> Mapping[str, tuple[Work, ...]]:
        """Each person's work before the block (`Program.history`) on the same timeline, with
        negative days and minutes. Only the rules that carry across a boundary read it."""
        placed: dict[str, list[Work]] = {}
        history = self.timeline.history if self.scope is None else self.timeline.history_of(self.scope)
        for found in history:
            a = found.assignment
            work = Work(
                a,
                self.program.shift[a.shift_id],
                self.program.post[a.post_id],
                found.day,
                found.start,
                found.end,
            )
            placed.setdefault(a.person_id, []).append(work)
        return {pid: tuple(sorted(items, key=lambda w: (w.start, w.end))) for pid, items in placed.items()}

    def joined(self, person_id: str) -> tuple[Work, ...]:
        """The person's history followed by their work in the block: what the rules that hold
        across a boundary (continuous hours, rest, runs, free days) judge."""
        found = self._with_past.get(person_id)
        return self.work.get(person_id, ()) if found is None else found

    @cached_property
    def _with_past(self) -> Mapping[str, tuple[Work, ...]]:
        # Joined once per person with a history: a dozen checks ask for it.
        return {pid: before + self.work.get(pid, ()) for pid, before in self.past.items()}

    def date_of(self, day: int) -> date:
        """The date of a day index, in the block or its history."""
        return self.program.block.start + timedelta(days=day)

    def _place(self, assignment: Assignment) -> Work | None:
        shift = self.program.shift.get(assignment.shift_id)
        post = self.program.post.get(assignment.post_id)
        if shift is None or post is None or assignment.day not in self.program.block:
            return None
        index = self.program.block.index(assignment.day)
        start, end = self.timeline.span(index, shift.id)
        return Work(assignment, shift, post, index, start, end)

    def available_days(self, person: Person) -> int:
        """Block days not on leave: the denominator of every ACGME average."""
        return sum(1 for d in self.program.block.dates() if d not in person.leave_dates)

    def leave_spans(self, person: Person) -> list[tuple[int, int]]:
        """Leave days in the block as local calendar days, in minutes from the origin."""
        return leave_spans(self.timeline, person)

    def local_date(self, minutes: int) -> date:
        """The hospital's calendar date at a moment given in minutes from the origin."""
        instant = self.timeline.origin + timedelta(minutes=minutes)
        return instant.astimezone(self.timeline.zone).date()

    @cached_property
    def horizon(self) -> int:
        """Where free time at the end of the block stops counting: local midnight after the last
        day, or the end of the last solver free-day window if that is later (see Timeline)."""
        return max(self.timeline.end, self.timeline.day_window(self.program.block.days - 1)[1])


def leave_spans(timeline: Timeline, person: Person) -> list[tuple[int, int]]:
    """Leave days inside the block as [local midnight, next local midnight) in minutes."""
    spans = []
    for day in sorted(person.leave_dates):
        if day in timeline.program.block:
            start = timeline.offset(local_midnight(timeline.zone, day))
            end = timeline.offset(local_midnight(timeline.zone, day + timedelta(days=1)))
            spans.append((start, end))
    return spans
