"""The one interface every transport implements, and the message it is given.

`OutboundMessage` deliberately has no patient reference: the patient is shown only inside the
app (which reads it from the page, behind its token), so no transport can leak it by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

from callroom.domain.paging import Channel
from callroom.paging.engine import Outcome


@dataclass(frozen=True)
class OutboundMessage:
    """One message to one recipient on one channel. `idempotency_key` is the same on every
    attempt, so a receiver that has seen it can drop the repeat."""

    message_id: int
    idempotency_key: str
    channel: Channel
    address: str
    attempt: int
    page_id: int
    priority: str
    sender: str
    body: str
    callback: str
    target: str
    sent_at: datetime
    person_id: str
    person_name: str
    reason: str
    step: int
    round: int
    notice: bool = False  # tells, asks no answer (a roster changed)

    def summary(self) -> dict[str, Any]:
        """What every channel may carry: the page without the patient, and who it is for."""
        return {
            "page": {
                "id": self.page_id,
                "priority": self.priority,
                "body": self.body,
                "callback": self.callback,
                "sender": self.sender,
                "target": self.target,
                "sent_at": self.sent_at.isoformat(),
                "notice": self.notice,
            },
            "recipient": {"id": self.person_id, "name": self.person_name, "reason": self.reason},
            "escalation": {"step": self.step, "round": self.round},
        }


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    detail: str


class Transport(Protocol):
    """Sends one message and says what it knows about the outcome; never raises for delivery
    problems (those are outcomes). `dedupes` says whether the receiver drops a repeated
    idempotency key, which decides whether an unknown outcome may be resent (see engine)."""

    channel: ClassVar[Channel]
    dedupes: ClassVar[bool]

    def send(self, message: OutboundMessage) -> SendResult: ...
