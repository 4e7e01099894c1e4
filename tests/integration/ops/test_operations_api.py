"""`/healthz`, `/readyz` and `/metrics` against a real server, on SQLite and PostgreSQL: alive
without the database; ready only while the database answers at this code's schema (503 naming
what is wrong otherwise); the metrics counting what the database holds, behind the metrics token
when one is set."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from alembic import command
from prometheus_client.parser import text_string_to_metric_families

from callroom.config import Settings
from callroom.paging.service import PageRequest, PagingService
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.db import alembic_config, migration_heads
from tests.conftest import PostgresServer
from tests.integration.api.role_world import _free_port, serve
from tests.integration.paging.conftest import ManualClock, drain, make_worker
from tests.paging_world import store_world, world_yaml
from tests.webhook_gateway import CALLROOM

TOKEN = "metrics-token-0123456789"


def _migrate(database: Database, revision: str) -> None:
    with database.engine.begin() as connection:
        if revision == "head":
            command.upgrade(alembic_config(connection), revision)
        else:
            command.downgrade(alembic_config(connection), revision)


def test_a_server_is_ready_only_while_its_schema_is_this_codes(database: Database, database_url: str) -> None:
    with serve(Settings(database_url=database_url)) as base:
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{base}/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})

        _migrate(database, "0013")  # an older schema: a migration not run, or a restore of an old backup
        behind = httpx.get(f"{base}/readyz")
        assert behind.status_code == 503
        assert behind.json()["field"] == "schema"
        assert (
            behind.json()["error"]
            == f"the database is at 0013; this code needs {', '.join(migration_heads())}"
        )
        assert httpx.get(f"{base}/healthz").status_code == 200, "alive all the same"

        _migrate(database, "head")
        assert httpx.get(f"{base}/readyz").status_code == 200


@pytest.mark.postgres
def test_a_server_whose_database_is_down_is_alive_but_not_ready(crashable_postgres: PostgresServer) -> None:
    url = crashable_postgres.url(crashable_postgres.create_database())
    with serve(Settings(database_url=url)) as base:
        assert httpx.get(f"{base}/readyz").status_code == 200
        crashable_postgres.crash()
        try:
            down = httpx.get(f"{base}/readyz", timeout=30)
            assert down.status_code == 503 and down.json()["field"] == "database", down.text
            assert httpx.get(f"{base}/healthz").status_code == 200
        finally:
            crashable_postgres.restart()
        assert httpx.get(f"{base}/readyz", timeout=30).status_code == 200


def _scrape(base: str, token: str | None = None) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = httpx.get(f"{base}/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def test_the_metrics_count_the_pages_sent_delivered_and_escalated(
    database: Database, database_url: str
) -> None:
    store_world(database, world_yaml(wait="5m"))
    with serve(Settings(database_url=database_url)) as base:
        empty = _scrape(base)
        assert empty[("callroom_pages_sent_total", ())] == 0
        assert empty[("callroom_page_delivery_latency_seconds_gcount", ())] == 0

        clock = ManualClock()
        paging = PagingService(database, LiveSchedules(), clock)
        for i in range(3):
            paging.send(PageRequest("nurse-4", "post:ward", f"page {i}", "x4410"))
        worker = make_worker(database, clock)
        drain(worker)
        clock.advance(301)  # past the 5-minute wait: each page escalates to the backup, cy
        drain(worker)

        found = _scrape(base)
    assert found[("callroom_pages_sent_total", ())] == 3
    # ada's in-app messages, then cy's in-app and webhook (no gateway set: the webhook fails)
    assert found[("callroom_messages_delivered_total", (("channel", "inapp"),))] == 6
    assert found[("callroom_page_escalations_total", (("kind", "escalated"),))] == 3
    assert found[("callroom_page_escalations_total", (("kind", "fallback"),))] == 0
    assert found[("callroom_page_delivery_latency_seconds_gcount", ())] == 6
    assert found[("callroom_page_delivery_latency_seconds_bucket", (("le", "+Inf"),))] == 6


def test_the_metrics_want_the_token_when_one_is_set(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'callroom.db'}", metrics_token=TOKEN)
    with serve(settings) as base:
        for headers in ({}, {"Authorization": "Bearer not-the-metrics-token"}, {"Authorization": TOKEN}):
            refused = httpx.get(f"{base}/metrics", headers=headers)
            assert refused.status_code == 401 and refused.json()["field"] == "Authorization"
        assert _scrape(base, TOKEN)[("callroom_pages_sent_total", ())] == 0
        assert httpx.get(f"{base}/readyz").status_code == 200, "health needs no token"


def start_serve(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[bytes], Path, int]:
    """`callroom serve` on a SQLite file, its output in a log; the process, the log, the port."""
    port = _free_port()
    env = {**os.environ, "CALLROOM_DATABASE_URL": f"sqlite:///{tmp_path / 'callroom.db'}"}
    command = [sys.executable, "-c", CALLROOM, "serve", "--port", str(port), *options]
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        return subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT), log, port


def wait_started(process: subprocess.Popen[bytes], log: Path, servers: int = 1) -> None:
    deadline = time.monotonic() + 120  # a bound on a hung start, not a performance claim
    while log.read_text().count("Application startup complete") < servers:
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.1)


def test_serve_runs_several_server_processes_on_one_port(tmp_path: Path) -> None:
    process, log, port = start_serve(tmp_path, "--workers", "2", "--no-worker")
    try:
        wait_started(process, log, servers=2)
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, log.read_text()[-3000:]
    assert log.read_text().count("Started server process") == 2


def test_serve_stopped_by_sigterm_drains_the_worker_beside_it_and_exits_0(tmp_path: Path) -> None:
    process, log, _ = start_serve(tmp_path)
    try:
        wait_started(process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)

    assert code == 0, log.read_text()[-3000:]
    assert "paging worker and job runner drained" in log.read_text()
