"""The sender watches a STAT page to a crowd of 300 reach them, in a real headless Chromium at
1280 and 390 px, against a real `callroom serve` without its own worker: the test delivers the
page in batches with a worker of its own, so the view is seen before, partway and done, moving
on by itself (htmx polling the progress fragment) without a reload."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from callroom.accounts.demo import DemoAccount
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.domain.clock import utc_now
from callroom.domain.paging import Priority
from callroom.paging.service import PageRequest, PagingService
from callroom.paging.worker import Worker, WorkerOptions
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from tests.e2e.conftest import Browsing, Server, browse, screenshot, serving
from tests.paging_world import crowd_paging, store_world, world_yaml
from tests.principals import admin

CROWD = 300
BATCH = 120
SENDER = DemoAccount("ada", "ada-sends-pages-here", Role.RESIDENT, "ada", "Ada Lovelace")


def seed_crowd(database: Database) -> list[DemoAccount]:
    store_world(database, world_yaml(paging=crowd_paging(CROWD), crowd=CROWD))
    spec = AccountSpec(SENDER.username, SENDER.display_name, SENDER.role, SENDER.person_id, SENDER.password)
    AccountService(database).add_account(admin("test"), spec)
    return [SENDER]


@pytest.fixture(scope="module")
def crowd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e-crowd"), seed=seed_crowd, worker=False) as found:
        yield found


@pytest.fixture
def browsing(browser: Browser, crowd_server: Server) -> Iterator[Browsing]:
    yield from browse(browser, crowd_server)


def send_to_everyone(server: Server) -> int:
    request = PageRequest(
        "ada", "group:everyone", "Mass casualty: all staff to the ED", "x4410", Priority.STAT
    )
    return PagingService(server.database, LiveSchedules()).send(request).id


def counted(page: Page) -> str:
    return page.locator("#page-progress [role=status] strong").inner_text()


@pytest.mark.parametrize(("width", "phone"), [(1280, False), (390, True)])
def test_the_sender_watches_the_page_reach_the_whole_crowd(
    browsing: Browsing, crowd_server: Server, width: int, phone: bool
) -> None:
    page_id = send_to_everyone(crowd_server)
    worker = Worker(crowd_server.database, LiveSchedules(), {}, WorkerOptions(batch=BATCH), utc_now)
    page = browsing.as_user("ada", phone=phone)
    page.set_viewport_size({"width": width, "height": 900 if not phone else 844})

    page.goto(f"/inbox/pages/{page_id}")
    expect(page.locator("#page-progress")).to_contain_text("0 of 300 delivered")
    expect(page.locator("#page-state")).to_have_text("sent")
    screenshot(page, f"mass-page-before-{width}")
    worker.run_once()
    expect(page.locator("#page-progress")).to_contain_text(f"{BATCH} of 300 delivered")
    screenshot(page, f"mass-page-partway-{width}")
    while worker.run_once():
        pass
    expect(page.locator("#page-progress")).to_contain_text("300 of 300 delivered")
    screenshot(page, f"mass-page-done-{width}")

    assert counted(page) == "300 of 300 delivered"
    expect(page.locator("#page-state")).to_have_text("delivered")
    expect(page.locator("#page-progress")).not_to_have_attribute("hx-get", f"/inbox/pages/{page_id}/progress")
    expect(page.locator("#page-progress progress")).to_have_attribute("value", "300")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.get_by_text("300 recipients")).to_be_visible()
