"""The accounts service on SQLite and PostgreSQL: sign-in, the sliding idle timeout on an
injected clock, sign-out, deactivation, API tokens and calendar links, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callroom.accounts.principal import Via
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.errors import Conflict, Invalid, Unauthenticated
from callroom.storage import Database
from callroom.storage.accounts_repositories import AccountRepository
from tests.integration.accounts.conftest import Clock
from tests.principals import ADMIN, own
from tests.principals import admin as as_admin

PASSWORD = "kwame's long password"


@pytest.fixture
def service(database: Database, clock: Clock) -> AccountService:
    accounts = AccountService(database, clock=clock, idle=timedelta(minutes=30))
    accounts.add_account(ADMIN, AccountSpec("kwame", "Kwame Mensah", Role.RESIDENT, "kwame-mensah", PASSWORD))
    return accounts


def test_signing_in_gives_a_session_that_names_the_person(service: AccountService) -> None:
    signed = service.sign_in("kwame", PASSWORD)

    principal = service.session_principal(signed.token)
    assert (principal.user, principal.role, principal.person_id, principal.via) == (
        "kwame",
        Role.RESIDENT,
        "kwame-mensah",
        Via.SESSION,
    )
    assert signed.csrf_token != signed.token


@pytest.mark.parametrize(("username", "password"), [("kwame", "wrong password!"), ("nobody", PASSWORD)])
def test_a_wrong_username_or_password_is_refused_alike_and_audited(
    service: AccountService, database: Database, username: str, password: str
) -> None:
    with pytest.raises(Unauthenticated) as refused:
        service.sign_in(username, password)

    assert (refused.value.field, refused.value.message) == ("password", "wrong username or password")
    with database.reading() as session:
        assert [e.kind for e in AccountRepository(session).events()][-1] == "sign_in_refused"


def test_a_session_idle_for_longer_than_the_timeout_ends(service: AccountService, clock: Clock) -> None:
    token = service.sign_in("kwame", PASSWORD).token

    clock.advance(minutes=30, seconds=1)

    with pytest.raises(Unauthenticated) as ended:
        service.session_principal(token)
    assert ended.value.field == "session"


def test_each_request_slides_the_idle_timeout(service: AccountService, clock: Clock) -> None:
    token = service.sign_in("kwame", PASSWORD).token
    for _ in range(4):  # two hours in all, never idle for 30 minutes
        clock.advance(minutes=29)
        service.session_principal(token)

    clock.advance(minutes=29)
    assert service.session_principal(token).user == "kwame"


def test_a_session_used_just_now_survives_until_exactly_the_timeout(
    service: AccountService, clock: Clock
) -> None:
    token = service.sign_in("kwame", PASSWORD).token

    clock.advance(minutes=30)

    assert service.session_principal(token).user == "kwame"


def test_signing_out_ends_the_session(service: AccountService) -> None:
    token = service.sign_in("kwame", PASSWORD).token

    service.sign_out(token)

    with pytest.raises(Unauthenticated):
        service.session_principal(token)


def test_a_deactivated_account_loses_its_sessions_and_tokens_and_cannot_sign_in(
    service: AccountService,
) -> None:
    account = service.by_username(ADMIN, "kwame")
    token = service.sign_in("kwame", PASSWORD).token
    api_token, _ = service.create_api_token(service.session_principal(token), account.id, "pager bridge")

    service.change_account(as_admin("admin"), account.id, active=False)

    with pytest.raises(Unauthenticated):
        service.session_principal(token)
    assert service.token_principal(api_token) is None
    with pytest.raises(Unauthenticated):
        service.sign_in("kwame", PASSWORD)


def test_a_new_password_ends_every_session_and_the_old_one_stops_working(service: AccountService) -> None:
    account = service.by_username(ADMIN, "kwame")
    token = service.sign_in("kwame", PASSWORD).token

    service.set_password(own(account), account.id, "a brand new password", current=PASSWORD)

    with pytest.raises(Unauthenticated):
        service.session_principal(token)
    with pytest.raises(Unauthenticated):
        service.sign_in("kwame", PASSWORD)
    assert service.sign_in("kwame", "a brand new password").principal.user == "kwame"


def test_changing_ones_own_password_needs_the_current_one(service: AccountService) -> None:
    account = service.by_username(ADMIN, "kwame")

    with pytest.raises(Unauthenticated) as refused:
        service.set_password(own(account), account.id, "a brand new password", current="not my password")

    assert refused.value.field == "current_password"


def test_an_api_token_acts_as_its_account_until_revoked(service: AccountService) -> None:
    account = service.by_username(ADMIN, "kwame")
    principal = service.sign_in("kwame", PASSWORD).principal
    token, record = service.create_api_token(principal, account.id, "pager bridge")

    found = service.token_principal(token)
    assert found is not None and (found.user, found.via) == ("kwame", Via.TOKEN)

    service.revoke_api_token(principal, account.id, record.id)
    assert service.token_principal(token) is None
    assert [t.revoked_at is not None for t in service.api_tokens(principal, account.id)] == [True]


def test_a_new_calendar_link_replaces_the_old_one(service: AccountService) -> None:
    principal = service.sign_in("kwame", PASSWORD).principal
    first = service.new_calendar_link(principal)
    second = service.new_calendar_link(principal)

    assert service.calendar_owner(first) is None
    owner = service.calendar_owner(second)
    assert owner is not None and owner.person_id == "kwame-mensah"
    service.revoke_calendar_links(principal)
    assert service.calendar_owner(second) is None


def test_a_username_is_taken_once(service: AccountService) -> None:
    with pytest.raises(Conflict) as taken:
        service.add_account(as_admin("admin"), AccountSpec("kwame", "Another Kwame", Role.ATTENDING))

    assert taken.value.field == "username"


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (AccountSpec("Kwame Mensah", "Kwame", Role.RESIDENT), "username"),
        (AccountSpec("k2", " ", Role.RESIDENT), "display_name"),
        (AccountSpec("k3", "Kwame", Role.RESIDENT, password="short"), "password"),
    ],
)
def test_a_bad_account_is_refused_naming_the_field(
    service: AccountService, spec: AccountSpec, field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        service.add_account(as_admin("admin"), spec)

    assert refused.value.field == field
    assert [a.username for a in service.accounts(ADMIN)] == ["kwame"]


def test_every_change_to_an_account_is_in_its_audit_trail(service: AccountService) -> None:
    account = service.by_username(ADMIN, "kwame")
    service.sign_in("kwame", PASSWORD)
    service.change_account(as_admin("admin"), account.id, role=Role.CHIEF)

    assert [(e.actor, e.kind) for e in service.events(ADMIN, account.id)] == [
        ("admin", "account_created"),
        ("kwame", "signed_in"),
        ("admin", "account_changed"),
    ]
    assert service.events(ADMIN, account.id)[-1].detail == {"role": "chief"}


@pytest.fixture
def admin(service: AccountService) -> int:
    spec = AccountSpec("ines", "Ines Admin", Role.ADMIN, password=PASSWORD)
    return service.add_account(as_admin("setup"), spec).id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": Role.CHIEF}, "role"),
        ({"active": False}, "active"),
        ({"role": Role.RESIDENT, "active": False}, "active"),
    ],
)
def test_the_only_active_admin_cannot_be_demoted_or_deactivated(
    service: AccountService, admin: int, change: dict[str, object], field: str
) -> None:
    with pytest.raises(Conflict) as refused:
        service.change_account(as_admin("ines"), admin, **change)

    assert refused.value.field == field and "only active admin" in refused.value.message
    assert (service.account(ADMIN, admin).role, service.account(ADMIN, admin).active) == ("admin", True)
    assert [e.kind for e in service.events(ADMIN, admin)] == ["account_created"]


def test_an_admin_steps_down_once_another_admin_is_active(service: AccountService, admin: int) -> None:
    other = service.add_account(as_admin("ines"), AccountSpec("omar", "Omar Admin", Role.ADMIN)).id

    service.change_account(as_admin("ines"), admin, role=Role.ATTENDING)

    assert service.account(ADMIN, admin).role == "attending"
    with pytest.raises(Conflict):
        service.change_account(as_admin("omar"), other, active=False)


def test_an_inactive_admin_does_not_count_as_the_one_left(service: AccountService, admin: int) -> None:
    other = service.add_account(as_admin("ines"), AccountSpec("omar", "Omar Admin", Role.ADMIN)).id
    service.change_account(as_admin("ines"), other, active=False)

    with pytest.raises(Conflict):
        service.change_account(as_admin("ines"), admin, role=Role.RESIDENT)
    service.change_account(as_admin("ines"), other, active=True)  # reactivating an admin is always allowed
    service.change_account(as_admin("ines"), admin, display_name="Ines A.")  # and so is any other change


def test_an_admin_reset_password_ends_the_account_s_sessions(service: AccountService, admin: int) -> None:
    kwame = service.by_username(ADMIN, "kwame")
    token = service.sign_in("kwame", PASSWORD).token

    service.set_password(as_admin("ines"), kwame.id, "a temporary password")

    with pytest.raises(Unauthenticated):
        service.session_principal(token)
    assert service.sign_in("kwame", "a temporary password").principal.user == "kwame"
    assert [e.actor for e in service.events(ADMIN, kwame.id) if e.kind == "password_set"] == ["ines"]


@pytest.mark.parametrize(
    ("spec", "refusal"),
    [
        (AccountSpec("sam", "Sam", Role.RESIDENT), Invalid),  # a resident is someone on the schedule
        (AccountSpec("op", "Switchboard", Role.OPERATOR, "ada-okafor"), Invalid),  # acts on every page
        (AccountSpec("kwame2", "Kwame again", Role.ATTENDING, "kwame-mensah"), Conflict),  # one account each
    ],
)
def test_an_account_fits_its_person(
    service: AccountService, spec: AccountSpec, refusal: type[Invalid] | type[Conflict]
) -> None:
    with pytest.raises(refusal) as refused:
        service.add_account(ADMIN, spec)
    assert refused.value.field == "person_id"
    assert [a.username for a in service.accounts(ADMIN)] == ["kwame"]


def test_a_person_freed_by_a_deactivated_account_may_have_a_new_one(service: AccountService) -> None:
    kwame = service.by_username(ADMIN, "kwame")
    service.change_account(ADMIN, kwame.id, active=False)
    again = service.add_account(ADMIN, AccountSpec("kwame.m", "Kwame Mensah", Role.RESIDENT, "kwame-mensah"))
    with pytest.raises(Conflict):  # reactivating the old one would make two
        service.change_account(ADMIN, kwame.id, active=True)
    assert again.person_id == "kwame-mensah"
