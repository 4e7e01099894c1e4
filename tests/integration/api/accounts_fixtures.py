"""A server over the small paging hospital with one account per role (API tokens) and one
account that signs in with a password, on SQLite and PostgreSQL (via `database`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.config import Settings
from callroom.storage import Database
from tests.integration.api.role_world import client, seed_roles, serve
from tests.paging_world import store_world
from tests.principals import admin

PASSWORD = "ada's long password"


@dataclass(frozen=True)
class RoleApi:
    url: str
    database: Database
    tokens: dict[Role, str]

    def as_role(self, role: Role | None) -> httpx.Client:
        return client(self.url, None if role is None else self.tokens[role])


@pytest.fixture
def role_api(database: Database, database_url: str) -> Iterator[RoleApi]:
    store_world(database)
    tokens = seed_roles(database)
    spec = AccountSpec("ada.okafor", "Ada Okafor", Role.RESIDENT, "ada", PASSWORD)
    AccountService(database).add_account(admin("test"), spec)
    with serve(Settings(database_url=database_url, session_idle_minutes=1)) as url:
        yield RoleApi(url, database, tokens)
