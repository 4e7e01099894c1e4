"""Demo accounts for St. Elsewhere: one per role (two residents, so a swap can be tried), linked
to demo people where the role is a person on the schedule. Their passwords are printed by
`callroom demo` and are public: they exist for trying callroom, never for a real hospital."""

from __future__ import annotations

from dataclasses import dataclass

from callroom.accounts.principal import at_console
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    person_id: str | None
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount("admin", "demo-admin-pass", Role.ADMIN, None, "Demo administrator"),
    DemoAccount("chief", "demo-chief-pass", Role.CHIEF, "yasmin-haddad", "Yasmin Haddad (chief resident)"),
    DemoAccount(
        "director",
        "demo-director-pass",
        Role.PROGRAM_DIRECTOR,
        "nadia-rahimi",
        "Nadia Rahimi (program director)",
    ),
    DemoAccount("attending", "demo-attending-pass", Role.ATTENDING, "magnus-achterberg", "Magnus Achterberg"),
    DemoAccount("resident", "demo-resident-pass", Role.RESIDENT, "kwame-mensah", "Kwame Mensah (PGY-1)"),
    # A second PGY-1 on the same posts, so a swap or an offered shift can be tried end to end.
    DemoAccount("resident2", "demo-resident2-pass", Role.RESIDENT, "hana-takeda", "Hana Takeda (PGY-1)"),
    DemoAccount("operator", "demo-operator-pass", Role.OPERATOR, None, "Switchboard operator"),
)


def seed_demo_accounts(service: AccountService) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet (so running the demo twice is fine);
    returns all of them, for printing."""
    seeder = at_console("demo", Role.ADMIN)
    existing = {a.username for a in service.accounts(seeder)}
    for demo in DEMO_ACCOUNTS:
        if demo.username not in existing:
            service.add_account(
                seeder,
                AccountSpec(demo.username, demo.display_name, demo.role, demo.person_id, demo.password),
            )
    return list(DEMO_ACCOUNTS)
