"""One person is paged once per round of a page: a later step that reaches someone the round has
already paged (as the fallback, as the post's senior) skips them, and the sender is told; only
the policy's `repeat` rounds page people again, on purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callroom.domain.paging import EventKind
from callroom.paging.escalation import escalate
from callroom.paging.service import PageDetail, PageRequest, PagingService
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from tests.integration.paging.conftest import OPERATOR, ManualClock, drain, kinds, make_worker, steps
from tests.paging_world import store_world, world_yaml

# No coverage at all: eve, off duty, has nobody to cover her.
PAGING = """\
paging:
  default: {{wait: 30s}}
  policies:
    - for: backup
      wait: 5m
      steps:
        - {{target: post:backup/senior, wait: 5m}}
        - {{target: post:attending, wait: 5m}}
    - for: ward
      wait: 5m
      steps: [{{target: post:backup/senior, wait: 5m}}]
      repeat: 1
  contacts:
    rules: [{{via: inapp}}]
"""


@pytest.fixture
def paging(database: Database, clock: ManualClock) -> PagingService:
    store_world(database, world_yaml(paging=PAGING))
    return PagingService(database, LiveSchedules(), clock)


def send(paging: PagingService, target: str) -> int:
    return paging.send(PageRequest("nurse-4", target, "Bed 12: new chest pain", "x4410")).id


def notes(detail: PageDetail) -> list[str]:
    return [str(e.detail["note"]) for e in detail.events if e.kind == EventKind.ROUTED]


def test_the_fallback_skips_the_operators_when_they_already_have_the_page(
    paging: PagingService, database: Database, clock: ManualClock
) -> None:
    page_id = send(paging, "person:eve")  # off duty, no cover: the operators, at step 0
    clock.advance(30)

    with database.session() as session:
        escalate(session, LiveSchedules(), page_id, clock.now, "worker")

    detail = paging.detail(OPERATOR, page_id)
    assert steps(detail) == [(0, 0, "operators")]
    assert len(detail.messages) == 1
    assert kinds(detail)[-2:] == [EventKind.FALLBACK, EventKind.ROUTED]
    assert notes(detail)[-1] == "Operators' queue already has this page (step 0): not paged again"
    assert detail.page.exhausted and detail.page.deadline is None


def test_a_resident_paged_by_name_is_not_paged_again_as_the_posts_senior(
    paging: PagingService, database: Database, clock: ManualClock
) -> None:
    page_id = send(paging, "person:cy")  # cy holds the backup post, as its senior
    worker = make_worker(database, clock)
    drain(worker)

    clock.advance(300)
    drain(worker)

    detail = paging.detail(OPERATOR, page_id)
    assert steps(detail) == [(0, 0, "cy"), (2, 0, "dora")]
    [skipped] = [e for e in detail.events if e.kind == EventKind.SKIPPED]
    assert skipped.detail["why"] == "reaches only people already paged"
    assert "cy already has this page (step 0): not paged again" in notes(detail)
    assert len(detail.messages) == 2
    assert (detail.page.step, detail.page.deadline) == (2, clock.now + timedelta(minutes=5)), "dora's turn"


def test_a_repeat_round_pages_the_same_people_again_and_the_fallback_is_new(
    paging: PagingService, database: Database, clock: ManualClock
) -> None:
    page_id = send(paging, "post:ward")
    worker = make_worker(database, clock)

    for _ in range(4):
        clock.advance(300)
        drain(worker)

    detail = paging.detail(OPERATOR, page_id)
    assert steps(detail) == [(0, 0, "ada"), (1, 0, "cy"), (0, 1, "ada"), (1, 1, "cy"), (2, 1, "operators")]
    assert EventKind.SKIPPED not in kinds(detail)
