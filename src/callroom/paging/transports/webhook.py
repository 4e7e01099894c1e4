"""Webhooks: a signed JSON POST to an SMS or voice gateway, which must drop repeats by key.

Each request carries `Idempotency-Key` (the same on every attempt), `X-Callroom-Timestamp`
(Unix seconds) and `X-Callroom-Signature: sha256=<hex>`, the HMAC-SHA256 of
`<timestamp>.<body>` under the shared secret. Receivers check it with `verify_signature` (or its
equivalent) and reject stale timestamps, which stops replays.

Outcomes: 2xx is sent; 408, 429 and 5xx are retried with backoff; any other status is a
permanent failure. A connection that could not be made is retried; one that failed after the
request was written (a read timeout, a dropped connection) is an unknown outcome, and webhooks
are resent with the same key, since the gateway deduplicates (see `callroom.paging.engine`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from callroom.domain.paging import Channel
from callroom.paging.engine import Outcome
from callroom.paging.transports.base import OutboundMessage, SendResult

SIGNATURE_HEADER = "X-Callroom-Signature"
TIMESTAMP_HEADER = "X-Callroom-Timestamp"
RETRIED_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: str
    timeout_s: float = 10.0


def payload(message: OutboundMessage) -> dict[str, Any]:
    """The documented JSON body (see the README's Paging section)."""
    summary = message.summary()
    summary["recipient"]["phone"] = message.address
    return {"type": "page", "idempotency_key": message.idempotency_key, "attempt": message.attempt, **summary}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, header: str, *, now: float, tolerance_s: float = 300
) -> bool:
    """True if `header` signs `timestamp.body` and the timestamp is within the tolerance."""
    try:
        fresh = abs(now - float(timestamp)) <= tolerance_s
    except ValueError:
        return False
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), header)


def _status_outcome(response: httpx.Response) -> SendResult:
    status = response.status_code
    if 200 <= status < 300:
        return SendResult(Outcome.SENT, f"accepted: HTTP {status}")
    if status in RETRIED_STATUSES or status >= 500:
        return SendResult(Outcome.RETRY, f"gateway busy or failing: HTTP {status}")
    return SendResult(Outcome.FAILED, f"refused: HTTP {status} {response.text[:200]!r}")


class WebhookTransport:
    channel: ClassVar[Channel] = Channel.WEBHOOK
    dedupes: ClassVar[bool] = True

    def __init__(self, settings: WebhookSettings, *, clock: Callable[[], float] = time.time) -> None:
        self._settings = settings
        self._clock = clock
        self._client = httpx.Client(timeout=settings.timeout_s)

    def close(self) -> None:
        self._client.close()

    def send(self, message: OutboundMessage) -> SendResult:
        body = json.dumps(payload(message), sort_keys=True, separators=(",", ":")).encode()
        stamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.idempotency_key,
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: signature(self._settings.secret, stamp, body),
        }
        try:
            response = self._client.post(self._settings.url, content=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            return SendResult(Outcome.RETRY, f"could not connect: {error!r}")
        except httpx.TransportError as error:
            return SendResult(Outcome.UNKNOWN, f"no answer after sending: {error!r}")
        return _status_outcome(response)
