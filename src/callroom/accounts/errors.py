"""Errors of the accounts service: each names the field at fault and carries its HTTP status,
like `PagingError` (the API turns both into the same JSON body)."""

from __future__ import annotations


class AccountError(Exception):
    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.headers: dict[str, str] = {}  # for the HTTP answer, API and page alike


class Unauthorized(AccountError):
    """No credentials, or credentials that are wrong, expired or revoked."""

    status = 401


class TooManyAttempts(AccountError):
    """Refused for now, however right the credentials: `retry_after_s` says for how long."""

    status = 429

    def __init__(self, field: str, message: str, *, retry_after_s: int) -> None:
        super().__init__(field, message)
        self.retry_after_s = retry_after_s
        self.headers["Retry-After"] = str(retry_after_s)


class Forbidden(AccountError):
    status = 403


class NotFound(AccountError):
    status = 404


class Conflict(AccountError):
    status = 409
