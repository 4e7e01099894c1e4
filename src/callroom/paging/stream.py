"""In-app delivery to browsers: one Server-Sent Events stream per user, fed from the inbox table.

Workers (other processes) write the inbox; each API process runs one `InboxHub`, which reads
the table's new rows in a read-only transaction and hands them to the streams of the people they
are for. It reads when a writer's commit wakes it (`callroom.storage.wakeup`: NOTIFY on
PostgreSQL; on SQLite, directly in the same process and by a Unix datagram from another) and at
least every `stream_poll_interval_s` (the safety net).

PostgreSQL hands out ids before commit, so a row with a lower id can appear after a higher one:
the hub remembers the gaps it has passed and looks for them again for `GAP_WAIT_S` (a
transaction that takes longer than that has rolled back).

Each event is `event: page`, `id: <inbox id>`, `data: <JSON>` (see transports.inapp). A client
that reconnects with `Last-Event-ID` first gets what it missed.

Outages: while the database is unavailable (a PostgreSQL restart) the hub keeps the streams open
and polls again with a capped backoff, logging one line when the outage begins and one when it
ends; it then carries on from the last row it handed out, so nothing written meanwhile is missed.
If polling fails in any other way, the hub logs it, closes every open stream (their clients
reconnect with `Last-Event-ID` and are replayed what they missed) and starts polling again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator

import anyio.to_thread

from callroom.errors import Unavailable
from callroom.storage import Database
from callroom.storage.outage import Backoff
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.paging_records import InboxRecord
from callroom.storage.wakeup import Wake

log = logging.getLogger(__name__)

GAP_WAIT_S = 30.0
BATCH = 5000  # a STAT page to a group of 2,000 lands in one read, not four
REPLAY_LIMIT = 1000
POLL_SPACING_S = 0.020
"""While pages keep coming, the hub reads the inbox at most this often: every page since the last
read comes in one. Each read wakes a thread and the event loop, and on a busy machine the waking
costs more CPU than the read. At 200 pages a second on SQLite, one read a page cost this process
about 1.0 ms of CPU a page, and one read every 20 ms about 0.55; the delivery p99 went from about
14 to 26 ms (bench/paging.py). A page that finds the hub idle (its last read found nothing) is
read at once."""
RESTART_AFTER_S = 1.0  # after a failure that is not an outage: a bug, so not worth a tight loop
CLOSED = None
"""Put on a stream's queue when the hub closes the stream."""

Feed = asyncio.Queue[InboxRecord | None]


