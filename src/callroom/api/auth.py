"""API tokens: `Authorization: Bearer <token>` names a user and a role (see config.ApiToken).

Tokens are kept as SHA-256 digests; looking up a digest reveals nothing about the token through
timing, unlike comparing token strings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fastapi import Request

from callroom.config import ApiToken, Role
from callroom.paging.policy import OPERATOR_QUEUE
from callroom.paging.service import Actor, PagingError


class Unauthorized(PagingError):
    status = 401


@dataclass(frozen=True)
class Principal:
    user: str
    role: Role

    @property
    def actor(self) -> Actor:
        return Actor(self.user, anyone=self.role in (Role.OPERATOR, Role.ADMIN))

    @property
    def inbox(self) -> str:
        """Whose in-app stream this token reads: an operator reads the operators' queue."""
        return OPERATOR_QUEUE if self.role is Role.OPERATOR else self.user


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_table(tokens: Iterable[ApiToken]) -> dict[str, Principal]:
    return {digest(t.token.get_secret_value()): Principal(t.user, t.role) for t in tokens}


def authenticate(header: str | None, table: Mapping[str, Principal]) -> Principal:
    """The principal a bearer token names; Unauthorized (field "Authorization") otherwise."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization", "send the header `Authorization: Bearer <token>`")
    found = table.get(digest(token.strip()))
    if found is None:
        raise Unauthorized("Authorization", "unknown API token")
    return found


def principal(request: Request) -> Principal:
    """FastAPI dependency: the caller, from the Authorization header."""
    return authenticate(request.headers.get("authorization"), request.app.state.tokens)
