"""The web app over the demo hospital, served by a real uvicorn on a loopback port and read
with httpx, on a real database: SQLite, and PostgreSQL where a test takes `database_url`."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from callroom.accounts.demo import DemoAccount
from callroom.accounts.roles import Role
from callroom.cli.identity import acting
from callroom.config import Settings
from callroom.domain.clock import Clock, utc_now
from callroom.formats.program_file import load_program
from callroom.services import build_services
from callroom.solver.run import SolveOptions
from callroom.storage import Database, open_database
from callroom.web.app import create_app
from tests.web_demo import seed_demo, serving, sign_in_of

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SMALL_YEAR = Path(__file__).parents[2] / "fixtures" / "programs" / "year_small.yaml"


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


@dataclass
class Web:
    """The served app's URL, the stored roster version's id and the demo sign-ins; clients it
    opened are closed after the test."""

    url: str
    settings: Settings
    database: Database
    version_id: int
    sign_ins: list[DemoAccount]
    stack: ExitStack = field(default_factory=ExitStack)

    def client(self) -> httpx.Client:
        """A browser of its own: a cookie jar, no redirects followed."""
        return self.stack.enter_context(httpx.Client(base_url=self.url, follow_redirects=False, timeout=30))

    def signed_in(self, username: str, extra: DemoAccount | None = None) -> tuple[httpx.Client, str]:
        """A client signed in as `username` (one of the seeded sign-ins, or `extra`, an account a
        test made for itself), and the CSRF token for its forms."""
        client = self.client()
        token = csrf_of(client.get("/signin").text)
        known = [*self.sign_ins, *([extra] if extra is not None else [])]
        found = sign_in_of(known, username)
        answer = client.post(
            "/signin",
            data={"username": found.username, "password": found.password, "csrf_token": token, "next": "/"},
        )
        assert answer.status_code == 303, answer.text
        return client, csrf_of(client.get("/oncall").text)

    def run_jobs(self) -> int:
        """Run the queued background jobs to their end, as a worker would; how many ran."""
        runner = build_services(self.settings, self.database).runner("page-test")
        ran = 0
        while runner.run_once():
            ran += 1
        return ran


def store_small_year(web: Web) -> None:
    """Plan the small test year (six residents) and store it as `small`, as the chief."""
    services = build_services(web.settings, web.database)
    program = load_program(SMALL_YEAR)
    solution = services.year.solve(program, SolveOptions(10, 2, 0, deterministic=False))
    assert solution.plan is not None
    services.year.store(acting(None, Role.CHIEF), "small", SMALL_YEAR, program, solution)


def _serve(settings: Settings, database: Database) -> Iterator[Web]:
    version_id, sign_ins = seed_demo(database)
    with serving(create_app(settings)) as url, ExitStack() as stack:
        yield Web(url, settings, database, version_id, sign_ins, stack)


@pytest.fixture
def web(database: Database, database_url: str) -> Iterator[Web]:
    yield from _serve(Settings(database_url=database_url), database)


@dataclass(frozen=True)
class Seeded:
    path: Path
    version_id: int
    sign_ins: list[DemoAccount]


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The demo seeded once into an SQLite file (argon2 hashing the accounts' passwords takes
    seconds); each test gets its own copy of it."""
    path = tmp_path_factory.mktemp("seeded") / "web.db"
    with open_database(f"sqlite:///{path}") as database:
        version_id, sign_ins = seed_demo(database)
    return Seeded(path, version_id, sign_ins)


@pytest.fixture
def sqlite_web(tmp_path: Path, seeded_sqlite: Seeded) -> Iterator[Web]:
    """The same app on SQLite only (a fresh copy of the seeded file), for page tests that say
    nothing about the database."""
    with served_copy(tmp_path, seeded_sqlite) as web:
        yield web


@contextmanager
def served_copy(tmp_path: Path, seeded: Seeded, clock: Clock = utc_now) -> Iterator[Web]:
    """The app over a fresh copy of the seeded SQLite file, its services on `clock`."""
    for suffix in ("", "-wal", "-shm"):
        source = seeded.path.with_name(seeded.path.name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / f"web.db{suffix}")
    url = f"sqlite:///{tmp_path / 'web.db'}"
    settings = Settings(database_url=url)
    app = create_app(settings, clock)
    with open_database(url) as database, serving(app) as served, ExitStack() as stack:
        yield Web(served, settings, database, seeded.version_id, seeded.sign_ins, stack)
