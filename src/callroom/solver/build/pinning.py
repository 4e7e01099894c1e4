"""Holding person-days of a model to a roster's: the days a solve or a repair may not change.

A repair holds every person-day its limits protect to the published roster; a re-solve of the
block holding today holds the days already begun to the live roster, so the new roster differs
from it only from tomorrow on and can be published (a published roster never rewrites the past).
"""

from __future__ import annotations

from datetime import date

from ortools.sat.python import cp_model

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import Invalid
from callroom.solver.build.model import RosterModel
from callroom.solver.build.space import Item

Cells = dict[tuple[int, int], Assignment]


def cells_of(program: Program, roster: Roster) -> Cells:
    """The roster's assignments by (person index, block day index)."""
    index = {p.id: i for i, p in enumerate(program.people)}
    return {
        (index[a.person_id], program.block.index(a.day)): a
        for a in roster.assignments
        if a.person_id in index and a.day in program.block
    }


def item_of(built: RosterModel, p: int, d: int, a: Assignment) -> Item | None:
    """The model's item for the assignment, or None when the model has no such option."""
    return next(
        (i for i in built.space.items[p][d] if i.post.id == a.post_id and i.shift.id == a.shift_id), None
    )


def hold(built: RosterModel, p: int, d: int, kept: Assignment | None) -> None:
    """Person `p` works on day `d` exactly `kept` (nothing when None)."""
    works: cp_model.IntVar = built.space.works[p][d]
    if kept is None:
        built.model.add(works == 0)
        return
    item = item_of(built, p, d, kept)
    if item is None:
        raise Invalid(
            "program",
            f"{kept.person_id} works {kept.shift_id} on {kept.post_id} on {kept.day:%a %d %b}, which the "
            "program no longer allows: that day cannot be kept as it was",
        )
    built.model.add(item.var == 1)


def pin_through(built: RosterModel, roster: Roster, last: date) -> None:
    """Every person-day of the block up to and including `last` held to `roster`'s."""
    program = built.program
    cells = cells_of(program, roster)
    for d, day in enumerate(program.block.dates()):
        if day > last:
            break
        for p in range(len(program.people)):
            hold(built, p, d, cells.get((p, d)))
