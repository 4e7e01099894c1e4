"""One account per role with an API token each, over the small paging hospital, and a real
uvicorn server for them. Accounts have no password (no argon2 cost): they call with tokens.

People: the resident is `ada` (PGY-1, on the ward), the chief `cy` (PGY-3, backup), the
attending `dora`; the program director, admin and operator are not on the schedule.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.api.app import create_app
from callroom.config import Settings
from callroom.storage import Database
from tests.principals import admin

PEOPLE = {Role.RESIDENT: "ben", Role.CHIEF: "cy", Role.ATTENDING: "dora"}
ROLES = tuple(Role)


def seed_roles(database: Database) -> dict[Role, str]:
    """An account per role (username = the role's value) and a bearer token for each."""
    service = AccountService(database)
    tokens = {}
    for role in ROLES:
        spec = AccountSpec(role.value, f"The {role.value}", role, PEOPLE.get(role))
        account = service.add_account(admin("test"), spec)
        tokens[role], _ = service.create_api_token(Principal("test", Role.ADMIN), account.id, "tests")
    return tokens


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app on a loopback port in a thread; yields its base URL."""
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
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def client(url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url, headers=headers, timeout=10)
