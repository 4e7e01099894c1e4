"""The sender watches a STAT page to a crowd of 300, in a real headless Chromium at 1280 and
390 px, against a real `callroom serve` without a worker: the page is in all 300 inboxes with its
send, then the view follows people seeing it and one taking it, moving on by itself (htmx polling
the progress fragment) without a reload, and stops asking once the page is taken."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from callroom.accounts.demo import DemoAccount
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.domain.paging import Priority
from callroom.paging.service import PageRequest, PagingService
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from tests.e2e.conftest import Browsing, Server, browse, screenshot, serving
from tests.paging_world import crowd_paging, store_world, world_yaml
from tests.principals import admin, person

CROWD = 300
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
def test_the_sender_watches_the_whole_crowd_reached_then_their_answers_come_in(
    browsing: Browsing, crowd_server: Server, width: int, phone: bool
) -> None:
    page_id = send_to_everyone(crowd_server)
    paging = PagingService(crowd_server.database, LiveSchedules())
    page = browsing.as_user("ada", phone=phone)
    page.set_viewport_size({"width": width, "height": 900 if not phone else 844})

    page.goto(f"/inbox/pages/{page_id}")
    expect(page.locator("#page-progress")).to_contain_text("300 of 300 delivered")
    expect(page.locator("#page-progress")).to_contain_text("0 seen · 0 acknowledged")
    expect(page.locator("#page-state")).to_have_text("delivered")
    screenshot(page, f"mass-page-sent-{width}")
    for pid in ("staff-0001", "staff-0002", "staff-0003"):
        paging.seen(person(pid), page_id)
    expect(page.locator("#page-progress")).to_contain_text("3 seen · 0 acknowledged")
    screenshot(page, f"mass-page-seen-{width}")
    paging.acknowledge(person("staff-0002"), page_id)
    expect(page.locator("#page-progress")).to_contain_text("2 seen · 1 acknowledged")
    screenshot(page, f"mass-page-taken-{width}")

    assert counted(page) == "300 of 300 delivered"
    expect(page.locator("#page-state")).to_have_text("acknowledged")
    expect(page.locator("#page-progress")).not_to_have_attribute("hx-get", f"/inbox/pages/{page_id}/progress")
    expect(page.locator("#page-progress progress")).to_have_attribute("value", "300")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.get_by_text("300 recipients")).to_be_visible()
