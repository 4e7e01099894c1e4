"""A transport for unit tests: records what it was given and answers with scripted outcomes.

Integration tests use real receivers (an SMTP server, an HTTP endpoint, an SSE client) instead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import ClassVar

from callroom.domain.paging import Channel
from callroom.paging.engine import Outcome
from callroom.paging.transports.base import OutboundMessage, SendResult


class FakeTransport:
    channel: ClassVar[Channel] = Channel.WEBHOOK
    dedupes: ClassVar[bool] = True

    def __init__(self, outcomes: Iterable[Outcome] = ()) -> None:
        self.sent: list[OutboundMessage] = []
        self._outcomes = deque(outcomes)

    def send(self, message: OutboundMessage) -> SendResult:
        """Record the message; answer with the next scripted outcome, then SENT."""
        self.sent.append(message)
        outcome = self._outcomes.popleft() if self._outcomes else Outcome.SENT
        return SendResult(outcome, f"fake: {outcome.value}")
