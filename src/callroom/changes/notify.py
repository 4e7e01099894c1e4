"""Telling people their schedule changed: a notice each, through the paging system's notifier
(`callroom.paging.notices`), saying which of their shifts changed. A notifier that fails for one
person never undoes the approved change (it is reported instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.paging.policy import MAX_BODY


def describe_cell(program: Program, a: Assignment | None) -> str:
    if a is None:
        return "off"
    return f"{program.shift[a.shift_id].name}, {program.post[a.post_id].name}"


def new_shifts_text(
    program: Program, before: Roster, after: Roster, person_id: str, days: Iterable[date], version_number: int
) -> str:
    """What changed for one person: each changed day, old and new."""
    parts = []
    for day in sorted(set(days)):
        old, new = before.on(person_id, day), after.on(person_id, day)
        if old != new:
            parts.append(f"{day:%a %d %b}: {describe_cell(program, new)} (was {describe_cell(program, old)})")
    head = f"Roster changed (version {version_number}). Your new shifts: "
    return head + _fitting(parts, MAX_BODY - len(head))


def _fitting(parts: list[str], room: int) -> str:
    """As many changes as fit in a page, then how many more there are: a notice cut off in
    the middle of a shift would leave the reader guessing."""
    shown: list[str] = []
    for k, part in enumerate(parts):
        rest = len(parts) - k - 1
        tail = f"; and {rest} more: see My schedule" if rest else ""
        if len("; ".join([*shown, part])) + len(tail) > room:
            more = len(parts) - len(shown)
            return (
                "; ".join(shown) + f"; and {more} more: see My schedule"
                if shown
                else f"{more} changes: see My schedule"
            )
        shown.append(part)
    return "; ".join(shown)
