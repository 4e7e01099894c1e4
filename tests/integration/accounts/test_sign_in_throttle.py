"""Password guessing is slowed per username: after MAX_REFUSED refused sign-ins within
REFUSED_WINDOW, the username is refused (right password or not) until the oldest of them leaves
the window. Run on SQLite and PostgreSQL with an injected clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callroom.accounts.roles import Role
from callroom.accounts.service import MAX_REFUSED, REFUSED_WINDOW, AccountService, AccountSpec
from callroom.errors import RateLimited, Unauthenticated
from callroom.storage import Database
from callroom.storage.accounts_repositories import AccountRepository
from tests.integration.accounts.conftest import START, Clock
from tests.principals import ADMIN

PASSWORD = "kwame's long password"


@pytest.fixture
def service(database: Database, clock: Clock) -> AccountService:
    accounts = AccountService(database, clock=clock)
    for name in ("kwame", "ada"):
        accounts.add_account(ADMIN, AccountSpec(name, name.title(), Role.ATTENDING, password=PASSWORD))
    return accounts


def guess_wrong(service: AccountService, username: str, times: int, clock: Clock | None = None) -> None:
    """`times` wrong passwords, a minute apart when a clock is given."""
    for _ in range(times):
        with pytest.raises(Unauthenticated):
            service.sign_in(username, "a wrong guess")
        if clock is not None:
            clock.advance(minutes=1)


def test_the_right_password_is_refused_after_too_many_wrong_ones(service: AccountService) -> None:
    guess_wrong(service, "kwame", MAX_REFUSED)

    with pytest.raises(RateLimited) as throttled:
        service.sign_in("kwame", PASSWORD)

    assert throttled.value.field == "username"
    assert throttled.value.message == ("too many wrong passwords for this username: try again in 15 minutes")
    assert throttled.value.retry_after_s == REFUSED_WINDOW.total_seconds()


def test_one_fewer_wrong_password_still_lets_the_owner_in(service: AccountService) -> None:
    guess_wrong(service, "kwame", MAX_REFUSED - 1)

    assert service.sign_in("kwame", PASSWORD).principal.user == "kwame"


def test_the_username_is_free_once_the_oldest_refusal_leaves_the_window(
    service: AccountService, clock: Clock
) -> None:
    guess_wrong(service, "kwame", MAX_REFUSED, clock)  # the first at 08:00, the last at 08:09
    clock.now = START + timedelta(minutes=14, seconds=59)
    with pytest.raises(RateLimited) as throttled:
        service.sign_in("kwame", PASSWORD)
    assert (throttled.value.retry_after_s, throttled.value.message[-8:]) == (1, "1 minute")

    clock.now = START + REFUSED_WINDOW

    assert service.sign_in("kwame", PASSWORD).principal.user == "kwame"


def test_attempts_while_throttled_do_not_lengthen_it(service: AccountService, clock: Clock) -> None:
    guess_wrong(service, "kwame", MAX_REFUSED)
    for _ in range(5):
        clock.advance(minutes=2)
        with pytest.raises(RateLimited):
            service.sign_in("kwame", "still guessing")

    clock.now = START + REFUSED_WINDOW

    assert service.sign_in("kwame", PASSWORD).principal.user == "kwame"


def test_a_good_sign_in_starts_the_count_again(service: AccountService) -> None:
    guess_wrong(service, "kwame", MAX_REFUSED - 1)
    service.sign_in("kwame", PASSWORD)
    guess_wrong(service, "kwame", MAX_REFUSED - 1)

    assert service.sign_in("kwame", PASSWORD).principal.user == "kwame"


def test_the_same_username_typed_differently_counts_as_one(service: AccountService) -> None:
    guess_wrong(service, " Kwame ", MAX_REFUSED // 2)
    guess_wrong(service, "KWAME", MAX_REFUSED - MAX_REFUSED // 2)

    with pytest.raises(RateLimited):
        service.sign_in("kwame", PASSWORD)


def test_other_usernames_are_not_throttled(service: AccountService) -> None:
    guess_wrong(service, "kwame", MAX_REFUSED)

    assert service.sign_in("ada", PASSWORD).principal.user == "ada"


def test_unknown_usernames_are_throttled_like_known_ones(service: AccountService) -> None:
    guess_wrong(service, "nobody", MAX_REFUSED)

    with pytest.raises(RateLimited):
        service.sign_in("nobody", PASSWORD)


def test_throttled_attempts_are_in_the_audit_trail(service: AccountService, database: Database) -> None:
    guess_wrong(service, "kwame", MAX_REFUSED)
    with pytest.raises(RateLimited):
        service.sign_in("kwame", PASSWORD)

    with database.reading() as session:
        events = [(e.actor, e.kind) for e in AccountRepository(session).events()]
    assert events[-MAX_REFUSED - 1 :] == [("kwame", "sign_in_refused")] * MAX_REFUSED + [
        ("kwame", "sign_in_throttled")
    ]
