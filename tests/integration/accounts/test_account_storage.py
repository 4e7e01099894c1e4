"""What the database holds about accounts, on SQLite and PostgreSQL: no secret in the clear,
and an audit trail that cannot be rewritten."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.storage import Database
from tests.principals import ADMIN

PASSWORD = "kwame's long password"


@pytest.fixture
def service(database: Database) -> AccountService:
    accounts = AccountService(database)
    accounts.add_account(ADMIN, AccountSpec("kwame", "Kwame", Role.RESIDENT, "kwame-mensah", PASSWORD))
    return accounts


def every_value(database: Database) -> str:
    tables = ("accounts", "account_sessions", "api_tokens", "calendar_feeds", "account_events")
    with database.engine.connect() as connection:
        return repr([list(connection.execute(text(f"SELECT * FROM {table}"))) for table in tables])


def test_no_password_or_token_is_stored_in_the_clear(service: AccountService, database: Database) -> None:
    signed = service.sign_in("kwame", PASSWORD)
    api_token, _ = service.create_api_token(signed.principal, 1, "bridge")
    feed = service.new_calendar_link(signed.principal)

    stored = every_value(database)

    for secret in (PASSWORD, signed.token, signed.csrf_token, api_token, feed):
        assert secret not in stored
    assert "$argon2id$" in stored


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE account_events SET actor = 'someone else'",
        "DELETE FROM account_events",
    ],
)
def test_the_account_audit_trail_cannot_be_rewritten(
    service: AccountService, database: Database, statement: str
) -> None:
    service.create_api_token(Principal("admin", Role.ADMIN), 1, "bridge")

    with pytest.raises(IntegrityError, match="audit trail is append-only"), database.engine.begin() as c:
        c.execute(text(statement))

    assert [e.actor for e in service.events(ADMIN, 1)] == ["admin", "admin"]
