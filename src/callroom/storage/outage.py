"""Database outages: telling one from a mistake in a statement, and riding it out.

A PostgreSQL server that restarts (a crash, a failover, even `pg_ctl restart -m fast`) drops
every connection, refuses new ones while it recovers ("the database system is starting up"), and
comes back. `Database` turns the errors that say so into `callroom.errors.Unavailable` (the API
answers 503 with Retry-After), so a caller never needs to know SQLAlchemy's or a driver's
exceptions; every long-lived loop (paging workers, the event streams' feeder) waits with a
`Backoff` and tries again. A SQLite file has no outages of this kind: its errors are left alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from callroom.errors import Unavailable

log = logging.getLogger(__name__)

# Connection exceptions (class 08), and a server shutting down, crashed or still starting up.
OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03")
RETRY_AFTER_S = 5
"""What a 503 tells clients: about how long a restart takes, and the longest Backoff wait."""


def is_outage(error: BaseException) -> bool:
    """Whether `error` says the database server cannot be reached now, rather than that something
    is wrong with the statement or the data (a syntax error, a broken constraint, a deadlock)."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:  # SQLAlchemy's dialect recognised a dropped connection
        return True
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    # psycopg leaves sqlstate None for failures on the client's side of the connection (refused,
    # closed, lost); sqlite3's errors have no sqlstate at all.
    sqlstate = getattr(error.orig, "sqlstate", "")
    return sqlstate is None or str(sqlstate).startswith(OUTAGE_SQLSTATES)


@contextmanager
def outages_unavailable() -> Iterator[None]:
    """Raise `Unavailable` (from the original) for an outage inside the block; other errors pass."""
    try:
        yield
    except DBAPIError as error:
        if is_outage(error):
            raise Unavailable(
                "database",
                "the database cannot be reached just now; try again shortly",
                retry_after_s=RETRY_AFTER_S,
            ) from error
        raise


def reason(error: BaseException) -> str:
    """The driver's own first line for an outage (not the SQL statement SQLAlchemy appends)."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, DBAPIError):
        cause = cause.__cause__
    found = cause.orig if isinstance(cause, DBAPIError) else error
    lines = str(found).strip().splitlines()
    return lines[0] if lines else type(found).__name__


@dataclass
class Backoff:
    """Waits between tries while the database is unavailable: `first_s`, doubling, at most
    `cap_s`. An outage is logged once when it begins (with the driver's reason) and once when
    it ends (with how long it lasted): never a traceback per try."""

    who: str
    first_s: float = 0.1
    cap_s: float = float(RETRY_AFTER_S)
    _next_s: float = field(default=0.0, init=False)
    _since: float | None = field(default=None, init=False)

    @property
    def waiting(self) -> bool:
        """Whether an outage is in progress (a try failed and none has succeeded since)."""
        return self._since is not None

    def failed(self, error: BaseException) -> float:
        """How long to wait before the next try."""
        if self._since is None:
            self._since = time.monotonic()
            self._next_s = self.first_s
            log.warning(
                "%s: database unavailable (%s); retrying, at most %gs apart",
                self.who,
                reason(error),
                self.cap_s,
            )
        wait = self._next_s
        self._next_s = min(self.cap_s, wait * 2)
        return wait

    def succeeded(self) -> None:
        if self._since is not None:
            log.warning("%s: database available again after %.1fs", self.who, time.monotonic() - self._since)
            self._since = None
