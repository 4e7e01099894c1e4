"""Who a command acts as: the person `--by` names, in the role `--role` gives, or the user at the
machine (`cli:USER`) in the command's default role. Services ask the permission table of this
principal exactly as they do of someone signed in."""

from __future__ import annotations

import getpass

from callroom.accounts.principal import Principal, at_console
from callroom.accounts.roles import Role


def me() -> str:
    return f"cli:{getpass.getuser()}"


def acting(by: str | None, role: Role) -> Principal:
    """`by` acts as themselves (a person of the program); without it, the user at the machine."""
    return at_console(by, role, person_id=by) if by else at_console(me(), role)
