"""Wake-ups: a writer says, inside its transaction, that it left paging work behind, and the
worker or event-stream hub waiting for that work wakes at once instead of at its next poll.

`announce(session, channel)` marks the transaction; nothing happens unless it commits.
- PostgreSQL: once the transaction has committed, one `NOTIFY channel` is sent in a short
  transaction of its own, so a woken reader always finds the row and a rollback wakes no one.
  Not inside the writer's transaction: a transaction that notifies holds one database-wide lock
  from its NOTIFY through its commit, WAL flush included, so with fsync on every writer's commit
  queued behind every other's (bench/paging.py: about 100-400 pages/s delivered whatever the
  batching). The NOTIFY's own transaction commits with `synchronous_commit` off: it writes
  nothing worth a flush, so it holds that lock only for an instant. If the process dies between
  the two commits, the wake-up is lost and the waiters' polls find the work.
  Each `Database` keeps one connection to send NOTIFYs on, opened at the first, and one LISTEN
  connection, on a thread of its own, opened when something first waits. A notification can be
  lost (that connection drops, the server restarts), so every waiter keeps a poll as its safety
  net, and all of them are woken when the connection comes back (whatever was announced
  meanwhile is then found by that poll).
- SQLite has no NOTIFY: a commit wakes the waiters of its own process (the API and the worker
  thread `callroom serve` runs beside it) directly, and those of other processes on this machine
  through `Neighbours`: each process that waits binds a Unix datagram socket per channel in a
  folder named for the database file, and a writer, once committed, sends an empty datagram to
  every socket of the channel. A waiter that died leaves its socket behind; the first writer
  refused by it removes it. A file no process writes to again (a test's, say) has no such
  writer, so each process that begins to listen also clears the other files' folders of the
  sockets no process listens on, and removes those folders left empty. Where sockets
  cannot be had (the folder belongs to another user, a path too long for a socket), the other
  processes find the work at their next poll, as before.

Waiting is by generation: `mark` before looking for work, `wait` after finding none, so a
wake-up that lands between the look and the wait is not missed. Only the channels something
waits on are listened to.

Woken, a waiter waits `GATHER_S` more before it looks, so that a burst of commits is one pass;
a waiter may name a later time to wait until (the event-stream hub spaces its reads so).
Without the gather every page sent woke every worker for a pass of its own (several transactions
each), where a poll used to take hundreds of pages in one; on two heavily shared cores the crash
test (tests/integration/paging/test_crash.py: three workers, 1,000 pages from one fast sender)
ran out of its bound twice, and with it passed twice (few runs: see bench/paging.py's notes).

A process hearing other processes' datagrams pauses after each wake-up until its waiter's later
time too: what they send meanwhile waits in its socket and is heard at once when the waiter
would look anyway, where each datagram used to wake the process (a page at a time, about four
wake-ups of the web process for each read of its hub).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import socket
import stat
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection
from enum import StrEnum
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from callroom.storage.outage import Backoff

log = logging.getLogger(__name__)

PENDING = "callroom_wakeups"
"""Where a session keeps the channels its transaction announced (Session.info)."""
GATHER_S = 0.002
FOLDER_PREFIX, DIGEST_CHARS = "callroom-", 16  # a folder's name: then a digest of the file's real path
LISTEN_SLICE_S = 0.5  # how often the listening thread looks up from its socket to see if it should stop


class Wake(StrEnum):
    OUTBOX = "callroom_outbox"  # messages or deadlines were written: the workers have work
    INBOX = "callroom_inbox"  # in-app messages reached an inbox: the event streams have news


def announce(session: Session, channel: Wake) -> None:
    """Wake `channel`'s waiters when this session's transaction commits (see the module doc)."""
    pending: set[Wake] = session.info.setdefault(PENDING, set())
    pending.add(channel)


class Wakeups:
    """One database's wake-ups: `Database` calls `committed` after each commit."""

    def __init__(self, engine: Engine) -> None:
        self._postgres = engine.dialect.name == "postgresql"
        self._notifier: psycopg.Connection[Any] | None = None  # see _notify
        self._notifying = threading.Lock()
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._changed = threading.Condition()
        self._generation: dict[str, int] = defaultdict(int)
        self._listener: threading.Thread | None = None
        self._wanted: frozenset[Wake] = frozenset()
        self._closed = threading.Event()
        self._not_before: dict[str, float] = defaultdict(float)  # see `wait` and `_heard`
        self._neighbours = Neighbours.of(engine, self._heard)
        self.listening_to: frozenset[Wake] = frozenset()
        """The channels the LISTEN connection is up on (PostgreSQL): tests wait for them."""

    def committed(self, session: Session) -> None:
        """Wake the waiters on the channels the transaction announced: on PostgreSQL everyone's,
        by NOTIFY (it comes back through the LISTEN connections); on SQLite this process's at
        once and the other processes' through their sockets."""
        channels = session.info.pop(PENDING, ())
        if not channels:
            return
        if self._postgres:
            self._notify(sorted(channels))
            return
        self.wake(*channels)
        if self._neighbours is not None:
            self._neighbours.tell(channels)

    def _notify(self, channels: list[str]) -> None:
        """NOTIFY, each in a transaction of its own (see the module doc), on one connection
        kept for it: not one from the pool, which would cost a checkout and its ping on every
        commit, and could wait for a free connection while each thread holding one waits the
        same way. The writer's transaction has committed already, so a failure here must not
        reach its caller: it is logged, and the waiters' polls find the work."""
        with self._notifying:
            try:
                if self._notifier is None:
                    self._notifier = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
                    self._notifier.execute("SET synchronous_commit TO OFF")
                for channel in channels:
                    self._notifier.execute(f"NOTIFY {channel}")
            except psycopg.Error as error:
                self._drop_notifier()
                log.info("wake-up not sent (%s); the polls will find the work", error.__class__.__name__)

    def _drop_notifier(self) -> None:
        if self._notifier is not None:
            self._notifier.close()
            self._notifier = None

    def wake(self, *channels: str) -> None:
        with self._changed:
            for channel in channels:
                self._generation[channel] += 1
            self._changed.notify_all()

    def _heard(self, channel: str) -> float:
        """Another process woke `channel`: wake its waiters; until when hearing it can pause
        (the `not_before` its waiter named: it will not look sooner)."""
        self.wake(channel)
        return self._not_before[channel]

    def mark(self, channel: Wake) -> int:
        """Take before looking for work; pass to `wait` if none was found."""
        if channel not in self._wanted:
            self._listen(channel)
        return self._generation[channel]

    def wait(self, channel: Wake, mark: int, timeout_s: float, not_before: float = 0.0) -> bool:
        """Until `channel` is woken after `mark` was taken, or `timeout_s` passes; True if woken.
        A wake-up is followed by `GATHER_S` more, or until `not_before` (`time.monotonic()`) if
        that is later, within `timeout_s`: so that what is sent together is handled together
        (see the module doc)."""
        began = time.monotonic()
        self._not_before[channel] = not_before
        with self._changed:
            woken = self._changed.wait_for(
                lambda: self._generation[channel] != mark or self._closed.is_set(), timeout_s
            )
        if woken and not self._closed.is_set():
            now = time.monotonic()
            gather = max(GATHER_S, not_before - now)
            self._closed.wait(min(gather, max(0.0, began + timeout_s - now)))
        return woken

    def close(self) -> None:
        self._closed.set()
        self.wake(*Wake)
        with self._notifying:
            self._drop_notifier()
        if self._listener is not None:
            self._listener.join(timeout=2 * LISTEN_SLICE_S + 1)
        if self._neighbours is not None:
            self._neighbours.close()

    def _listen(self, channel: Wake) -> None:
        """Listen on `channel` too: only the channels something waits on, so a worker is not
        woken by every delivery nor a web process by every page sent."""
        with self._changed:
            if channel in self._wanted:
                return
            self._wanted = self._wanted | {channel}
            if self._postgres and self._listener is None and not self._closed.is_set():
                self._listener = threading.Thread(target=self._run, name="listen", daemon=True)
                self._listener.start()
        # Outside the lock: binding a socket is file-system work, and every wake takes the lock.
        if self._neighbours is not None:
            self._neighbours.listen(channel)

    def _run(self) -> None:
        """Listen until closed; after a dropped connection, connect again with a backoff."""
        backoff = Backoff("wake-ups (LISTEN)")
        while not self._closed.is_set():
            try:
                self._listen_once(backoff)
            except psycopg.Error as error:
                self.listening_to = frozenset()
                self._closed.wait(backoff.failed(error))

    def _listen_once(self, backoff: Backoff) -> None:
        with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as connection:
            listened = self._wanted
            for channel in sorted(listened):
                connection.execute(f"LISTEN {channel}")
            backoff.succeeded()
            self.listening_to = listened
            # Whatever was announced while nobody listened is found by this round of looks.
            self.wake(*listened)
            # A channel wanted since is listened to on a new connection (within a slice).
            while not self._closed.is_set() and self._wanted == listened:
                for note in connection.notifies(timeout=LISTEN_SLICE_S):
                    self.wake(note.channel)
        self.listening_to = frozenset()


