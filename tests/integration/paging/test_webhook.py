"""Webhooks to a real HTTP receiver that checks every signature; retries with backoff, permanent
refusals, and the unknown-outcome policy (resent with the same key) after a timeout or a worker
that died mid-send."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from callroom.domain.paging import Channel, EventKind
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.transports.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookSettings,
    WebhookTransport,
    verify_signature,
)
from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from tests.integration.paging.conftest import OPERATOR, ManualClock, drain, make_worker

SECRET = "gateway-shared-secret"


@dataclass
class Gateway:
    """What an SMS gateway saw: every request, whether its signature held, and a script of
    answers ("ok", a status code, or "slow" to answer after the client gave up)."""

    script: list[str] = field(default_factory=list)
    requests: list[dict[str, object]] = field(default_factory=list)

    @property
    def shown(self) -> dict[str, dict[str, object]]:
        """What the person's phone shows: one message per idempotency key."""
        return {str(r["key"]): r for r in self.requests if r["verified"]}


def handler_for(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            verified = verify_signature(
                SECRET, self.headers[TIMESTAMP_HEADER], body, self.headers[SIGNATURE_HEADER], now=time.time()
            )
            gateway.requests.append(
                {"key": self.headers["Idempotency-Key"], "verified": verified, "payload": json.loads(body)}
            )
            answer = gateway.script.pop(0) if gateway.script else "ok"
            if answer == "slow":
                time.sleep(1.5)
            status = 200 if answer in ("ok", "slow") else int(answer)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def gateway() -> Iterator[tuple[Gateway, str]]:
    found = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(found))
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found, f"http://127.0.0.1:{server.server_address[1]}/pages"
    finally:
        server.shutdown()
        server.server_close()


def page_cy(paging: PagingService) -> int:
    # cy's contact rules: in-app and webhook (SMS) at once, email after a minute.
    return paging.send(
        PageRequest("nurse-4", "person:cy", "Bed 12: BP 80/50", "x4410", patient_ref="MRN-0042")
    ).id


def webhook_state(paging: PagingService, page_id: int) -> tuple[str, int]:
    [message] = [m for m in paging.detail(OPERATOR, page_id).messages if m.channel == "webhook"]
    return message.state, message.attempts


def transport(url: str, timeout_s: float = 5) -> dict[Channel, WebhookTransport]:
    return {Channel.WEBHOOK: WebhookTransport(WebhookSettings(url, SECRET, timeout_s))}


def test_a_signed_webhook_reaches_the_gateway_without_the_patient(
    paging: PagingService, world: Database, clock: ManualClock, gateway: tuple[Gateway, str]
) -> None:
    found, url = gateway
    page_id = page_cy(paging)

    drain(make_worker(world, clock, transport(url)))

    [request] = found.requests
    assert request["verified"] is True
    assert request["key"] == f"page-{page_id}/recipient-1/webhook"
    payload = request["payload"]
    assert isinstance(payload, dict)
    assert payload["recipient"]["phone"] == "+1-555-0103"
    assert payload["page"]["body"] == "Bed 12: BP 80/50"
    assert "MRN-0042" not in json.dumps(payload)
    assert webhook_state(paging, page_id) == ("sent", 1)


def test_the_webhook_of_an_escalation_goes_out_in_the_worker_pass_that_escalates(
    paging: PagingService, world: Database, clock: ManualClock, gateway: tuple[Gateway, str]
) -> None:
    found, url = gateway
    page_id = paging.send(PageRequest("nurse-4", "post:ward", "Bed 12: BP 80/50", "x4410")).id
    worker = make_worker(world, clock, transport(url))
    drain(worker)
    assert found.requests == []  # ada, the ward's junior, is paged in the app only

    clock.advance(300)
    worker.run_once()

    assert webhook_state(paging, page_id) == ("sent", 1)  # cy, the senior it escalated to
    assert [r["key"] for r in found.requests] == [f"page-{page_id}/recipient-2/webhook"]


def test_a_busy_gateway_is_retried_with_backoff_and_the_same_key(
    paging: PagingService, world: Database, clock: ManualClock, gateway: tuple[Gateway, str]
) -> None:
    found, url = gateway
    found.script = ["503", "429"]
    page_id = page_cy(paging)
    worker = make_worker(world, clock, transport(url))

    drain(worker)
    clock.advance(1.9)
    drain(worker)
    assert webhook_state(paging, page_id) == ("pending", 1)
    clock.advance(0.1)
    drain(worker)
    clock.advance(4)
    drain(worker)

    assert webhook_state(paging, page_id) == ("sent", 3)
    assert len({str(r["key"]) for r in found.requests}) == 1
    assert [r["payload"]["attempt"] for r in found.requests] == [1, 2, 3]  # type: ignore[index]


def test_a_refusal_is_permanent(
    paging: PagingService, world: Database, clock: ManualClock, gateway: tuple[Gateway, str]
) -> None:
    found, url = gateway
    found.script = ["400"]
    page_id = page_cy(paging)
    worker = make_worker(world, clock, transport(url))

    drain(worker)
    clock.advance(600)
    drain(worker)

    assert webhook_state(paging, page_id) == ("failed", 1)
    assert len(found.requests) == 1


def test_a_timeout_after_sending_is_resent_with_the_same_key_and_shown_once(
    paging: PagingService, world: Database, clock: ManualClock, gateway: tuple[Gateway, str]
) -> None:
    found, url = gateway
    found.script = ["slow"]
    page_id = page_cy(paging)
    worker = make_worker(world, clock, transport(url, timeout_s=0.5))

    drain(worker)
    assert webhook_state(paging, page_id) == ("pending", 1)
    clock.advance(2)
    drain(worker)

    assert webhook_state(paging, page_id) == ("sent", 2)
    assert len(found.requests) == 2
    assert len(found.shown) == 1


def test_a_send_whose_worker_died_is_resent_after_its_lease_but_an_email_is_not(
    paging: PagingService, world: Database, clock: ManualClock, gateway: tuple[Gateway, str]
) -> None:
    found, url = gateway
    page_id = page_cy(paging)
    clock.advance(60)  # the email is due too
    with world.session() as session:  # a worker claims both, then dies without a word
        claimed = OutboxRepository(session).claim(
            clock.now, ["webhook", "email"], 10, clock.now + timedelta(seconds=30), "dead-worker"
        )
    assert len(claimed) == 2
    worker = make_worker(world, clock, transport(url))

    drain(worker)
    assert webhook_state(paging, page_id) == ("sending", 1)
    clock.advance(30)
    drain(worker)
    clock.advance(2)
    drain(worker)

    detail = paging.detail(OPERATOR, page_id)
    assert webhook_state(paging, page_id) == ("sent", 2)
    assert [m.state for m in detail.messages if m.channel == "email"] == ["unknown"]
    assert [e.kind for e in detail.events].count(EventKind.LEASE_EXPIRED) == 2
    assert len(found.shown) == 1
