"""In-app delivery: the message goes into the recipient's inbox, a table the API's Server-Sent
Events stream reads (`GET /api/v1/pages/stream`).

It runs inside the transaction that records the delivery (its "network" is the database, see
`callroom.paging.delivery`), so delivering and recording happen together or not at all, and the
inbox's unique message id makes a repeat a no-op: in-app delivery is exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from callroom.domain.paging import Channel
from callroom.paging.engine import Outcome
from callroom.paging.transports.base import OutboundMessage, SendResult

INBOX_NOTE = "in the inbox"
"""A delivered in-app message's note."""
InboxWriter = Callable[[Sequence[tuple[OutboundMessage, dict[str, Any]]]], set[int]]
"""Stores payloads in their recipients' inboxes; returns the message ids newly stored (a message
already there is a repeat, and is left as it was)."""


def inbox_payload(message: OutboundMessage) -> dict[str, Any]:
    """The data of one SSE `page` event. The patient reference is not in it: the app fetches
    the page (GET /api/v1/pages/{id}) with its own token to show it."""
    return {"message_id": message.message_id, "idempotency_key": message.idempotency_key, **message.summary()}


class InAppTransport:
    channel: ClassVar[Channel] = Channel.INAPP
    dedupes: ClassVar[bool] = True

    def __init__(self, write: InboxWriter) -> None:
        self._write = write

    def send(self, message: OutboundMessage) -> SendResult:
        return self.send_many([message])[0]

    def send_many(self, messages: Sequence[OutboundMessage]) -> list[SendResult]:
        """`send` for a batch, in one write: a page's whole crowd, or a worker's whole claim."""
        fresh = self._write([(m, inbox_payload(m)) for m in messages]) if messages else set()
        return [
            SendResult(Outcome.SENT, INBOX_NOTE)
            if m.message_id in fresh
            else SendResult(Outcome.SENT, "already in the inbox (a repeat, dropped)")
            for m in messages
        ]
