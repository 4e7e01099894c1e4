"""Accounts repository: typed reads and writes over one Session, returning frozen records.

Secrets arrive here already digested; this module never sees a token or a password. Sessions,
API tokens and calendar feeds are revoked, never deleted; account events are only appended.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from callroom.storage.accounts_tables import (
    AccountEventRow,
    AccountRow,
    ApiTokenRow,
    CalendarFeedRow,
    SessionRow,
)

TokenKind = Literal["session", "api_token", "calendar_feed"]
_TABLES: dict[str, type[ApiTokenRow] | type[CalendarFeedRow] | type[SessionRow]] = {
    "session": SessionRow,
    "api_token": ApiTokenRow,
    "calendar_feed": CalendarFeedRow,
}


@dataclass(frozen=True)
class AccountRecord:
    id: int
    username: str
    display_name: str
    role: str
    person_id: str | None
    active: bool
    created_at: datetime
    password_hash: str | None


@dataclass(frozen=True)
class SessionRecord:
    id: int
    account: AccountRecord
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class ApiTokenRecord:
    id: int
    account_id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class AccountEventRecord:
    id: int
    at: datetime
    account_id: int | None
    actor: str
    kind: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    role: str
    person_id: str | None
    password_hash: str | None


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Accounts

    def add(self, new: NewAccount, now: datetime) -> AccountRecord:
        row = AccountRow(
            username=new.username,
            display_name=new.display_name,
            role=new.role,
            person_id=new.person_id,
            password_hash=new.password_hash,
            active=True,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return _account(row)

    def get(self, account_id: int) -> AccountRecord | None:
        row = self._session.get(AccountRow, account_id)
        return None if row is None else _account(row)

    def by_username(self, username: str) -> AccountRecord | None:
        row = self._session.scalars(select(AccountRow).where(AccountRow.username == username)).first()
        return None if row is None else _account(row)

    def all(self) -> list[AccountRecord]:
        return [_account(r) for r in self._session.scalars(select(AccountRow).order_by(AccountRow.username))]

    def active_admin_ids(self) -> list[int]:
        """The active admin accounts' ids, their rows locked (PostgreSQL) until the transaction
        ends: of two admins demoting each other at once, the second waits and then sees the first
        gone, so they cannot both succeed and leave no admin. (SQLite writes one at a time.)"""
        found = select(AccountRow.id).where(AccountRow.role == "admin", AccountRow.active.is_(True))
        return list(self._session.scalars(found.order_by(AccountRow.id).with_for_update()))

    def change(self, account_id: int, **values: object) -> AccountRecord:
        """Set columns of one account (display_name, role, person_id, active, password_hash)."""
        self._session.execute(update(AccountRow).where(AccountRow.id == account_id).values(**values))
        row = self._session.get(AccountRow, account_id, populate_existing=True)
        assert row is not None
        return _account(row)

    # Sessions

    def add_session(self, account_id: int, token_sha256: str, now: datetime) -> None:
        self._session.add(
            SessionRow(account_id=account_id, token_sha256=token_sha256, created_at=now, last_seen_at=now)
        )

    def live_session(self, token_sha256: str) -> SessionRecord | None:
        """The session with this digest, unless revoked, with its (active) account."""
        found = self._session.execute(
            select(SessionRow, AccountRow)
            .join(AccountRow, AccountRow.id == SessionRow.account_id)
            .where(
                SessionRow.token_sha256 == token_sha256,
                SessionRow.revoked_at.is_(None),
                AccountRow.active.is_(True),
            )
        ).first()
        if found is None:
            return None
        row, account = found
        return SessionRecord(row.id, _account(account), _utc(row.created_at), _utc(row.last_seen_at))

    def touch_session(self, session_id: int, now: datetime) -> None:
        self._session.execute(update(SessionRow).where(SessionRow.id == session_id).values(last_seen_at=now))

    # Sessions, API tokens and calendar feeds alike

    def add_api_token(self, account_id: int, name: str, token_sha256: str, now: datetime) -> ApiTokenRecord:
        row = ApiTokenRow(account_id=account_id, name=name, token_sha256=token_sha256, created_at=now)
        self._session.add(row)
        self._session.flush()
        return _api_token(row)

    def api_tokens(self, account_id: int) -> list[ApiTokenRecord]:
        stmt = select(ApiTokenRow).where(ApiTokenRow.account_id == account_id).order_by(ApiTokenRow.id)
        return [_api_token(r) for r in self._session.scalars(stmt)]

    def add_feed(self, account_id: int, token_sha256: str, now: datetime) -> None:
        self._session.add(CalendarFeedRow(account_id=account_id, token_sha256=token_sha256, created_at=now))

    def owner(self, kind: TokenKind, token_sha256: str) -> AccountRecord | None:
        """The active account holding this unrevoked API token or calendar feed."""
        table = _TABLES[kind]
        stmt: Select[AccountRow] = (
            select(AccountRow)
            .join(table, table.account_id == AccountRow.id)
            .where(
                table.token_sha256 == token_sha256, table.revoked_at.is_(None), AccountRow.active.is_(True)
            )
        )
        row = self._session.scalars(stmt).first()
        return None if row is None else _account(row)

    def revoke(
        self,
        kind: TokenKind,
        now: datetime,
        *,
        account_id: int,
        row_id: int | None = None,
        token_sha256: str | None = None,
    ) -> int:
        """Revoke the account's live sessions, API tokens or feeds (all, or one by id or
        digest); how many."""
        table = _TABLES[kind]
        stmt = update(table).where(table.account_id == account_id, table.revoked_at.is_(None))
        if row_id is not None:
            stmt = stmt.where(table.id == row_id)
        if token_sha256 is not None:
            stmt = stmt.where(table.token_sha256 == token_sha256)
        count: int = self._session.execute(stmt.values(revoked_at=now)).rowcount  # type: ignore[attr-defined]
        return count

    # Audit

    def record(
        self,
        now: datetime,
        account_id: int | None,
        actor: str,
        kind: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        self._session.add(
            AccountEventRow(
                at=now,
                account_id=account_id,
                actor=actor,
                kind=kind,
                detail=json.dumps(detail or {}, sort_keys=True),
            )
        )

    def recent_events(
        self, actor: str, after: datetime, kinds: tuple[str, ...]
    ) -> list[tuple[datetime, str]]:
        """(at, kind) of the actor's events of these kinds later than `after`, oldest first."""
        stmt = (
            select(AccountEventRow.at, AccountEventRow.kind)
            .where(
                AccountEventRow.actor == actor, AccountEventRow.kind.in_(kinds), AccountEventRow.at > after
            )
            .order_by(AccountEventRow.id)
        )
        return [(_utc(at), kind) for at, kind in self._session.execute(stmt)]

    def events(self, account_id: int | None = None) -> list[AccountEventRecord]:
        stmt = select(AccountEventRow).order_by(AccountEventRow.id)
        if account_id is not None:
            stmt = stmt.where(AccountEventRow.account_id == account_id)
        return [
            AccountEventRecord(r.id, _utc(r.at), r.account_id, r.actor, r.kind, json.loads(r.detail))
            for r in self._session.scalars(stmt)
        ]


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _account(row: AccountRow) -> AccountRecord:
    return AccountRecord(
        row.id,
        row.username,
        row.display_name,
        row.role,
        row.person_id,
        row.active,
        _utc(row.created_at),
        row.password_hash,
    )


def _api_token(row: ApiTokenRow) -> ApiTokenRecord:
    return ApiTokenRecord(
        row.id,
        row.account_id,
        row.name,
        _utc(row.created_at),
        None if row.revoked_at is None else _utc(row.revoked_at),
    )
