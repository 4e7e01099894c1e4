"""`callroom demo` plans the academic year holding today and makes today's block the live roster,
whatever today is (real CP-SAT, a real SQLite file)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.cli.main import app
from callroom.config import Settings
from callroom.services import open_services
from callroom.year.derive import block_name, block_on

runner = CliRunner()
CHIEF = Principal("chief", Role.CHIEF, "yasmin-haddad")


@pytest.mark.parametrize("today", [date(2026, 12, 4), date(2027, 6, 29)])
def test_the_demo_is_alive_on_the_day_it_is_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, today: date
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CALLROOM_DATABASE_URL", url)
    result = runner.invoke(app, ["demo", "--no-serve", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"Today ({today}) is in block" in result.output
    with open_services(Settings(database_url=url)) as services:
        year = services.year.published("st-elsewhere")
        assert year.program.year is not None and year.program.year.start <= today <= year.program.year.end
        todays = services.rosters.stored(block_name("st-elsewhere", block_on(year.program.year, today)))
        assert todays.program.history is not None  # today's block looked back on the one before
        assert any(a.day == today for a in todays.roster.assignments)
        # The live roster is the block holding the real date, else the newest stored.
        assert services.rosters.require_live().name.startswith("st-elsewhere/block-")
    assert (tmp_path / "out" / "year.csv").exists() and (tmp_path / "out" / "roster.csv").exists()
    assert_the_or_is_alive(url, today)


def assert_the_or_is_alive(url: str, today: date) -> None:
    """Today's OR day is published, tomorrow's imported and assigned as a draft; the residents
    have case logs."""
    with open_services(Settings(database_url=url)) as services:
        todays = services.operating.cases(CHIEF, today)
        assert todays.plan is not None and todays.plan.published and any(case.roles for case in todays.cases)
        board = services.operating.cases(CHIEF, today + timedelta(days=1))
        assert board.cases and board.plan is not None and not board.plan.published
        assert any(case.roles for case in board.cases)
        assert any(d.tally.major > 0 for d in services.caselog.program_progress(CHIEF))


def test_a_date_that_is_not_one_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo", "--no-serve", "--today", "the first of May"])
    assert result.exit_code == 2 and "is not a date" in result.output
