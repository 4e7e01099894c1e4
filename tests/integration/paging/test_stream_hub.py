"""The event-stream hub under a burst: a page that finds it idle is read at once, and the pages
sent within its spacing after that read come in its next read together, not one read each."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from callroom.domain.clock import utc_now
from callroom.paging import stream
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.stream import Feed, InboxHub
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.paging_records import InboxRecord

POLL_S = 600.0  # far longer than the test: only wake-ups get the hub reading
SPACING_S = 4.0  # far longer than sending the burst takes, even on a slow disk
AT_ONCE_S = SPACING_S / 2  # the idle hub's first page comes long before the spacing would let it
WAIT_S = 60.0  # a bound so a broken hub fails the test instead of hanging it; never a timing claim


class CountingHub(InboxHub):
    def __init__(self, database: Database) -> None:
        super().__init__(database, POLL_S)
        self.reads: list[int] = []  # how many rows each read that found any brought

    def _poll(self) -> list[InboxRecord]:
        rows = super()._poll()
        if rows:
            self.reads.append(len(rows))
        return rows


async def next_row(feed: Feed, within_s: float = WAIT_S) -> InboxRecord:
    with anyio.fail_after(within_s):
        row = await feed.get()
    assert row is not None, "the hub closed the stream"
    return row


def test_an_idle_hub_reads_a_page_at_once_and_the_pages_after_it_in_its_next_read_together(
    world: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "POLL_SPACING_S", SPACING_S)
    paging = PagingService(world, LiveSchedules(), utc_now)

    def send(body: str) -> int:
        return paging.send(PageRequest("nurse-4", "post:ward", body, "x4410")).id

    async def burst() -> tuple[list[int], list[int], list[int]]:
        hub = CountingHub(world)
        await hub.start()
        feed = hub.subscribe("ada")
        try:
            first = await anyio.to_thread.run_sync(send, "Bed 1: new chest pain")
            received = [(await next_row(feed, AT_ONCE_S)).page_id]
            sent = [first] + [await anyio.to_thread.run_sync(send, f"Bed {n}: pain") for n in range(2, 6)]
            received += [(await next_row(feed)).page_id for _ in range(4)]
        finally:
            await hub.stop()
        return sent, received, hub.reads

    # On a thread of its own: a browser test before this one in the process may have left an
    # event loop running on this thread (Playwright's sync API), where asyncio.run refuses.
    with ThreadPoolExecutor(max_workers=1) as own_thread:
        sent, received, reads = own_thread.submit(asyncio.run, burst()).result()

    assert received == sent
    assert reads == [1, 4]
