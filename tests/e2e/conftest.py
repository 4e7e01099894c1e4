"""Browser tests: Debian's headless Chromium driven by Playwright against a real `callroom
serve` process (uvicorn, with its paging worker) on a free loopback port, over a fresh SQLite
database seeded with the demo hospital, its solved roster and the demo accounts.

Chromium is the system package (`apt-get install chromium`; `.ci/run` installs it): Playwright
never downloads a browser here. Without it these tests fail with that instruction; they do not
skip. Screenshots of each main page go to out/screenshots/ (gitignored).

Every page is watched: a Content-Security-Policy violation, an uncaught script error or any
other error on the browser console fails the test (after it ran), so a page that only works
with an inline script, or whose script broke, cannot pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright

from callroom.accounts.demo import DemoAccount
from callroom.domain.roster import Roster
from callroom.storage import Database, RosterRepository, open_database
from tests.web_demo import DEMO_NAME, free_port, seed_demo, sign_in_of

SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
START_TIMEOUT_S = 60
# Said on the console by the page itself when the policy blocks something (Chromium logs its own
# "Refused to ..." line as well); an init script runs before the page's and is not under its CSP.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});"""
# Chromium logs every 4xx answer a script fetched; the pages answer 422 (a field to fix, a hard
# rule) and 409 (a stale version) on purpose, and show them. Anything else is a problem.
EXPECTED_ERRORS = re.compile(r"Failed to load resource: the server responded with a status of (409|422)\b")


def chromium_path() -> str:
    for candidate in (*CHROMIUM_CANDIDATES, shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "Chromium is not installed: the browser tests drive Debian's chromium package. "
        "Install it with `apt-get install -y chromium` (.ci/run does).",
        pytrace=False,
    )


@dataclass(frozen=True)
class Server:
    url: str
    database: Database
    sign_ins: list[DemoAccount]


def _callroom() -> str:
    found = Path(sys.executable).with_name("callroom")
    return str(found) if found.exists() else "callroom"


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"callroom serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/signin", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"callroom serve did not answer within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def _demo(database: Database) -> list[DemoAccount]:
    return seed_demo(database)[1]


@contextmanager
def serving(
    base: Path,
    store: Callable[[Database], object] | None = None,
    *,
    seed: Callable[[Database], list[DemoAccount]] = _demo,
    worker: bool = True,
) -> Iterator[Server]:
    """`callroom serve` (with its paging worker, unless `worker` is False, and its job runner)
    on a free port over a fresh SQLite file in `base`: `seed` stores a hospital and its sign-ins
    (the demo's unless told), then `store` adds whatever a test needs."""
    url_db = f"sqlite:///{base / 'callroom.db'}"
    port = free_port()
    log = base / "serve.log"
    env = os.environ | {
        "CALLROOM_DATABASE_URL": url_db,
        "CALLROOM_WORKER_POLL_INTERVAL_S": "0.05",
        "CALLROOM_STREAM_POLL_INTERVAL_S": "0.05",
        "CALLROOM_STREAM_PING_S": "1",
    }
    with open_database(url_db) as database:
        sign_ins = seed(database)
        if store is not None:
            store(database)
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [_callroom(), "serve", "--port", str(port), *([] if worker else ["--no-worker"])],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, url, log)
            yield Server(url, database, sign_ins)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e")) as found:
        yield found


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as found:
        yield found


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # --no-sandbox: CI and this machine run as root, where Chromium's sandbox refuses to start.
    found = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=["--no-sandbox"])
    yield found
    found.close()


@dataclass
class Browsing:
    """Opens a browser context per person (separate cookies, as two devices would have), and
    collects the problems its pages report (see the module doc)."""

    browser: Browser
    server: Server
    contexts: list[BrowserContext]
    problems: list[str]

    def anonymous(self, *, phone: bool = False) -> Page:
        """A page in a fresh context, signed in as nobody."""
        viewport = {"width": 390, "height": 844} if phone else {"width": 1400, "height": 900}
        context = self.browser.new_context(base_url=self.server.url, viewport=viewport)  # type: ignore[arg-type]
        context.set_default_timeout(15_000)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught: {error.error}"))
        self.contexts.append(context)
        return context.new_page()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_ERRORS.search(message.text):
            where = message.location.get("url") or (message.page.url if message.page else "?")
            self.problems.append(f"console error at {where}: {message.text}")

    def as_user(self, username: str, *, phone: bool = False) -> Page:
        page = self.anonymous(phone=phone)
        account = sign_in_of(self.server.sign_ins, username)
        page.goto("/signin")
        page.fill("#username", account.username)
        page.fill("#password", account.password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/signin" not in url)
        return page


def browse(browser: Browser, server: Server) -> Iterator[Browsing]:
    """Browsing `server` for one test; its pages' problems fail the test when it ends."""
    found = Browsing(browser, server, [], [])
    yield found
    for context in found.contexts:
        context.close()
    assert not found.problems, "the pages reported problems:\n" + "\n".join(found.problems)


@pytest.fixture
def browsing(browser: Browser, server: Server) -> Iterator[Browsing]:
    yield from browse(browser, server)


def live_roster(server: Server) -> tuple[int, Roster]:
    """The live roster version's number and roster, as the database holds them now."""
    with server.database.reading() as session:
        rosters = RosterRepository(session)
        newest = rosters.latest(DEMO_NAME)
        assert newest is not None
        return newest.number, rosters.load_roster(newest.id)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