class InboxHub:
    def __init__(self, database: Database, interval_s: float) -> None:
        self._database = database
        self._interval_s = interval_s
        self._queues: dict[str, set[Feed]] = defaultdict(set)
        self._cursor = 0
        self._gaps: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._backoff = Backoff("event streams")

    async def start(self) -> None:
        """Begin at the newest row: history is for replay (Last-Event-ID), not broadcast."""
        newest = await anyio.to_thread.run_sync(self._newest)
        self._cursor = newest
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop after the poll in progress. Not by cancelling: a cancelled await would leave
        the poll's thread holding a connection while the database closes under it."""
        self._stopping.set()
        self._database.wakeups.wake(Wake.INBOX)
        if self._task is not None:
            await self._task

    def subscribe(self, person_id: str) -> Feed:
        queue: Feed = asyncio.Queue()
        self._queues[person_id].add(queue)
        return queue

    def unsubscribe(self, person_id: str, queue: Feed) -> None:
        self._queues[person_id].discard(queue)
        if not self._queues[person_id]:
            del self._queues[person_id]

    def replay(self, person_id: str, after_id: int) -> list[InboxRecord]:
        """What a reconnecting client missed (blocking: run it in a thread)."""
        with self._database.reading() as session:
            return OutboxRepository(session).inbox_after(after_id, REPLAY_LIMIT, person_id)

    async def _run(self) -> None:
        """Poll until stopped; a failure other than an outage closes the open streams (their
        clients reconnect and are replayed what they missed) and polling starts again."""
        while not self._stopping.is_set():
            try:
                await self._loop()
            except Exception:  # any failure: the hub must outlive it, or every stream goes quiet
                log.exception("event streams: polling the inbox failed; closing the open streams")
                self.close_streams()
                await self._sleep(RESTART_AFTER_S)

    async def _loop(self) -> None:
        wakeups = self._database.wakeups
        while not self._stopping.is_set():
            mark = wakeups.mark(Wake.INBOX)
            polled_at = time.monotonic()
            try:
                rows = await anyio.to_thread.run_sync(self._poll)
            except Unavailable as error:
                await self._sleep(self._backoff.failed(error))
                continue
            self._recovered()
            for row in rows:
                for queue in self._queues.get(row.person_id, ()):
                    queue.put_nowait(row)
            if len(rows) < BATCH and not self._stopping.is_set():
                # A thread waits for the wake-up; `stop` wakes it too.
                spaced = polled_at + POLL_SPACING_S if rows else 0.0  # found none: idle
                await anyio.to_thread.run_sync(wakeups.wait, Wake.INBOX, mark, self._interval_s, spaced)

    def close_streams(self) -> None:
        """End every open stream (see `events`)."""
        for queues in self._queues.values():
            for queue in queues:
                queue.put_nowait(CLOSED)

    def _recovered(self) -> None:
        if self._backoff.waiting:
            # The gaps' writers could not commit while the database was away: their wait
            # starts again now, rather than running out during the outage.
            now = time.monotonic()
            self._gaps = dict.fromkeys(self._gaps, now)
        self._backoff.succeeded()

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the hub is stopped."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _newest(self) -> int:
        with self._database.reading() as session:
            return OutboxRepository(session).newest_inbox_id()

    def _poll(self) -> list[InboxRecord]:
        with self._database.reading() as session:
            outbox = OutboxRepository(session)
            rows = outbox.inbox_after(self._cursor, BATCH)
            late = outbox.inbox_ids(list(self._gaps))
        now = time.monotonic()
        for row in late:
            self._gaps.pop(row.id, None)
        self._gaps = {gap: since for gap, since in self._gaps.items() if now - since < GAP_WAIT_S}
        expected = self._cursor + 1
        for row in rows:
            self._gaps.update((gap, now) for gap in range(expected, row.id))
            expected = row.id + 1
        self._cursor = max(self._cursor, expected - 1)
        return late + rows


def _remember(sent: set[int], row_id: int, keep: int = 10_000) -> set[int]:
    """Ids already sent on this stream, bounded: only replayed ids can repeat, and only early."""
    sent.add(row_id)
    return set(sorted(sent)[-keep // 2 :]) if len(sent) > keep else sent


def event_text(row: InboxRecord) -> dict[str, str]:
    """One SSE event for an inbox row."""
    data = {"inbox_id": row.id, "created_at": row.created_at.isoformat(), **row.payload}
    return {"event": "page", "id": str(row.id), "data": json.dumps(data, sort_keys=True)}


async def events(hub: InboxHub, person_id: str, last_event_id: int | None) -> AsyncIterator[dict[str, str]]:
    """The stream of one person's inbox: missed rows first, then live ones, each once. It ends
    when the hub closes it, or when the database is unavailable for the replay: either way the
    client reconnects with its Last-Event-ID and misses nothing."""
    queue = hub.subscribe(person_id)
    sent: set[int] = set()
    try:
        if last_event_id is not None:
            try:
                missed = await anyio.to_thread.run_sync(hub.replay, person_id, last_event_id)
            except Unavailable:
                return
            for old in missed:
                sent.add(old.id)
                yield event_text(old)
        while (row := await queue.get()) is not CLOSED:
            if row.id not in sent:
                sent = _remember(sent, row.id)
                yield event_text(row)
    finally:
        hub.unsubscribe(person_id, queue)
