"""A real API server (uvicorn on a loopback port) over the small hospital, on SQLite and
PostgreSQL, with a worker thread on the real clock, and tokens for a few people."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from callroom.api.app import create_app
from callroom.config import ApiToken, Settings
from callroom.paging.worker import worker_from
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from tests.paging_world import store_world, world_yaml

TOKENS = {
    "nurse": ("nurse-4", "clinician"),
    "ada": ("ada", "clinician"),
    "ben": ("ben", "clinician"),
    "cy": ("cy", "clinician"),
    "operator": ("switchboard", "operator"),
}


def token(name: str) -> str:
    return f"{name}-token-for-tests-0123456789"


def auth(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(name)}"}


@dataclass(frozen=True)
class Api:
    url: str
    database: Database

    def client(self, name: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=auth(name) if name else {}, timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def settings_for(database_url: str) -> Settings:
    tokens = [ApiToken(token=token(name), user=user, role=role) for name, (user, role) in TOKENS.items()]
    return Settings(
        database_url=database_url,
        api_tokens=tokens,
        worker_poll_interval_s=0.01,
        stream_poll_interval_s=0.01,
        stream_ping_s=0.2,
    )


@pytest.fixture
def api(database: Database, database_url: str) -> Iterator[Api]:
    store_world(database, world_yaml(wait="5m"))
    with serving(database, settings_for(database_url)) as running:
        yield running


@contextmanager
def serving(database: Database, settings: Settings) -> Iterator[Api]:
    """The API app for `settings` under uvicorn on a free loopback port, until the block ends."""
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=_free_port(),
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.01)
    try:
        yield Api(f"http://127.0.0.1:{config.port}", database)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def running_worker(api: Api, database_url: str) -> Iterator[None]:
    stop = threading.Event()
    worker = worker_from(settings_for(database_url), api.database, LiveSchedules(), "test-worker")
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
