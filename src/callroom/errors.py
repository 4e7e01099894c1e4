"""The one error tree. Every refusal a user can meet is a `CallroomError`: the field at fault, a
message that says what to do, and the details behind it (each problem with its field, or each
rule broken with its numbers). Its `kind` says what sort of refusal it is; the front ends turn
the kind into an answer in one place each (`callroom.api.errors` the HTTP status,
`callroom.cli.console` the exit code), so no feature chooses a status or an exit code itself.

Feature errors subclass one of the kinds below (a page that does not exist is a `NotFound`).
This module imports nothing of callroom's: every layer, the pure ones included, may raise them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


class ErrorKind(StrEnum):
    INVALID = "invalid"  # the input cannot be used as given
    NOT_FOUND = "not_found"  # it names something that does not exist
    NOT_ALLOWED = "not_allowed"  # the caller may not do this
    CONFLICT = "conflict"  # it does not fit the current state (stale, already done, a hard rule)
    NO_SOLUTION = "no_solution"  # no roster or repair can keep every hard rule (with the reason)
    OUT_OF_TIME = "out_of_time"  # none was found within the time given, and none was proven impossible
    UNAUTHENTICATED = "unauthenticated"  # no credentials, or wrong, expired or revoked ones
    RATE_LIMITED = "rate_limited"  # refused for now, however right the request
    UNAVAILABLE = "unavailable"  # the database cannot be reached; the same request may succeed later


@dataclass(frozen=True)
class Detail:
    """One problem behind an error: its field and message, and what else locates it (a file's
    line, the person and day a rule is broken on)."""

    field: str
    message: str
    extra: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        """`file:line: field: message`, leaving out what is not known."""
        where = self.extra.get("file", "")
        if where and self.extra.get("line"):
            where = f"{where}:{self.extra['line']}"
        return ": ".join(part for part in (where, self.field, self.message) if part)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, **self.extra}


class CallroomError(Exception):
    """See the module doc. `headers` are for an HTTP answer (a 429's Retry-After)."""

    kind: ClassVar[ErrorKind] = ErrorKind.INVALID

    def __init__(
        self,
        field: str,
        message: str,
        details: Iterable[Detail] = (),
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.details = tuple(details)
        self.headers = dict(headers or {})

    @classmethod
    def of(cls, details: Sequence[Detail]) -> CallroomError:
        """One error for several problems, named by the first."""
        return cls(details[0].field, "; ".join(str(d) for d in details), details)


class Invalid(CallroomError):
    kind = ErrorKind.INVALID


class NotFound(CallroomError):
    kind = ErrorKind.NOT_FOUND


class NotAllowed(CallroomError):
    kind = ErrorKind.NOT_ALLOWED


class Conflict(CallroomError):
    kind = ErrorKind.CONFLICT


class NoSolution(CallroomError):
    kind = ErrorKind.NO_SOLUTION


class OutOfTime(CallroomError):
    kind = ErrorKind.OUT_OF_TIME


class Unauthenticated(CallroomError):
    kind = ErrorKind.UNAUTHENTICATED


class RateLimited(CallroomError):
    kind = ErrorKind.RATE_LIMITED

    def __init__(self, field: str, message: str, *, retry_after_s: int) -> None:
        super().__init__(field, message, headers={"Retry-After": str(retry_after_s)})
        self.retry_after_s = retry_after_s


class Unavailable(CallroomError):
    kind = ErrorKind.UNAVAILABLE

    def __init__(self, field: str, message: str, *, retry_after_s: int = 5) -> None:
        super().__init__(field, message, headers={"Retry-After": str(retry_after_s)})
        self.retry_after_s = retry_after_s
