"""Accounts tables: accounts, sign-in sessions, API tokens, calendar feed tokens and the
account audit trail. Migration 0003 creates them.

Secrets are stored only as SHA-256 digests (`token_sha256`) and passwords as argon2 hashes.
Sessions, tokens and feeds are never deleted: they are revoked (`revoked_at`), so the audit
trail keeps pointing at something. `account_events` is append-only (triggers refuse UPDATE and
DELETE, and on SQLite an insert reusing a stored key).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callroom.storage.tables import Base, UtcDateTime

ROLES = ("admin", "chief", "program_director", "attending", "resident", "operator")


class AccountRow(Base):
    """A user who can sign in (password) or call the API (tokens)."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    # The person of the program this account is (residents, attendings, chiefs); no FK: people
    # live in program files, which are versioned text.
    person_id: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SessionRow(Base):
    """A signed-in browser. It ends `idle` after `last_seen_at`, or when revoked (sign-out)."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiTokenRow(Base):
    """A bearer token an account made for an integration; `name` says which."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CalendarFeedRow(Base):
    """A private iCal subscription link: the token is the only credential a calendar app has."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AccountEventRow(Base):
    """Who did what to which account, and when (created, role changed, password set, token
    made or revoked, signed in, sign-in refused or throttled)."""

    __tablename__ = "account_events"
    # Sign-in throttling counts one username's recent refusals on every attempt.
    __table_args__ = (Index("ix_account_events_actor_at", "actor", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
