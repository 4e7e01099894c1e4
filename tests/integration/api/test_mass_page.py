"""A STAT page through the real API to a group of a few hundred people, each holding an open
event stream read by a real SSE client, delivered by a real worker, on SQLite and PostgreSQL:
every recipient recorded (a recipient row, an inbox row and the audit events each) and every
stream reached. The benchmark (bench/mass_page.py) does the same for 2,000 and times it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from callroom.accounts.roles import Role
from callroom.config import ApiToken, Settings
from callroom.paging.worker import worker_from
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.paging_tables import EventRow, InboxRow
from tests.integration.api.conftest import Api, serving, token
from tests.integration.api.sse import CrowdStreams
from tests.paging_world import crowd_paging, crowd_people, store_world, world_yaml

CROWD = 300
CROWD_IDS = [pid for pid, _ in crowd_people(CROWD)]


def crowd_settings(database_url: str) -> Settings:
    tokens = [ApiToken(token=token(who), user=who, role=Role.RESIDENT) for who in ["nurse-4", *CROWD_IDS]]
    return Settings(
        database_url=database_url, api_tokens=tokens, worker_poll_interval_s=0.01, stream_poll_interval_s=0.01
    )


@pytest.fixture
def crowd_api(database: Database, database_url: str) -> Iterator[Api]:
    """The API over the hospital and its crowd, with a worker thread delivering."""
    store_world(database, world_yaml(paging=crowd_paging(CROWD), crowd=CROWD))
    settings = crowd_settings(database_url)
    stop = threading.Event()
    worker = threading.Thread(
        target=worker_from(settings, database, LiveSchedules(), "crowd-worker").run, args=(stop,)
    )
    with serving(database, settings) as api:
        worker.start()
        try:
            yield api
        finally:
            stop.set()
            worker.join(timeout=10)


def test_a_stat_page_to_the_crowd_reaches_every_open_stream_and_records_every_recipient(
    crowd_api: Api,
) -> None:
    page = {
        "target": "group:everyone",
        "priority": "stat",
        "body": "Mass casualty: all staff to the ED",
        "callback": "x4410",
    }
    tokens = {who: token(who) for who in CROWD_IDS}

    with CrowdStreams(f"{crowd_api.url}/api/v1/pages/stream", tokens) as streams:
        with crowd_api.client("nurse-4") as nurse:
            answer = nurse.post("/api/v1/pages", json=page)
        assert answer.status_code == 201, answer.text
        page_id = answer.json()["id"]
        unreached = streams.wait_all_read(page_id)

    assert unreached == []
    with crowd_api.client("nurse-4") as nurse:
        stored = nurse.get(f"/api/v1/pages/{page_id}").json()
    assert stored["state"] == "delivered"
    assert sorted(r["person_id"] for r in stored["recipients"]) == CROWD_IDS
    assert {r["state"] for r in stored["recipients"]} == {"delivered"}
    with crowd_api.database.reading() as session:
        inbox = session.scalars(select(InboxRow.person_id).where(InboxRow.page_id == page_id)).all()
        kinds = select(EventRow.kind, func.count()).where(EventRow.page_id == page_id).group_by(EventRow.kind)
        counted = {kind: int(n) for kind, n in session.execute(kinds)}
    assert sorted(inbox) == CROWD_IDS
    assert counted == {"sent": 1, "notified": CROWD, "delivery": CROWD}
