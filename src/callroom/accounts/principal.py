"""`Principal`: who is acting, however they proved it (session cookie, API token, a token from
CALLROOM_API_TOKENS, or the command line at the machine), and what the permission table lets
them do. Every service takes the principal and asks `can`; nothing else decides who may act."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from callroom.accounts.permissions import Permission, allowed
from callroom.accounts.roles import Role
from callroom.errors import NotAllowed
from callroom.paging.policy import OPERATOR_QUEUE


class Via(StrEnum):
    SESSION = "session"  # a signed-in browser: unsafe methods need the CSRF token
    TOKEN = "token"  # an API token of an account
    CONFIG = "config"  # a token from CALLROOM_API_TOKENS (no account row)
    CONSOLE = "console"  # the `callroom` command, run by someone who can open the database


@dataclass(frozen=True)
class Principal:
    """`user` is the account's username; `person_id` links it to a person of the program
    (residents, attendings, chiefs), which is who they are on the schedule and on pages."""

    user: str
    role: Role
    person_id: str | None = None
    account_id: int | None = None
    via: Via = Via.CONFIG
    display_name: str = ""

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)

    def require(self, permission: Permission, action: str) -> None:
        """NotAllowed, saying what was refused and why, unless the table allows it."""
        if not self.can(permission):
            raise NotAllowed("permission", f"{self.role.a} may not {action} ({permission.value})")

    @property
    def identity(self) -> str:
        """Who this is on the schedule and on pages: the linked person, else the username."""
        return self.person_id or self.user

    @property
    def inbox(self) -> str:
        """Whose in-app stream this caller reads: an operator reads the operators' queue."""
        return OPERATOR_QUEUE if self.role is Role.OPERATOR else self.identity


def at_console(user: str, role: Role, person_id: str | None = None) -> Principal:
    """The command line acting as `role`: as the named person when `person_id` is given."""
    return Principal(user, role, person_id, via=Via.CONSOLE, display_name=user)
