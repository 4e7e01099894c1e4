"""A worker whose database goes away between a send and its record keeps the result and records
it once the database is back: a webhook the gateway accepted is `sent`, not resent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from callroom.domain.paging import Channel
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.transports.webhook import WebhookSettings, WebhookTransport
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database, open_database
from tests.conftest import PostgresServer
from tests.integration.paging.conftest import OPERATOR, ManualClock, make_worker
from tests.paging_world import store_world, world_yaml

SECRET = "gateway-shared-secret"
RESTART_AFTER_S = 0.5  # the worker meets the outage meanwhile; no timing is asserted


class CrashingGateway:
    """An SMS gateway that accepts every message, but crashes the database server while it
    does (restarting it shortly afterwards): the worker's send succeeds, its record cannot."""

    def __init__(self, server: PostgresServer) -> None:
        self.keys: list[str] = []
        self.restarted: threading.Timer | None = None
        self._server = server

    def handler(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received(self.headers["Idempotency-Key"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def received(self, key: str) -> None:
        self.keys.append(key)
        if self.restarted is None:
            self._server.crash()
            self.restarted = threading.Timer(RESTART_AFTER_S, self._server.restart)
            self.restarted.start()


@pytest.fixture
def world(crashable_postgres: PostgresServer) -> Iterator[Database]:
    with open_database(crashable_postgres.url(crashable_postgres.create_database())) as database:
        store_world(database, world_yaml(wait="5m"))
        yield database


@pytest.fixture
def gateway(crashable_postgres: PostgresServer) -> Iterator[tuple[CrashingGateway, str]]:
    found = CrashingGateway(crashable_postgres)
    server = ThreadingHTTPServer(("127.0.0.1", 0), found.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found, f"http://127.0.0.1:{server.server_address[1]}/pages"
    finally:
        server.shutdown()
        server.server_close()
        if found.restarted is not None:
            found.restarted.join()


@pytest.mark.postgres
def test_a_send_made_just_before_the_database_went_away_is_recorded_when_it_is_back(
    world: Database, gateway: tuple[CrashingGateway, str]
) -> None:
    found, url = gateway
    clock = ManualClock()
    paging = PagingService(world, LiveSchedules(), clock)
    page_id = paging.send(PageRequest("nurse-4", "person:cy", "Bed 12: BP 80/50", "x4410")).id
    transports = {Channel.WEBHOOK: WebhookTransport(WebhookSettings(url, SECRET, 5))}
    worker = make_worker(world, clock, transports)

    worker.run_once()

    [webhook] = [m for m in paging.detail(OPERATOR, page_id).messages if m.channel == "webhook"]
    assert (webhook.state, webhook.attempts) == ("sent", 1)
    assert found.keys == [webhook.idempotency_key]
