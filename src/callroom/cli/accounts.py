"""Account commands: `callroom accounts add|list|change|set-password|token|revoke-token|demo`.

They act as an administrator at the machine would (on CALLROOM_DATABASE_URL). Passwords are
read from a hidden prompt (or `--password-stdin` for scripts), never from the command line,
where other users could read them. Exit code 2 for bad input, with the message naming the field.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table

from callroom.accounts.demo import seed_demo_accounts
from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.cli.console import console, fail
from callroom.cli.context import services
from callroom.cli.identity import acting
from callroom.cli.params import TokenId

accounts_app = typer.Typer(no_args_is_help=True, help="Accounts: add, list, passwords and API tokens.")

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _accounts() -> AccountService:
    return services().accounts


def _admin() -> Principal:
    return acting(None, Role.ADMIN)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise fail("password: the two passwords differ")
    return first


@accounts_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Lower-case letters, digits, '.', '_' or '-'.")],
    role: Annotated[Role, typer.Option(help="What the account may do (docs/permissions.md).")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the username).")] = None,
    person: Annotated[str | None, typer.Option(help="The person id on the schedule, if any.")] = None,
    no_password: Annotated[bool, typer.Option("--no-password", help="Tokens only; no sign-in.")] = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account (asks for its password unless --no-password)."""
    password = None if no_password else _password(password_stdin)
    accounts = _accounts()
    made = accounts.add_account(_admin(), AccountSpec(username, name or username, role, person, password))
    console.print(f"Account {made.username} ({made.role}) created.")


@accounts_app.command("list")
def list_accounts() -> None:
    """Every account, with its role, person and whether it is active."""
    accounts = _accounts()
    found = accounts.accounts(_admin())
    table = Table("id", "username", "name", "role", "person", "active", "password")
    for a in found:
        table.add_row(
            str(a.id),
            a.username,
            a.display_name,
            a.role,
            a.person_id or "-",
            "yes" if a.active else "no",
            "set" if a.password_hash else "-",
        )
    console.print(table)


@accounts_app.command("change")
def change(
    username: str,
    role: Annotated[Role | None, typer.Option(help="A new role.")] = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Reactivate, or deactivate (its sessions end).")
    ] = None,
) -> None:
    """Change an account's role or deactivate it; the last active admin stays one."""
    values = {k: v for k, v in (("role", role), ("active", active)) if v is not None}
    accounts = _accounts()
    made = accounts.change_account(_admin(), accounts.by_username(_admin(), username).id, **values)
    console.print(f"Account {made.username}: {made.role}, {'active' if made.active else 'inactive'}.")


@accounts_app.command("set-password")
def set_password(username: str, password_stdin: PasswordStdin = False) -> None:
    """Set an account's password; its sessions end."""
    password = _password(password_stdin)
    accounts = _accounts()
    accounts.set_password(_admin(), accounts.by_username(_admin(), username).id, password)
    console.print(f"Password of {username} set; its sessions have ended.")


@accounts_app.command("token")
def token(username: str, name: Annotated[str, typer.Option(help="What the token is for.")]) -> None:
    """Make an API token for the account and print it (once: only its digest is kept)."""
    accounts = _accounts()
    account = accounts.by_username(_admin(), username)
    secret, record = accounts.create_api_token(_admin(), account.id, name)
    console.print(f"Token {record.id} ({name}) for {username}; send it as `Authorization: Bearer <token>`:")
    print(secret)


@accounts_app.command("revoke-token")
def revoke_token(username: str, token_id: TokenId) -> None:
    """Revoke one API token of the account (ids are in the API's token list)."""
    accounts = _accounts()
    accounts.revoke_api_token(_admin(), accounts.by_username(_admin(), username).id, token_id)
    console.print(f"Token {token_id} of {username} revoked.")


@accounts_app.command("demo")
def demo() -> None:
    """Create the demo accounts (one per role) and print their sign-ins."""
    made = seed_demo_accounts(_accounts())
    table = Table("username", "password", "role", "person")
    for a in made:
        table.add_row(a.username, a.password, a.role.value, a.person_id or "-")
    console.print(table)
