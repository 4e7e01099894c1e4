"""`callroom accounts ...` on SQLite and PostgreSQL: add, list, change, set-password, token,
revoke, and the demo accounts; bad input exits 2 naming the field."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from callroom.accounts.demo import DEMO_ACCOUNTS
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService
from callroom.cli.main import app
from callroom.storage import Database
from tests.principals import ADMIN

runner = CliRunner()


@pytest.fixture
def cli_database(database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("CALLROOM_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    return database


def add(*args: str, password: str = "a long password\n") -> tuple[int, str]:
    result = runner.invoke(app, ["accounts", "add", *args, "--password-stdin"], input=password)
    return result.exit_code, result.output


def test_an_added_account_signs_in_with_its_password(cli_database: Database) -> None:
    code, output = add("ada.okafor", "--role", "resident", "--person", "ada", "--name", "Ada Okafor")

    assert code == 0, output
    assert "Account ada.okafor (resident) created." in output
    signed = AccountService(cli_database).sign_in("ada.okafor", "a long password")
    assert (signed.principal.role, signed.principal.person_id) == (Role.RESIDENT, "ada")


def test_accounts_are_listed_with_role_and_person(cli_database: Database) -> None:
    add("ada.okafor", "--role", "resident", "--person", "ada")

    result = runner.invoke(app, ["accounts", "list"])

    assert result.exit_code == 0
    row = next(line for line in result.output.splitlines() if "ada.okafor" in line)
    assert "resident" in row and "ada" in row and "yes" in row


def test_set_password_replaces_the_old_one(cli_database: Database) -> None:
    add("ada.okafor", "--role", "resident", "--person", "ada")

    result = runner.invoke(
        app, ["accounts", "set-password", "ada.okafor", "--password-stdin"], input="another long password\n"
    )

    assert result.exit_code == 0, result.output
    service = AccountService(cli_database)
    assert service.sign_in("ada.okafor", "another long password").principal.user == "ada.okafor"


def test_a_token_is_printed_once_and_can_be_revoked(cli_database: Database) -> None:
    add("board", "--role", "operator", "--no-password")

    made = runner.invoke(app, ["accounts", "token", "board", "--name", "ward board"])
    secret = made.output.strip().splitlines()[-1]
    service = AccountService(cli_database)
    found = service.token_principal(secret)
    revoked = runner.invoke(app, ["accounts", "revoke-token", "board", "1"])

    assert made.exit_code == 0 and found is not None and found.role is Role.OPERATOR
    assert revoked.exit_code == 0
    # A fresh service, as a server process would be: `service` may remember the token for
    # TOKEN_MEMORY_S, since the revocation happened in another service (the CLI's).
    assert AccountService(cli_database).token_principal(secret) is None


@pytest.mark.parametrize(
    ("args", "password", "field"),
    [
        (("Bad Name", "--role", "resident"), "a long password\n", "username"),
        (("ada", "--role", "resident"), "short\n", "password"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    cli_database: Database, args: tuple[str, ...], password: str, field: str
) -> None:
    code, output = add(*args, password=password)

    assert code == 2
    assert f"error: {field}:" in output
    assert AccountService(cli_database).accounts(ADMIN) == []


def test_an_unknown_role_is_refused(cli_database: Database) -> None:
    code, output = add("ada", "--role", "surgeon")

    assert code == 2
    assert "surgeon" in output


def test_the_demo_accounts_are_one_per_role_and_sign_in_with_their_printed_passwords(
    cli_database: Database,
) -> None:
    first = runner.invoke(app, ["accounts", "demo"])
    again = runner.invoke(app, ["accounts", "demo"])

    assert first.exit_code == 0 and again.exit_code == 0
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role)
    service = AccountService(cli_database)
    for demo in DEMO_ACCOUNTS:
        assert demo.password in first.output
        assert service.sign_in(demo.username, demo.password).principal.person_id == demo.person_id
    assert len(service.accounts(ADMIN)) == len(DEMO_ACCOUNTS)


def test_change_gives_a_new_role_and_deactivates(cli_database: Database) -> None:
    add("ada.okafor", "--role", "resident", "--person", "ada")

    promoted = runner.invoke(app, ["accounts", "change", "ada.okafor", "--role", "chief"])
    deactivated = runner.invoke(app, ["accounts", "change", "ada.okafor", "--inactive"])

    assert promoted.exit_code == 0 and "Account ada.okafor: chief, active." in promoted.output
    assert deactivated.exit_code == 0 and "Account ada.okafor: chief, inactive." in deactivated.output


@pytest.mark.parametrize(("args", "field"), [(("--role", "chief"), "role"), (("--inactive",), "active")])
def test_the_last_active_admin_is_not_demoted_or_deactivated(
    cli_database: Database, args: tuple[str, ...], field: str
) -> None:
    add("root", "--role", "admin")

    result = runner.invoke(app, ["accounts", "change", "root", *args])

    assert result.exit_code == 2
    assert f"error: {field}: root is the only active admin" in result.output
    account = AccountService(cli_database).by_username(ADMIN, "root")
    assert (account.role, account.active) == ("admin", True)
