"""Passwords: argon2id hashes (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 200

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong username takes as long as a wrong password.
_DUMMY = _hasher.hash("callroom: no such account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored` (None: no password set, or no such account)."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"a password has {MIN_LENGTH} to {MAX_LENGTH} characters"
    if password.strip() != password or not password.strip():
        return "a password may not start or end with spaces"
    return None
