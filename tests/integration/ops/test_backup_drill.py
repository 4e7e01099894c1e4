"""The backup drill, on SQLite and on PostgreSQL: a roster and delivered pages are stored,
`callroom backup` writes them to a file, more work happens, the database is lost (the SQLite file
deleted; PostgreSQL's tables dropped) or not, and `callroom restore` brings back exactly what the backup
held: the roster, every page with its recipients, messages and timeline, and nothing done since.
A file that is not a backup is refused and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from typer.testing import CliRunner

from callroom.cli.main import app
from callroom.domain.roster import Roster
from callroom.errors import NotFound
from callroom.paging.service import PageDetail, PageRequest, PagingService
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database, RosterRepository, open_database
from tests.integration.paging.conftest import ManualClock, drain, make_worker
from tests.paging_world import store_world, world_yaml
from tests.principals import OPERATOR

runner = CliRunner()


@pytest.fixture
def at_console(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CALLROOM_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    return database_url


def _work(database: Database, pages: int) -> list[int]:
    """Send pages to the ward, deliver them and escalate the unanswered ones once."""
    clock = ManualClock()
    paging = PagingService(database, LiveSchedules(), clock)
    sent = [paging.send(PageRequest("nurse-4", "post:ward", f"page {i}", "x4410")).id for i in range(pages)]
    worker = make_worker(database, clock)
    drain(worker)
    clock.advance(301)  # past the policy's wait of 5 minutes: each escalates to the backup
    drain(worker)
    return sent


def _state(database: Database, page_ids: list[int]) -> tuple[Roster, list[PageDetail]]:
    paging = PagingService(database, LiveSchedules())
    with database.reading() as session:
        versions = RosterRepository(session).list_versions("paging-general")
        roster = RosterRepository(session).load_roster(versions[-1].id)
    return roster, [paging.detail(OPERATOR, page_id) for page_id in page_ids]


def _lose(url: str) -> None:
    """What a lost disk or a dropped schema leaves: nothing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    with open_database(url) as database, database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.mark.parametrize("lost", [True, False], ids=["database-lost", "database-moved-on"])
def test_a_restored_backup_holds_the_roster_and_the_pages_and_nothing_done_after_it(
    at_console: str, tmp_path: Path, lost: bool
) -> None:
    url, file = at_console, tmp_path / "callroom.backup"
    with open_database(url) as database:
        store_world(database, world_yaml(wait="5m"))
        pages = _work(database, 5)
        before = _state(database, pages)
    backed_up = runner.invoke(app, ["backup", str(file)])
    assert backed_up.exit_code == 0, backed_up.output
    assert f"Backed up to {file}" in backed_up.output

    with open_database(url) as database:
        later = _work(database, 2)  # after the backup: the restore must take it away
    if lost:
        _lose(url)
    restored = runner.invoke(app, ["restore", str(file), "--yes"])
    assert restored.exit_code == 0, restored.output

    with open_database(url) as database:
        assert _state(database, pages) == before
        paging = PagingService(database, LiveSchedules())
        for page_id in later:
            with pytest.raises(NotFound):
                paging.detail(OPERATOR, page_id)


def test_restoring_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(
    at_console: str, tmp_path: Path
) -> None:
    url, file = at_console, tmp_path / "notes.txt"
    file.write_text("not a backup\n")
    with open_database(url) as database:
        store_world(database, world_yaml(wait="5m"))
        pages = _work(database, 2)
        before = _state(database, pages)
    refused = runner.invoke(app, ["restore", str(file), "--yes"])
    assert refused.exit_code == 2, refused.output
    assert "is not a" in refused.output and "backup" in refused.output
    with open_database(url) as database:
        assert _state(database, pages) == before
