"""In-app delivery to browsers: one Server-Sent Events stream per user, fed from the inbox table.

Workers (other processes) write the inbox; each API process runs one `InboxHub`, which polls the
table every `stream_poll_interval_s` in a read-only transaction and hands new rows to the
streams of the people they are for. PostgreSQL hands out ids before commit, so a row with a
lower id can appear after a higher one: the hub remembers the gaps it has passed and looks for
them again for `GAP_WAIT_S` (a transaction that takes longer than that has rolled back).

Each event is `event: page`, `id: <inbox id>`, `data: <JSON>` (see transports.inapp). A client
that reconnects with `Last-Event-ID` first gets what it missed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from collections.abc import AsyncIterator

import anyio.to_thread

from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.paging_records import InboxRecord

GAP_WAIT_S = 30.0
BATCH = 500
REPLAY_LIMIT = 1000


class InboxHub:
    def __init__(self, database: Database, interval_s: float) -> None:
        self._database = database
        self._interval_s = interval_s
        self._queues: dict[str, set[asyncio.Queue[InboxRecord]]] = defaultdict(set)
        self._cursor = 0
        self._gaps: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        """Begin at the newest row: history is for replay (Last-Event-ID), not broadcast."""
        newest = await anyio.to_thread.run_sync(self._newest)
        self._cursor = newest
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop after the poll in progress. Not by cancelling: a cancelled await would leave
        the poll's thread holding a connection while the database closes under it."""
        self._stopping = True
        if self._task is not None:
            await self._task

    def subscribe(self, person_id: str) -> asyncio.Queue[InboxRecord]:
        queue: asyncio.Queue[InboxRecord] = asyncio.Queue()
        self._queues[person_id].add(queue)
        return queue

    def unsubscribe(self, person_id: str, queue: asyncio.Queue[InboxRecord]) -> None:
        self._queues[person_id].discard(queue)
        if not self._queues[person_id]:
            del self._queues[person_id]

    def replay(self, person_id: str, after_id: int) -> list[InboxRecord]:
        """What a reconnecting client missed (blocking: run it in a thread)."""
        with self._database.reading() as session:
            return OutboxRepository(session).inbox_after(after_id, REPLAY_LIMIT, person_id)

    async def _loop(self) -> None:
        while not self._stopping:
            rows = await anyio.to_thread.run_sync(self._poll)
            for row in rows:
                for queue in self._queues.get(row.person_id, ()):
                    queue.put_nowait(row)
            if len(rows) < BATCH:
                await asyncio.sleep(self._interval_s)

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
    return set(sorted(sent)[-keep // 2:]) if len(sent) > keep else sent


def event_text(row: InboxRecord) -> dict[str, str]:
    """One SSE event for an inbox row."""
    data = {"inbox_id": row.id, "created_at": row.created_at.isoformat(), **row.payload}
    return {"event": "page", "id": str(row.id), "data": json.dumps(data, sort_keys=True)}


async def events(hub: InboxHub, person_id: str, last_event_id: int | None) -> AsyncIterator[dict[str, str]]:
    """The stream of one person's inbox: missed rows first, then live ones, each once."""
    queue = hub.subscribe(person_id)
    sent: set[int] = set()
    try:
        if last_event_id is not None:
            for row in await anyio.to_thread.run_sync(hub.replay, person_id, last_event_id):
                sent.add(row.id)
                yield event_text(row)
        while True:
            row = await queue.get()
            if row.id not in sent:
                sent = _remember(sent, row.id)
                yield event_text(row)
    finally:
        hub.unsubscribe(person_id, queue)