class Neighbours:
    """The other processes on this machine that wait on one SQLite file (see the module doc):
    `tell` them of a commit, `listen` to be told of theirs."""

    def __init__(self, folder: Path, heard: Callable[[str], float]) -> None:
        self._folder = folder
        self._me = f"{os.getpid()}-{secrets.token_hex(4)}"  # this process's sockets' names end so
        self._heard = heard
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)
        self._bound: list[tuple[str, socket.socket, threading.Thread]] = []
        self._closed = threading.Event()

    @classmethod
    def of(cls, engine: Engine, heard: Callable[[str], float]) -> Neighbours | None:
        """For a SQLite file's engine; None for PostgreSQL, an in-memory database, or a system
        without Unix sockets. The folder is named for the file's real path, short enough for a
        socket's path (about 100 bytes at most)."""
        name = engine.url.database
        if (
            engine.dialect.name != "sqlite"
            or name in (None, "", ":memory:")
            or not hasattr(socket, "AF_UNIX")
        ):
            return None
        digest = hashlib.sha256(os.path.realpath(str(name)).encode()).hexdigest()[:DIGEST_CHARS]
        return cls(Path(tempfile.gettempdir()) / f"{FOLDER_PREFIX}{digest}", heard)

    def tell(self, channels: Collection[str]) -> None:
        """An empty datagram to each other process's socket for `channels`."""
        try:
            entries = list(os.scandir(self._folder))
        except OSError:  # no process has listened yet
            return
        for entry in entries:
            channel, _, owner = entry.name.partition(".")
            if channel in channels and owner != self._me:
                self._send(entry.path)

    def _send(self, path: str) -> None:
        try:
            self._sender.sendto(b"", path)
        except (ConnectionRefusedError, FileNotFoundError):
            # Its process died without removing it; another writer may be removing it too.
            with contextlib.suppress(OSError):
                os.remove(path)
        except OSError:  # its queue is full (so it is being woken anyway), or it is going away
            pass

    def listen(self, channel: str) -> None:
        """Bind a socket for `channel` and hear it on a thread of its own. If the socket cannot
        be had, that is logged and this process finds the others' work by polling."""
        path = os.path.join(self._folder, f"{channel}.{self._me}")
        if not self._bound:
            self._sweep()
        try:
            listening = self._bind(path)
        except OSError as error:
            log.info("wake-ups from other processes unavailable (%s); the polls will find their work", error)
            return
        thread = threading.Thread(target=self._hear, args=(channel, listening), name="hear", daemon=True)
        self._bound.append((path, listening, thread))
        thread.start()

    def _sweep(self) -> None:
        """Clear the other files' folders of the sockets no process listens on (a process killed
        with SIGKILL cannot remove its own), and remove those left empty. A process binding in
        one as it is removed tries again (`_bind`)."""
        for folder in self._folder.parent.glob(f"{FOLDER_PREFIX}{'[0-9a-f]' * DIGEST_CHARS}"):
            with contextlib.suppress(OSError):  # gone meanwhile: another process swept it
                if folder != self._folder and _own_folder(folder):
                    _sweep_folder(folder)

    def _bind(self, path: str) -> socket.socket:
        """A socket bound at `path`. Tried twice: the last process to leave removes the folder,
        and may do so between this one's making it and binding in it."""
        try:
            return self._bind_once(path)
        except FileNotFoundError:
            return self._bind_once(path)

    def _bind_once(self, path: str) -> socket.socket:
        # Only in a folder of this user's own: in a shared temporary directory another user's
        # folder of that name would let them watch, or forge, this database's wake-ups.
        self._folder.mkdir(mode=0o700, exist_ok=True)
        if not _own_folder(self._folder):
            raise PermissionError(f"{self._folder} is not this user's folder")
        listening = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            listening.bind(path)
        except OSError:
            listening.close()
            raise
        return listening

    def _hear(self, channel: str, listening: socket.socket) -> None:
        """Wake `channel` once for whatever datagrams have come in together, then pause until
        the time `heard` gives (see the module doc), until closed."""
        while True:
            try:
                listening.recv(1)
            except OSError:  # closed under it: the thread is not needed any more
                return
            with contextlib.suppress(BlockingIOError):
                while True:
                    listening.recv(1, socket.MSG_DONTWAIT)
            if self._closed.is_set():
                return
            pause = self._heard(channel) - time.monotonic()
            if pause > 0:
                self._closed.wait(pause)

    def close(self) -> None:
        """Stop hearing (each thread is woken by a datagram of this process's own) and remove
        this process's sockets, and the folder once no process has one in it."""
        self._closed.set()
        for path, listening, thread in self._bound:
            self._send(path)
            thread.join(timeout=LISTEN_SLICE_S)
            listening.close()
            with contextlib.suppress(OSError):
                os.remove(path)
        self._sender.close()
        with contextlib.suppress(OSError):
            self._folder.rmdir()


def _own_folder(folder: Path) -> bool:
    """Whether `folder` is a directory (not a link to one) of this user's. FileNotFoundError if
    it is gone."""
    owned = folder.lstat()
    return stat.S_ISDIR(owned.st_mode) and owned.st_uid == os.getuid()


def _sweep_folder(folder: Path) -> None:
    """Remove the sockets in `folder` no process listens on, then the folder if empty. Only
    sockets named as `Neighbours.listen` names them: nothing else is touched."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if _left_behind(entry):
                with contextlib.suppress(OSError):
                    os.remove(entry.path)
    with contextlib.suppress(OSError):
        folder.rmdir()


def _left_behind(entry: os.DirEntry[str]) -> bool:
    """Whether `entry` is one of our sockets that no process listens on any more. Asked of the
    socket itself, not of the process id in its name: a process in another PID namespace (a
    container sharing the temporary directory) would look dead."""
    named = entry.name.partition(".")[0] in set(Wake)
    if not (named and stat.S_ISSOCK(entry.stat(follow_symlinks=False).st_mode)):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(entry.path)  # sends nothing: a listening process is not woken
        except ConnectionRefusedError:
            return True
        except OSError:  # gone meanwhile, or not ours to ask
            pass
    return False
