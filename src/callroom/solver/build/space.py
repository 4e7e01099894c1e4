"""The decision variables: x[person, day, (post, shift)] is 1 when the person works it.

Each person has a list of options (post, shift) they may work. Every (person, day, option) is an
`Item` placed in time (minutes from the block origin, from the same Timeline the checkers use)
and carries its Boolean. A person works at most one item a day; `works[p][d]` is their sum.

The program's history (work before the block) is laid out the same way in `past`, on negative
days, each item's Boolean the constant true: the builders of rules that carry across a boundary
read it, and a constraint is only ever posted on windows that reach into the block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from callroom.domain.program import Person, Post, Program
from callroom.domain.shifts import ShiftType
from callroom.domain.timeline import Timeline

MINUTES_PER_DAY = 24 * 60
CLOCK_CHANGE = 60  # a DST change moves a local time by at most an hour against elapsed time


@dataclass(frozen=True, slots=True)
class Item:
    person: int
    day: int
    post: Post
    shift: ShiftType
    start: int
    end: int
    var: cp_model.IntVar

    @property
    def counted(self) -> int:
        return self.shift.counted(self.end - self.start)

    @property
    def in_house(self) -> bool:
        return self.shift.in_house

    @property
    def in_block(self) -> bool:
        """False for history items: fixed work before the block."""
        return self.day >= 0


@dataclass
class Space:
    program: Program
    model: cp_model.CpModel
    timeline: Timeline
    items: list[list[list[Item]]] = field(default_factory=list)  # [person][day] -> items
    works: list[list[cp_model.IntVar]] = field(default_factory=list)  # [person][day]
    by_shift: list[list[dict[str, list[cp_model.IntVar]]]] = field(default_factory=list)
    past: list[list[Item]] = field(default_factory=list)  # [person] -> history items, by start

    @classmethod
    def build(cls, program: Program, model: cp_model.CpModel) -> Space:
        space = cls(program, model, Timeline(program))
        for index, person in enumerate(program.people):
            space._add_person(index, person)
        space.past = space._history()
        return space

    def _history(self) -> list[list[Item]]:
        index = {person.id: p for p, person in enumerate(self.program.people)}
        past: list[list[Item]] = [[] for _ in self.program.people]
        for placed in self.timeline.history:
            p = index.get(placed.assignment.person_id)
            if p is not None:
                post, shift = (
                    self.program.post[placed.assignment.post_id],
                    self.program.shift[placed.assignment.shift_id],
                )
                past[p].append(
                    Item(p, placed.day, post, shift, placed.start, placed.end, self.model.new_constant(1))
                )
        return [sorted(items, key=lambda i: i.start) for items in past]

    def past_flags(self, person: int, flag: Callable[[Item], bool]) -> list[bool]:
        """For each history day, oldest first, whether the person worked an item with `flag`."""
        days = {item.day for item in self.past[person] if flag(item)}
        return [d in days for d in range(-self.program.history_days, 0)]

    def _add_person(self, index: int, person: Person) -> None:
        options = self.program.options(person)
        days, works, by_shift = [], [], []
        dated = person.post_dates
        for day, on in enumerate(self.program.block.dates()):
            row = [
                self._item(index, day, post_id, shift_id)
                for post_id, shift_id in options
                if post_id not in dated or on in dated[post_id]
            ]
            work = self.model.new_bool_var(f"w_{person.id}_{day}")
            # At most one shift a day, and `work` is exactly whether there is one.
            self.model.add(LinearExpr.sum([item.var for item in row]) == work)
            days.append(row)
            works.append(work)
            shifts: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            for item in row:
                shifts[item.shift.id].append(item.var)
            by_shift.append(shifts)
        self.items.append(days)
        self.works.append(works)
        self.by_shift.append(by_shift)

    def _item(self, person: int, day: int, post_id: str, shift_id: str) -> Item:
        start, end = self.timeline.span(day, shift_id)
        var = self.model.new_bool_var(f"x_{person}_{day}_{post_id}_{shift_id}")
        return Item(person, day, self.program.post[post_id], self.program.shift[shift_id], start, end, var)

    @cached_property
    def reach(self) -> int:
        """How many days apart two items can be and still overlap in time: the latest any shift
        type ends, counted from the midnight starting its day, with an hour's clock change at
        each end, in whole days (2 for a 07:00 24-hour call or a 19:00 night)."""
        latest = max(
            (s.start.hour * 60 + s.start.minute + s.duration_minutes for s in self.program.shift_types),
            default=0,
        )
        return -(-(latest + 2 * CLOCK_CHANGE) // MINUTES_PER_DAY)

    def near(self, day: int) -> range:
        """The days whose items may overlap an item of `day` in time."""
        return range(max(0, day - self.reach), min(self.program.block.days, day + self.reach + 1))

    def person_items(self, person: int) -> Iterator[Item]:
        """Every item of the person, day by day."""
        for row in self.items[person]:
            yield from row

    def on_shifts(self, person: int, day: int, shift_ids: Iterable[str]) -> list[cp_model.IntVar]:
        """The Booleans of the person working any of `shift_ids` on `day`, whatever the post."""
        row = self.by_shift[person][day]
        return [var for shift_id in shift_ids for var in row.get(shift_id, ())]


def weighted(items: Iterable[Item]) -> cp_model.LinearExprT:
    """Counted minutes of the items worked, as one linear expression."""
    chosen = list(items)
    return LinearExpr.weighted_sum([i.var for i in chosen], [i.counted for i in chosen])
