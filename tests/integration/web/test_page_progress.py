"""The sender's view of a page to a crowd: how many of its recipients it has reached (all of them
with its send) and how many have seen and acknowledged it, counted again each time the view asks
(htmx polls the fragment every second) while the page is open, and no more asking once someone
has taken it. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from callroom.accounts.demo import DemoAccount
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.config import Settings
from callroom.domain.paging import Priority
from callroom.paging.service import PageRequest, PagingService
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.web.app import create_app
from tests.integration.web.conftest import Web
from tests.paging_world import crowd_paging, store_world, world_yaml
from tests.principals import admin, person
from tests.web_demo import serving

CROWD = 300
SENDER = DemoAccount("ada", "ada-sends-pages-here", Role.RESIDENT, "ada", "Ada Lovelace")
NEIGHBOUR = DemoAccount("ben", "ben-was-not-paged-here", Role.RESIDENT, "ben", "Ben Okri")
POLLING = re.compile(r'hx-get="/inbox/pages/(\d+)/progress" hx-trigger="every 1s"')


@pytest.fixture
def crowd_web(database: Database, database_url: str) -> Iterator[Web]:
    """The web app over the hospital and its crowd; Ada and Ben can sign in."""
    store_world(database, world_yaml(paging=crowd_paging(CROWD), crowd=CROWD))
    accounts = AccountService(database)
    for who in (SENDER, NEIGHBOUR):
        spec = AccountSpec(who.username, who.display_name, who.role, who.person_id, who.password)
        accounts.add_account(admin("test"), spec)
    settings = Settings(database_url=database_url)
    with serving(create_app(settings)) as url:
        web = Web(url, settings, database, 0, [SENDER, NEIGHBOUR])
        with web.stack:
            yield web


def delivered(html: str) -> str:
    found = re.search(
        r'data-count="delivered">([\d,]+)</span> of <span data-count="recipients">([\d,]+)', html
    )
    assert found is not None, html
    return f"{found.group(1)} of {found.group(2)}"


def test_the_senders_view_shows_the_crowd_reached_at_once_and_follows_their_answers_until_one_takes_it(
    crowd_web: Web,
) -> None:
    ada, _ = crowd_web.signed_in("ada")
    request = PageRequest(
        "ada", "group:everyone", "Mass casualty: all staff to the ED", "x4410", Priority.STAT
    )
    paging = PagingService(crowd_web.database, LiveSchedules())
    page_id = paging.send(request).id
    progress = f"/inbox/pages/{page_id}/progress"

    before = ada.get(f"/inbox/pages/{page_id}")
    for pid in ("staff-0001", "staff-0002"):
        paging.seen(person(pid), page_id)
    partway = ada.get(progress)
    paging.acknowledge(person("staff-0002"), page_id)
    done = ada.get(progress)

    assert before.status_code == partway.status_code == done.status_code == 200
    assert delivered(before.text) == delivered(partway.text) == delivered(done.text) == "300 of 300"
    assert POLLING.search(before.text) is not None and "still delivering" not in before.text
    assert "Everyone" in before.text and "group:everyone" not in before.text
    assert POLLING.search(partway.text) is not None and "2 seen · 0 acknowledged" in partway.text
    assert POLLING.search(done.text) is None and "1 seen · 1 acknowledged" in done.text
    assert '<span class="badge" id="page-state" hx-swap-oob="true">acknowledged</span>' in done.text


def test_someone_who_neither_sent_nor_received_the_page_is_not_shown_its_progress(crowd_web: Web) -> None:
    request = PageRequest(
        "ada", "group:everyone", "Mass casualty: all staff to the ED", "x4410", Priority.STAT
    )
    page_id = PagingService(crowd_web.database, LiveSchedules()).send(request).id
    ben, _ = crowd_web.signed_in("ben")

    answer = ben.get(f"/inbox/pages/{page_id}/progress")

    assert answer.status_code == 403
    assert "neither sent nor received" in answer.text
    assert "delivered" not in answer.text
