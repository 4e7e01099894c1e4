"""Every page at a phone's width (390 px), as each demo role sees it, never scrolls sideways: the
pages are the role's whole menu, so a page added to the menu is checked too, and the pages each
menu page links to within the app (a week of hours, the review of justifications, a page's
detail, ...). A wide table may scroll inside its own box; the page itself may not. On a server
of its own: the other browser tests deactivate accounts and reset passwords, and this one signs
in as everyone."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Browsing, Server, browse, screenshot, serving

WIDTHS = "[document.documentElement.scrollWidth, window.innerWidth]"
# Links that are not pages to read: downloads, sign-out, and the feeds.
NOT_PAGES = (".csv", ".ics", ".css", ".yaml", "/signout", "/api/", "/static/", "/docs")


def _overflowing(page: Page, path: str) -> str | None:
    answer = page.goto(path)
    assert answer is not None and answer.status < 500, f"{path} answered {answer and answer.status}"
    width, view = page.evaluate(WIDTHS)
    return f"{path}: {width} px wide in a {view} px screen" if width > view else None


def _menu(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        'nav[aria-label="Main"] a', "links => links.map(a => a.getAttribute('href'))"
    )
    return hrefs


def _linked(page: Page, within: list[str]) -> set[str]:
    """The app's pages the current page links to, one level below a menu entry."""
    hrefs: list[str] = page.eval_on_selector_all(
        "#main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    found = set()
    for href in hrefs:
        path = urlsplit(href).path
        if any(path.startswith(f"{entry}/") for entry in within) and not any(n in href for n in NOT_PAGES):
            found.add(href)
    return found


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e-phone")) as found:
        yield found


@pytest.fixture
def browsing(browser: Browser, own_server: Server) -> Iterator[Browsing]:
    yield from browse(browser, own_server)


def test_no_page_of_any_role_scrolls_sideways_on_a_phone(browsing: Browsing) -> None:
    problems, seen = [], 0
    for account in browsing.server.sign_ins:
        phone = browsing.as_user(account.username, phone=True)
        menu = _menu(phone)
        assert menu, f"{account.username} has no menu"
        below: set[str] = set()
        for path in menu:
            problem = _overflowing(phone, path)
            problems += [f"{account.username} {problem}"] if problem else []
            below |= _linked(phone, menu)
            seen += 1
        for path in sorted(below)[:12]:
            problem = _overflowing(phone, path)
            problems += [f"{account.username} {problem}"] if problem else []
            seen += 1
        screenshot(phone, f"phone-{account.username}-last")
    assert seen >= 20, f"only {seen} pages were visited"
    assert not problems, "pages wider than the phone:\n" + "\n".join(problems)
