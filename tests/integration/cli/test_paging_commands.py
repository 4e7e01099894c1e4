"""The paging commands end to end: `callroom page TARGET MESSAGE`, `page ack`, `page log`, on a
real database holding the small test hospital."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from callroom.cli.main import app
from callroom.storage import Database
from tests.paging_world import store_world, world_yaml

runner = CliRunner()


@pytest.fixture
def hospital(database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Database:
    store_world(database, world_yaml(wait="5m"))
    monkeypatch.setenv("CALLROOM_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    return database


def test_page_sends_to_whoever_holds_the_role_and_prints_the_page_id(hospital: Database) -> None:
    result = runner.invoke(app, ["page", "post:ward", "Bed 4 pain score 8", "--callback", "x4410"])
    assert result.exit_code == 0, result.output
    assert "Page 1 sent to ada" in result.output


def test_page_tells_the_sender_when_the_role_went_to_the_fallback(hospital: Database) -> None:
    result = runner.invoke(app, ["page", "post:vacant", "Anyone there?"])
    assert result.exit_code == 0, result.output
    assert "note:" in result.output and "fallback" in result.output


def test_a_stat_page_reaches_the_whole_code_team(hospital: Database) -> None:
    result = runner.invoke(app, ["page", "group:code-team", "Code blue, ward 4", "--priority", "stat"])
    assert result.exit_code == 0, result.output
    assert "sent to ada, ben, cy, dora" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["page", "post:wrad", "hello"], "target: unknown post 'wrad'"),
        (["page", "post:ward", "x" * 501], "body must be 1 to 500 characters"),
        (["page", "ack", "99"], "no page 99"),
    ],
)
def test_bad_input_exits_2_naming_the_field(hospital: Database, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_ack_stops_the_page_and_log_shows_who_it_reached_why_and_when(hospital: Database) -> None:
    runner.invoke(app, ["page", "post:ward", "Bed 4 pain score 8"])
    ack = runner.invoke(app, ["page", "ack", "1", "--by", "ada"])
    assert ack.exit_code == 0, ack.output
    assert "Page 1 acknowledged." in ack.output
    log = runner.invoke(app, ["page", "log", "1"])
    assert log.exit_code == 0, log.output
    assert "acknowledged" in log.output.splitlines()[0]
    assert "holds ward now" in log.output
    for kind in ("sent", "notified", "acknowledged"):
        assert f" {kind} " in log.output


def test_only_a_recipient_may_acknowledge_by_name(hospital: Database) -> None:
    runner.invoke(app, ["page", "post:ward", "Bed 4 pain score 8"])
    result = runner.invoke(app, ["page", "ack", "1", "--by", "dora"])
    assert result.exit_code == 2
    assert "dora is not a recipient of page 1" in result.output
