"""Secrets: session, API and calendar tokens are 256 random bits, stored only as SHA-256
digests (a stolen database yields no usable token). The CSRF token is derived from the session
token, so it needs no storage and dies with the session."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
API_TOKEN_PREFIX = "cr_"  # lets secret scanners and people recognise a callroom API token


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_for(session_token: str) -> str:
    """The CSRF token for a session: a page of another site cannot read the cookie, so it
    cannot compute this either."""
    return hmac.new(session_token.encode(), b"callroom csrf", hashlib.sha256).hexdigest()


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
