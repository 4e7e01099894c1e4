"""Notices: telling a person something through the paging system (their roster changed, a
justification of theirs was refused), as a page that asks no answer.

The feature services depend on the narrow `Notifier` protocol; `PagingNotifier` sends real pages
with `PagingService` (so they reach the in-app inbox, email or webhook like any page), marked as
notices: never escalated, with no call-back number, only marked seen. A notice that cannot be
sent never undoes what it tells of: `notify` answers None instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from callroom.domain.paging import Priority
from callroom.errors import CallroomError
from callroom.paging.policy import MAX_BODY
from callroom.paging.service import PageRequest, PagingService

SENDER = "callroom:changes"
NO_CALLBACK = ""  # a notice asks for no answer


class Notifier(Protocol):
    def notify(self, person_id: str, body: str) -> int | None:
        """Send `body` to the person; the page id, or None when it could not be sent."""

    def notify_each(self, notices: Sequence[tuple[str, str]]) -> list[int | None]:
        """Send each (person, body) at once; for each, the page id or None."""


class PagingNotifier:
    def __init__(self, paging: PagingService, sender: str = SENDER, callback: str = NO_CALLBACK) -> None:
        self._paging, self._sender, self._callback = paging, sender, callback

    def notify(self, person_id: str, body: str) -> int | None:
        return self.notify_each([(person_id, body)])[0]

    def notify_each(self, notices: Sequence[tuple[str, str]]) -> list[int | None]:
        requests = [
            PageRequest(
                self._sender,
                f"person:{person_id}",
                _clip(body),
                self._callback,
                Priority.ROUTINE,
                new_patient=False,
                notice=True,
            )
            for person_id, body in notices
        ]
        return [
            None if isinstance(sent, CallroomError) else sent.id for sent in self._paging.send_each(requests)
        ]


class SilentNotifier:
    """For a service built without paging (scripts, benchmarks): tells nobody."""

    def notify(self, person_id: str, body: str) -> int | None:
        return None

    def notify_each(self, notices: Sequence[tuple[str, str]]) -> list[int | None]:
        return [None for _ in notices]


def _clip(body: str) -> str:
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"
