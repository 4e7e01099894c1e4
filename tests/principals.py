"""Who acts in service-level tests: principals as the permission table sees them, built the way
a signed-in account or the command line builds them."""

from __future__ import annotations

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.storage.accounts_repositories import AccountRecord


def person(person_id: str, role: Role = Role.RESIDENT) -> Principal:
    """Someone on the schedule acting as themselves (a resident unless `role` says otherwise)."""
    return Principal(person_id, role, person_id)


OPERATOR = Principal("switchboard", Role.OPERATOR)
CHIEF = person("chief-okafor", Role.CHIEF)
DIRECTOR = person("pd", Role.PROGRAM_DIRECTOR)
COORDINATOR = Principal("coordinator", Role.CHIEF)  # not on the schedule: enters paper logs


def admin(user: str = "admin") -> Principal:
    """An administrator (the audit trail names `user`)."""
    return Principal(user, Role.ADMIN)


ADMIN = admin()


def own(account: AccountRecord) -> Principal:
    """The account's holder, acting on their own account."""
    return Principal(account.username, Role(account.role), account.person_id, account.id)
