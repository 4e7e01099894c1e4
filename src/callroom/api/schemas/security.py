"""Bodies of the sign-in, own-account and account-administration routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from callroom.accounts.passwords import MAX_LENGTH
from callroom.accounts.roles import Role


class SignInCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=MAX_LENGTH)


class WhoAmIRead(BaseModel):
    """The caller; `csrf_token` (cookie sessions only) goes in the form field `csrf_token` or
    the header `X-CSRF-Token` of every unsafe request."""

    user: str
    display_name: str
    role: Role
    person_id: str | None
    via: str
    permissions: list[str]
    csrf_token: str | None = None


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=MAX_LENGTH)
    new_password: str = Field(min_length=1, max_length=MAX_LENGTH)


class PasswordSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=MAX_LENGTH)


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]+$")
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    person_id: str | None = Field(None, min_length=1, max_length=100)
    password: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_LENGTH,
        description="none: the account signs in only after a password is set",
    )


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(None, min_length=1, max_length=200)
    role: Role | None = None
    person_id: str | None = Field(None, min_length=1, max_length=100)
    active: bool | None = None


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    person_id: str | None
    active: bool
    created_at: datetime


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, examples=["ward-board"])


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="shown once: only its digest is kept")


class AccountEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    kind: str
    detail: dict[str, object]


class CalendarLinkRead(BaseModel):
    url: str = Field(description="private: anyone with it reads your schedule; make a new one to revoke it")
