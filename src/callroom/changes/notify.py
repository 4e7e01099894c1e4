"""Telling people their schedule changed: a routine page each, through the paging system.

The service depends on the narrow `Notifier` protocol; `PagingNotifier` sends real pages with
`PagingService` (so they reach the in-app inbox, email or webhook like any page), and a
notifier that fails for one person never undoes the approved change (it is reported instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from callroom.domain.paging import Priority
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import CallroomError
from callroom.paging.policy import MAX_BODY
from callroom.paging.service import PageRequest, PagingService

SENDER = "callroom:changes"
NO_CALLBACK = ""  # a notice asks for no answer


class Notifier(Protocol):
    def notify(self, person_id: str, body: str) -> int | None:
        """Send `body` to the person; the page id, or None when it could not be sent."""


class PagingNotifier:
    def __init__(self, paging: PagingService, sender: str = SENDER, callback: str = NO_CALLBACK) -> None:
        self._paging, self._sender, self._callback = paging, sender, callback

    def notify(self, person_id: str, body: str) -> int | None:
        request = PageRequest(
            self._sender,
            f"person:{person_id}",
            _clip(body),
            self._callback,
            Priority.ROUTINE,
            new_patient=False,
            notice=True,
        )
        try:
            return self._paging.send(request).id
        except CallroomError:
            return None


class SilentNotifier:
    """For a service built without paging (scripts, benchmarks): tells nobody."""

    def notify(self, person_id: str, body: str) -> int | None:
        return None


def _clip(body: str) -> str:
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"


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
