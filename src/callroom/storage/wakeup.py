"""Wake-ups: a writer says, inside its transaction, that it left paging work behind, and the
worker or event-stream hub waiting for that work wakes at once instead of at its next poll.

`announce(session, channel)` marks the transaction; nothing happens unless it commits.
- PostgreSQL: the transaction sends one `NOTIFY channel` just before its COMMIT, so it is
  delivered with the commit and dropped with a rollback: a woken reader always finds the row.
  Each `Database` keeps one LISTEN connection, on a thread of its own, opened when something
  first waits. A notification can be lost (that connection drops, the server restarts), so
  every waiter keeps a poll as its safety net, and all of them are woken when the connection
  comes back (whatever was announced meanwhile is then found by that poll).
- SQLite has no NOTIFY: a commit wakes the waiters of its own process (the API and the worker
  thread `callroom serve` runs beside it); other processes find the work at their next poll.

Waiting is by generation: `mark` before looking for work, `wait` after finding none, so a
wake-up that lands between the look and the wait is not missed.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from enum import StrEnum

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from callroom.storage.outage import Backoff

log = logging.getLogger(__name__)

PENDING = "callroom_wakeups"
"""Where a session keeps the channels its transaction announced (Session.info)."""
LISTEN_SLICE_S = 0.5  # how often the listening thread looks up from its socket to see if it should stop


class Wake(StrEnum):
    OUTBOX = "callroom_outbox"  # messages or deadlines were written: the workers have work
    INBOX = "callroom_inbox"  # in-app messages reached an inbox: the event streams have news


def announce(session: Session, channel: Wake) -> None:
    """Wake `channel`'s waiters when this session's transaction commits (see the module doc)."""
    pending: set[Wake] = session.info.setdefault(PENDING, set())
    pending.add(channel)


class Wakeups:
    """One database's wake-ups: `Database` sends the NOTIFYs and calls `committed`."""

    def __init__(self, engine: Engine) -> None:
        self._postgres = engine.dialect.name == "postgresql"
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._changed = threading.Condition()
        self._generation: dict[str, int] = defaultdict(int)
        self._listener: threading.Thread | None = None
        self._closed = threading.Event()
        self.listening = threading.Event()
        """Set while the LISTEN connection is up (PostgreSQL): tests wait for it."""

    def before_commit(self, session: Session) -> None:
        """Send the transaction's NOTIFYs, once per channel, inside it (PostgreSQL)."""
        if self._postgres:
            for channel in sorted(session.info.get(PENDING, ())):
                session.execute(text(f"NOTIFY {channel}"))

    def committed(self, session: Session) -> None:
        """Wake this process's waiters on the channels the transaction announced (SQLite; on
        PostgreSQL the NOTIFY comes back through the LISTEN connection)."""
        channels = session.info.pop(PENDING, ())
        if channels and not self._postgres:
            self.wake(*channels)

    def wake(self, *channels: str) -> None:
        with self._changed:
            for channel in channels:
                self._generation[channel] += 1
            self._changed.notify_all()

    def mark(self, channel: Wake) -> int:
        """Take before looking for work; pass to `wait` if none was found."""
        self._listen()
        return self._generation[channel]

    def wait(self, channel: Wake, mark: int, timeout_s: float) -> bool:
        """Until `channel` is woken after `mark` was taken, or `timeout_s` passes; True if woken."""
        with self._changed:
            return self._changed.wait_for(
                lambda: self._generation[channel] != mark or self._closed.is_set(), timeout_s
            )

    def close(self) -> None:
        self._closed.set()
        self.wake(*Wake)
        if self._listener is not None:
            self._listener.join(timeout=2 * LISTEN_SLICE_S + 1)

    def _listen(self) -> None:
        if not self._postgres or self._listener is not None:
            return
        with self._changed:
            if self._listener is None and not self._closed.is_set():
                self._listener = threading.Thread(target=self._run, name="listen", daemon=True)
                self._listener.start()

    def _run(self) -> None:
        """Listen until closed; after a dropped connection, connect again with a backoff."""
        backoff = Backoff("wake-ups (LISTEN)")
        while not self._closed.is_set():
            try:
                self._listen_once(backoff)
            except psycopg.Error as error:
                self.listening.clear()
                self._closed.wait(backoff.failed(error))

    def _listen_once(self, backoff: Backoff) -> None:
        with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as connection:
            for channel in Wake:
                connection.execute(f"LISTEN {channel}")
            backoff.succeeded()
            self.listening.set()
            # Whatever was announced while nobody listened is found by this round of looks.
            self.wake(*Wake)
            while not self._closed.is_set():
                for note in connection.notifies(timeout=LISTEN_SLICE_S):
                    self.wake(note.channel)
        self.listening.clear()
