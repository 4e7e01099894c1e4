"""`callroom hours ...` and `callroom whatif` end to end on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from callroom.cli.hours import hours_app
from callroom.cli.main import app
from callroom.storage import Database

runner = CliRunner()


@pytest.fixture
def cli(world: Database, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("CALLROOM_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    return world


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_log_reads_wall_times_in_the_hospitals_zone(cli: Database) -> None:
    code, out = run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00",
                    "--end", "2026-03-02T20:00", "--by", "ada")
    assert code == 0, out
    assert "period 1: ada 2026-03-02 07:00 to 2026-03-02 20:00 in-house clinical" in out
    code, out = run("hours", "list", "--person", "ada")
    assert "2026-03-02 07:00 to 2026-03-02 20:00" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--start", "2026-03-02T20:00", "--end", "2026-03-02T07:00"], "end: "),
    (["--start", "2026-03-02T07:00", "--end", "2026-03-03T14:00"], "at most 30 h"),
    (["--start", "2099-03-02T07:00", "--end", "2099-03-02T19:00"], "in the future"),
    (["--start", "yesterday", "--end", "2026-03-02T19:00"], "start: 'yesterday' is not an ISO date-time"),
    (["--start", "2026-03-01T07:00", "--end", "2026-03-02T08:00"], "overlaps the logged period 1"),
    (["--start", "2026-03-04T07:00", "--end", "2026-03-04T19:00", "--shift", "brunch"],
     "shift: unknown shift"),
])
def test_bad_periods_exit_2_naming_the_field_and_nothing_is_saved(cli: Database, args: list[str],
                                                                  message: str) -> None:
    run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00", "--end", "2026-03-02T19:00")
    code, out = run("hours", "log", "--person", "ada", *args)
    assert code == 2 and message in out, out
    assert run("hours", "list", "--person", "ada")[1].count("period ") == 1


def test_an_unknown_person_exits_2(cli: Database) -> None:
    code, out = run("hours", "log", "--person", "zed", "--start", "2026-03-02T07:00", "--end",
                    "2026-03-02T19:00")
    assert code == 2 and "person: unknown person 'zed'" in out


def test_a_resident_may_not_log_for_another(cli: Database) -> None:
    code, out = run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00", "--end",
                    "2026-03-02T19:00",
                    "--by", "ben")
    assert code == 2 and "person: ben may not log or correct ada's hours" in out


def test_confirm_logs_the_week_as_scheduled(cli: Database) -> None:
    code, out = run("hours", "confirm", "--person", "ada", "--week", "2026-03-02", "--by", "ada")
    assert code == 0, out
    assert out.count("Logged period") == 6 and "2026-03-07 07:00 to 2026-03-08 07:00" in out


def test_clock_in_and_out(cli: Database) -> None:
    code, out = run("hours", "clock-in", "--person", "ada", "--at", "2026-03-10T07:00")
    assert code == 0 and "(clocked in)" in out, out
    code, out = run("hours", "clock-out", "--person", "ada", "--at", "2026-03-10T19:15")
    assert code == 0 and "2026-03-10 07:00 to 2026-03-10 19:15" in out, out
    assert run("hours", "clock-out", "--person", "ada")[0] == 2


def test_no_command_rewrites_history_and_a_correction_keeps_the_old_value(cli: Database) -> None:
    assert {c.name for c in hours_app.registered_commands} == {
        "log", "confirm", "clock-in", "clock-out", "correct", "justify", "review", "history", "list",
        "report"}
    run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00", "--end", "2026-03-02T19:00")
    code, out = run("hours", "correct", "1", "--end", "2026-03-02T21:00", "--note", "stayed late",
                    "--by", "ada")
    assert code == 0 and "Revision 2" in out, out
    code, out = run("hours", "correct", "1", "--end", "2026-03-02T17:00", "--note", "tidy up", "--by", "ben")
    assert code == 2
    code, out = run("hours", "history", "1")
    assert code == 0
    assert "2026-03-02 19:00" in out and "2026-03-02 21:00" in out and "stayed late" in out
    assert "2026-03-02 17:00" not in out


def test_justify_and_review(cli: Database) -> None:
    run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00", "--end", "2026-03-02T22:00")
    code, out = run("hours", "justify", "1", "--reason", "severely_ill_patient", "--by", "ada",
                    "--note", "bed 3")
    assert code == 0 and "Justification 1" in out, out
    assert run("hours", "justify", "1", "--reason", "educational_event", "--by", "ben")[0] == 2
    code, out = run("hours", "review", "1", "--decision", "accepted", "--by", "pd", "--note", "ok")
    assert code == 0 and "accepted by pd" in out, out


def test_report_as_table_csv_and_html(cli: Database, tmp_path: Path) -> None:
    run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00", "--end", "2026-03-03T12:00",
        "--shift", "call", "--post", "ward")
    code, out = run("hours", "report")
    assert code == 0 and "At most 24 hours continuous" in out and "29 h continuous" in out, out
    code, out = run("hours", "report", "--format", "csv")
    assert code == 0 and out.startswith("row,block,") and "acgme.continuous-hours" in out
    page = tmp_path / "hours.html"
    code, out = run("hours", "report", "--format", "html", "--output", str(page))
    assert code == 0 and "Ada Okafor" in page.read_text(encoding="utf-8")


def test_whatif_says_yes_no_or_bad_input(cli: Database) -> None:
    code, out = run("whatif", "--person", "ben", "--take", "2026-03-10:day:ward")
    assert code == 0 and "breaks no rule" in out, out
    run("hours", "log", "--person", "ben", "--start", "2026-03-14T07:00", "--end", "2026-03-15T07:00",
        "--shift", "call", "--post", "ward")
    code, out = run("whatif", "--person", "ben", "--take", "2026-03-15:day:ward")
    assert code == 1, out
    assert "logged hours through 2026-03-14" in out and "36 h continuous from 2026-03-14" in out
    code, out = run("whatif", "--person", "ben", "--take", "2026-03-15")
    assert code == 2 and "take: " in out
