"""The audit trail and the in-app inbox are append-only: the database itself refuses changes."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from callroom.paging.service import PageRequest, PagingService
from callroom.storage import Database
from tests.integration.paging.conftest import ManualClock, drain, make_worker

CHANGES = [
    ("UPDATE on page_events", "UPDATE page_events SET actor = 'someone else'"),
    ("DELETE on page_events", "DELETE FROM page_events"),
    ("UPDATE on inbox", "UPDATE inbox SET payload = '{}'"),
    ("DELETE on inbox", "DELETE FROM inbox"),
]


@pytest.mark.parametrize(("change", "statement"), CHANGES, ids=[c for c, _ in CHANGES])
def test_a_change_to_the_audit_trail_is_refused(
    paging: PagingService, world: Database, clock: ManualClock, change: str, statement: str
) -> None:
    paging.send(PageRequest("nurse-4", "post:ward", "Bed 12", "x4410"))
    drain(make_worker(world, clock))

    with (
        pytest.raises(IntegrityError, match=f"{change} refused: the audit trail is append-only"),
        world.engine.begin() as connection,
    ):
        connection.execute(text(statement))
