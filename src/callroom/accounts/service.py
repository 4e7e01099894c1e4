"""`AccountService`: sign-in, sessions, API tokens, calendar feeds and account administration,
each in one transaction and each change recorded in the append-only account_events.

Time comes from the `clock` (tests freeze it), so the idle timeout is testable to the second.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from callroom.accounts.passwords import hash_password, password_problem, verify_password
from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal, Via
from callroom.accounts.roles import Role
from callroom.accounts.tokens import API_TOKEN_PREFIX, csrf_for, digest, new_token
from callroom.domain.clock import Clock, utc_now
from callroom.errors import Conflict, Invalid, NotAllowed, NotFound, RateLimited, Unauthenticated
from callroom.storage import Database
from callroom.storage.accounts_repositories import (
    AccountEventRecord,
    AccountRecord,
    AccountRepository,
    ApiTokenRecord,
    NewAccount,
)

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,99}")
DEFAULT_IDLE = timedelta(minutes=30)
REFUSED, SIGNED_IN, THROTTLED = "sign_in_refused", "signed_in", "sign_in_throttled"  # account events
# An API token's account is remembered this long, so a busy integration (a ward board asking who
# is on call many times a second) costs no query per request. Revoking a token or changing its
# account forgets every remembered token of this process at once; other processes notice within
# this time.
TOKEN_MEMORY_S = 2.0
TOKEN_MEMORY_SIZE = 10_000
# A session's last_seen_at is written at most this often: a page load is not worth a write, and
# the idle timeout does not need to be exact to the second.
TOUCH_EVERY = timedelta(seconds=60)
# Password guessing is slowed per username: after this many refused sign-ins within the window
# (counted since the last one that succeeded), that username is refused, right password or
# not, until the oldest of them leaves the window. Counting by username rather than by address
# stops guessing spread over many addresses; the price is that someone who knows a username can
# keep its owner out for a window at a time, which an admin sees in the audit trail.
MAX_REFUSED = 10
REFUSED_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class SignedIn:
    """What the browser gets: the cookie value (shown once) and the CSRF token for forms."""

    token: str
    csrf_token: str
    principal: Principal


@dataclass(frozen=True)
class AccountSpec:
    username: str
    display_name: str
    role: Role
    person_id: str | None = None
    password: str | None = None


def principal_of(account: AccountRecord, via: Via) -> Principal:
    return Principal(
        account.username, Role(account.role), account.person_id, account.id, via, account.display_name
    )


class AccountService:
    def __init__(self, database: Database, *, clock: Clock = utc_now, idle: timedelta = DEFAULT_IDLE) -> None:
        self._database = database
        self._clock = clock
        self.idle = idle
        self._tokens: dict[str, tuple[Principal, float]] = {}  # digest -> (principal, forget at)

    # Signing in and out

    def sign_in(self, username: str, password: str) -> SignedIn:
        """A new session; Unauthenticated (field "password") for a wrong or inactive account,
        without saying which part was wrong; RateLimited (field "username") while the
        username is throttled (see MAX_REFUSED). Every attempt is audited."""
        now, name = self._clock(), username.strip().lower()[:100]
        with self._database.session() as session:
            accounts = AccountRepository(session)
            account = accounts.by_username(name)
            wait = _throttled_for(accounts, name, now)
            if wait is not None:
                accounts.record(now, account.id if account else None, name, THROTTLED)
                signed = None
            else:
                signed = _check_password(accounts, account, name, password, now)
        if wait is not None:
            raise _too_many(wait)
        if signed is None:
            raise Unauthenticated("password", "wrong username or password")
        return signed

    def session_principal(self, token: str) -> Principal:
        """The signed-in user of a session cookie, sliding its idle timeout; Unauthorized
        (field "session") once it has been idle too long, was signed out, or is unknown."""
        now = self._clock()
        with self._database.reading() as session:
            found = AccountRepository(session).live_session(digest(token))
        if found is None or now - found.last_seen_at > self.idle:
            raise Unauthenticated("session", "your session has ended: sign in again")
        if now - found.last_seen_at >= TOUCH_EVERY:
            with self._database.session() as session:
                AccountRepository(session).touch_session(found.id, now)
        return principal_of(found.account, Via.SESSION)

    def sign_out(self, token: str) -> None:
        now = self._clock()
        with self._database.session() as session:
            accounts = AccountRepository(session)
            found = accounts.live_session(digest(token))
            if found is not None:
                accounts.revoke("session", now, account_id=found.account.id, row_id=found.id)
                accounts.record(now, found.account.id, found.account.username, "signed_out")

    # API tokens

    def remembered_token(self, token: str) -> Principal | None:
        """The principal of an API token looked up in the last TOKEN_MEMORY_S, without I/O."""
        found = self._tokens.get(digest(token))
        return found[0] if found is not None and found[1] > time.monotonic() else None

    def token_principal(self, token: str) -> Principal | None:
        remembered = self.remembered_token(token)
        if remembered is not None:
            return remembered
        key = digest(token)
        with self._database.reading() as session:
            account = AccountRepository(session).owner("api_token", key)
        if account is None:
            return None
        if len(self._tokens) >= TOKEN_MEMORY_SIZE:
            self._tokens.clear()
        found = self._tokens[key] = (principal_of(account, Via.TOKEN), time.monotonic() + TOKEN_MEMORY_S)
        return found[0]

    def _forget_tokens(self) -> None:
        self._tokens.clear()

    def create_api_token(self, caller: Principal, account_id: int, name: str) -> tuple[str, ApiTokenRecord]:
        """A new bearer token for the account (one's own, or any for an admin); the token is
        shown once, only its digest kept."""
        _own_or_managed(caller, account_id)
        if not 1 <= len(name.strip()) <= 100:
            raise Invalid("name", "a token name has 1 to 100 characters")
        token = new_token(API_TOKEN_PREFIX)
        now = self._clock()
        with self._database.session() as session:
            accounts = AccountRepository(session)
            _existing(accounts, account_id)
            record = accounts.add_api_token(account_id, name.strip(), digest(token), now)
            accounts.record(
                now, account_id, caller.user, "api_token_created", {"token_id": record.id, "name": name}
            )
        return token, record

    def api_tokens(self, caller: Principal, account_id: int) -> list[ApiTokenRecord]:
        _own_or_managed(caller, account_id)
        with self._database.reading() as session:
            accounts = AccountRepository(session)
            _existing(accounts, account_id)
            return accounts.api_tokens(account_id)

    def revoke_api_token(self, caller: Principal, account_id: int, token_id: int) -> None:
        _own_or_managed(caller, account_id)
        now = self._clock()
        with self._database.session() as session:
            accounts = AccountRepository(session)
            if accounts.revoke("api_token", now, account_id=account_id, row_id=token_id) == 0:
                raise NotFound("token", f"no live API token {token_id} on account {account_id}")
            accounts.record(now, account_id, caller.user, "api_token_revoked", {"token_id": token_id})
        self._forget_tokens()  # after the commit (a lookup already under way may keep it TOKEN_MEMORY_S)

    # Calendar feeds

    def new_calendar_link(self, actor: Principal) -> str:
        """A new private feed token for the caller's own calendar; older links stop working."""
        if actor.account_id is None or actor.person_id is None:
            raise Conflict("person", "only an account linked to a person on the schedule has a calendar")
        token = new_token()
        now = self._clock()
        with self._database.session() as session:
            accounts = AccountRepository(session)
            accounts.revoke("calendar_feed", now, account_id=actor.account_id)
            accounts.add_feed(actor.account_id, digest(token), now)
            accounts.record(now, actor.account_id, actor.user, "calendar_link_created")
        return token

    def revoke_calendar_links(self, actor: Principal) -> int:
        if actor.account_id is None:
            return 0
        now = self._clock()
        with self._database.session() as session:
            accounts = AccountRepository(session)
            count = accounts.revoke("calendar_feed", now, account_id=actor.account_id)
            accounts.record(now, actor.account_id, actor.user, "calendar_links_revoked", {"count": count})
        return count

    def calendar_owner(self, token: str) -> AccountRecord | None:
        with self._database.reading() as session:
            return AccountRepository(session).owner("calendar_feed", digest(token))

    # Administration

    def add_account(self, caller: Principal, spec: AccountSpec) -> AccountRecord:
        _manages(caller)
        _check_spec(spec)
        hashed = None if spec.password is None else hash_password(spec.password)
        now = self._clock()
        with self._database.session() as session:
            accounts = AccountRepository(session)
            if accounts.by_username(spec.username) is not None:
                raise Conflict("username", f"there is already an account {spec.username!r}")
            _fits_person(accounts, None, spec.role, spec.person_id)
            record = accounts.add(
                NewAccount(spec.username, spec.display_name.strip(), spec.role.value, spec.person_id, hashed),
                now,
            )
            accounts.record(
                now,
                record.id,
                caller.user,
                "account_created",
                {"role": spec.role.value, "person_id": spec.person_id},
            )
        return record

    def accounts(self, caller: Principal) -> list[AccountRecord]:
        _manages(caller)
        with self._database.reading() as session:
            return AccountRepository(session).all()

    def account(self, caller: Principal, account_id: int) -> AccountRecord:
        _own_or_managed(caller, account_id)
        with self._database.reading() as session:
            return _existing(AccountRepository(session), account_id)

    def by_username(self, caller: Principal, username: str) -> AccountRecord:
        _manages(caller)
        with self._database.reading() as session:
            found = AccountRepository(session).by_username(username)
        if found is None:
            raise NotFound("username", f"no account {username!r}")
        return found

    def events(self, caller: Principal, account_id: int) -> list[AccountEventRecord]:
        _manages(caller)
        with self._database.reading() as session:
            accounts = AccountRepository(session)
            _existing(accounts, account_id)
            return accounts.events(account_id)

    def change_account(self, caller: Principal, account_id: int, **values: object) -> AccountRecord:
        """Change role, display_name, person_id or active. Deactivating ends the account's
        sessions and stops its tokens and feeds (they are checked against `active`). A change
        that would leave no active admin (the last one demoting or deactivating themselves, or
        being demoted from the command line) is a Conflict naming `role` or `active`."""
        _manages(caller)
        _check_change(values)
        if not values:
            raise Invalid("body", "nothing to change: give display_name, role, person_id or active")
        stored = {k: (v.value if isinstance(v, Role) else v) for k, v in values.items()}
        now = self._clock()
        with self._database.session() as session:
            accounts = AccountRepository(session)
            account = _existing(accounts, account_id)
            _keeps_an_admin(accounts, account, values)
            _fits_person(accounts, account.id, *_role_and_person(account, values))
            record = accounts.change(account_id, **stored)
            if values.get("active") is False:
                accounts.revoke("session", now, account_id=account_id)
            accounts.record(now, account_id, caller.user, "account_changed", stored)
        self._forget_tokens()  # a new role or a deactivation applies to tokens at once
        return record

    def set_password(
        self, caller: Principal, account_id: int, password: str, *, current: str | None = None
    ) -> None:
        """A new password; every session of the account ends. One's own needs the `current`
        password; an admin sets anyone's (a reset) without it."""
        if current is None:
            _manages(caller)
        _own_or_managed(caller, account_id)
        problem = password_problem(password)
        if problem:
            raise Invalid("password", problem)
        hashed = hash_password(password)
        now = self._clock()
        with self._database.session() as session:
            accounts = AccountRepository(session)
            account = _existing(accounts, account_id)
            if current is not None and not verify_password(account.password_hash, current):
                raise Unauthenticated("current_password", "the current password is wrong")
            accounts.change(account_id, password_hash=hashed)
            accounts.revoke("session", now, account_id=account_id)
            accounts.record(now, account_id, caller.user, "password_set")


def _manages(caller: Principal) -> None:
    if not caller.can(Permission.ACCOUNTS_MANAGE):
        raise NotAllowed(
            "permission",
            f"{caller.role.a} may not manage accounts ({Permission.ACCOUNTS_MANAGE.value})",
        )


def _own_or_managed(caller: Principal, account_id: int) -> None:
    if caller.account_id != account_id:
        _manages(caller)


def _throttled_for(accounts: AccountRepository, name: str, now: datetime) -> timedelta | None:
    """How long `name` stays throttled: None while it has fewer than MAX_REFUSED refused
    sign-ins in the window since its last good one. Throttled attempts are not counted, so the
    username is free again once the oldest of those refusals leaves the window."""
    since_good: list[datetime] = []
    for at, kind in accounts.recent_events(name, now - REFUSED_WINDOW, (REFUSED, SIGNED_IN)):
        since_good = [] if kind == SIGNED_IN else [*since_good, at]  # a good one starts again
    if len(since_good) < MAX_REFUSED:
        return None
    return since_good[-MAX_REFUSED] + REFUSED_WINDOW - now


def _too_many(wait: timedelta) -> RateLimited:
    minutes = -(-wait // timedelta(minutes=1))  # rounded up: never "try again in 0 minutes"
    return RateLimited(
        "username",
        f"too many wrong passwords for this username: try again in {minutes} "
        f"minute{'s' if minutes > 1 else ''}",
        retry_after_s=-(-wait // timedelta(seconds=1)),
    )


def _check_password(
    accounts: AccountRepository, account: AccountRecord | None, name: str, password: str, now: datetime
) -> SignedIn | None:
    """A new session for the right password of an active account; None (audited) otherwise."""
    good = verify_password(account.password_hash if account else None, password)
    if account is None or not good or not account.active:
        accounts.record(now, account.id if account else None, name, REFUSED)
        return None
    token = new_token()
    accounts.add_session(account.id, digest(token), now)
    accounts.record(now, account.id, account.username, SIGNED_IN)
    return SignedIn(token, csrf_for(token), principal_of(account, Via.SESSION))


ON_THE_SCHEDULE = frozenset({Role.RESIDENT, Role.CHIEF})
"""Roles whose every page is a person's (their requests, hours and shifts): they need one."""
OFF_THE_SCHEDULE = frozenset({Role.OPERATOR, Role.ADMIN})
"""Roles that act on every page: linked to a person, they would act as that person."""


def _role_and_person(account: AccountRecord, values: dict[str, object]) -> tuple[Role, str | None]:
    """The account's role and person once `values` are applied."""
    person = values.get("person_id", account.person_id)
    return Role(str(values.get("role", account.role))), str(person) if person else None


def _fits_person(
    accounts: AccountRepository, account_id: int | None, role: Role, person_id: str | None
) -> None:
    """Invalid if the role needs a person and has none, or may not have one; Conflict if another
    active account is already that person (a person is one account, on pages and in the audit)."""
    if role in ON_THE_SCHEDULE and not person_id:
        raise Invalid("person_id", f"{role.a} account is someone on the schedule: give their person id")
    if role in OFF_THE_SCHEDULE and person_id:
        raise Invalid(
            "person_id",
            f"{role.a} account acts on every page and is no person on the schedule: leave the person id out",
        )
    other = (
        next(
            (a for a in accounts.all() if a.person_id == person_id and a.active and a.id != account_id), None
        )
        if person_id
        else None
    )
    if other is not None:
        raise Conflict("person_id", f"{person_id} is already the account {other.username!r}")


def _keeps_an_admin(accounts: AccountRepository, account: AccountRecord, values: dict[str, object]) -> None:
    """Conflict if the change takes the last active admin away: nobody could manage accounts
    from the web or the API any more."""
    if account.role != Role.ADMIN.value or not account.active:
        return
    deactivated = values.get("active") is False
    demoted = "role" in values and str(values["role"]) != Role.ADMIN.value
    if not (deactivated or demoted):
        return
    if any(other != account.id for other in accounts.active_admin_ids()):
        return
    field, what = ("active", "deactivated") if deactivated else ("role", "given another role")
    raise Conflict(
        field,
        f"{account.username} is the only active admin and cannot be {what}: "
        "make another account an admin first",
    )


def _existing(accounts: AccountRepository, account_id: int) -> AccountRecord:
    found = accounts.get(account_id)
    if found is None:
        raise NotFound("account", f"no account with id {account_id}")
    return found


def _check_spec(spec: AccountSpec) -> None:
    if USERNAME.fullmatch(spec.username) is None:
        raise Invalid(
            "username",
            "2 to 100 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
        )
    _check_change({"display_name": spec.display_name, "person_id": spec.person_id})
    problem = None if spec.password is None else password_problem(spec.password)
    if problem:
        raise Invalid("password", problem)


def _check_change(values: dict[str, object]) -> None:
    name = values.get("display_name")
    if isinstance(name, str) and not 1 <= len(name.strip()) <= 200:
        raise Invalid("display_name", "a display name has 1 to 200 characters")
    person = values.get("person_id")
    if isinstance(person, str) and not 1 <= len(person) <= 100:
        raise Invalid("person_id", "a person id has 1 to 100 characters")
    unknown = set(values) - {"display_name", "person_id", "role", "active"}
    if unknown:
        raise Invalid(sorted(unknown)[0], "not a field of an account that can be changed")
