"""`callroom hours ...` and `callroom whatif` end to end on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callroom.cli.hours import hours_app
from callroom.cli.main import app
from callroom.hours.service import HoursService
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from tests.integration.hours.conftest import COORDINATOR
from tests.integration.hours.world import PROGRAM

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
    code, out = run(
        "hours",
        "log",
        "--person",
        "ada",
        "--start",
        "2026-03-02T07:00",
        "--end",
        "2026-03-02T20:00",
        "--by",
        "ada",
    )
    assert code == 0, out
    assert "period 1: ada 2026-03-02 07:00 to 2026-03-02 20:00 in-house clinical" in out
    code, out = run("hours", "list", "--person", "ada")
    assert "2026-03-02 07:00 to 2026-03-02 20:00" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--start", "2026-03-02T20:00", "--end", "2026-03-02T07:00"],
            "error: end: 2026-03-02 07:00 EST is not after the start 2026-03-02 20:00 EST",
        ),
        (["--start", "2026-03-02T07:00", "--end", "2026-03-03T14:00"], "error: end: 31 h after the start"),
        (
            ["--start", "2099-03-02T07:00", "--end", "2099-03-02T19:00"],
            "error: end: 2099-03-02 19:00 EST is in the future (now 20",
        ),
        (
            ["--start", "yesterday", "--end", "2026-03-02T19:00"],
            "error: start: 'yesterday' is not an ISO date-time",
        ),
        (
            ["--start", "2026-03-01T07:00", "--end", "2026-03-02T08:00"],
            "error: start: overlaps the logged period 1 (2026-03-02 07:00 EST to 2026-03-02 19:00 EST)",
        ),
        (
            ["--start", "2026-03-04T07:00", "--end", "2026-03-04T19:00", "--shift", "brunch"],
            "error: shift: unknown shift",
        ),
    ],
)
def test_bad_periods_exit_2_naming_the_field_once_in_hospital_time_and_nothing_is_saved(
    cli: Database, args: list[str], message: str
) -> None:
    run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00", "--end", "2026-03-02T19:00")
    code, out = run("hours", "log", "--person", "ada", *args)
    assert code == 2 and message in out, out
    assert "+00:00" not in out
    assert run("hours", "list", "--person", "ada")[1].count("period ") == 1


SKIPPED = (
    "does not exist in America/New_York: that night the clocks go forward from 02:00 EST to "
    "03:00 EDT; give a time before 02:00 or from 03:00"
)
REPEATED = (
    "happens twice in America/New_York that night, as the clocks go back: give its offset, "
    "{0}-04:00 (EDT, the first time) or {0}-05:00 (EST, the second)"
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["log", "--person", "ada", "--start", "2026-03-08T02:30", "--end", "2026-03-08T09:00"],
            f"start: 2026-03-08 02:30 {SKIPPED}",
        ),
        (
            ["log", "--person", "ada", "--start", "2026-10-31T19:00", "--end", "2026-11-01T01:30"],
            "end: 2026-11-01 01:30 " + REPEATED.format("2026-11-01T01:30"),
        ),
        (["clock-in", "--person", "ada", "--at", "2026-03-08T02:00"], f"at: 2026-03-08 02:00 {SKIPPED}"),
        (
            ["clock-in", "--person", "ada", "--at", "2026-11-01T01:00"],
            "at: 2026-11-01 01:00 " + REPEATED.format("2026-11-01T01:00"),
        ),
        (
            ["correct", "1", "--start", "2026-03-08T02:59", "--note", "came early"],
            f"start: 2026-03-08 02:59 {SKIPPED}",
        ),
        (
            ["correct", "1", "--end", "2026-11-01T01:59", "--note", "stayed"],
            "end: 2026-11-01 01:59 " + REPEATED.format("2026-11-01T01:59"),
        ),
    ],
)
def test_a_wall_time_the_clocks_skip_or_pass_twice_is_refused_and_nothing_is_saved(
    cli: Database, args: list[str], message: str
) -> None:
    run("hours", "log", "--person", "ada", "--start", "2026-03-07T19:00", "--end", "2026-03-08T01:00")
    code, out = run("hours", *args)
    assert code == 2 and f"error: {message}\n" in out, out
    assert run("hours", "history", "1")[1].count("revision ") == 1
    assert run("hours", "list", "--person", "ada")[1].count("period ") == 1


def test_a_clock_out_in_the_repeated_hour_needs_its_offset_and_then_counts_the_hour(cli: Database) -> None:
    assert run("hours", "clock-in", "--person", "ada", "--at", "2026-11-01T01:30-04:00")[0] == 0
    code, out = run("hours", "clock-out", "--person", "ada", "--at", "2026-11-01T01:30")
    assert code == 2 and "error: at: 2026-11-01 01:30 " + REPEATED.format("2026-11-01T01:30") in out, out
    assert run("hours", "clock-out", "--person", "ada", "--at", "2026-11-01T01:30-05:00")[0] == 0
    [period] = HoursService(cli, LiveSchedules(PROGRAM)).periods(COORDINATOR, "ada")
    assert (period.current.values.start, period.current.values.end) == (
        utc("2026-11-01T05:30"),
        utc("2026-11-01T06:30"),
    )


def test_times_on_both_sides_of_both_clock_changes_are_logged_as_the_wall_clock_says(cli: Database) -> None:
    typed = [
        ("2026-03-07T19:00", "2026-03-08T01:59"),
        ("2026-03-08T03:00", "2026-03-08T07:00"),
        ("2026-10-31T19:00", "2026-11-01T00:59"),
        ("2026-11-01T02:00", "2026-11-01T07:00"),
    ]
    for start, end in typed:
        code, out = run("hours", "log", "--person", "ada", "--start", start, "--end", end)
        assert code == 0, out
    periods = HoursService(cli, LiveSchedules(PROGRAM)).periods(COORDINATOR, "ada")
    assert [(p.current.values.start, p.current.values.end) for p in periods] == [
        (utc("2026-03-08T00:00"), utc("2026-03-08T06:59")),  # EST
        (utc("2026-03-08T07:00"), utc("2026-03-08T11:00")),  # EDT
        (utc("2026-10-31T23:00"), utc("2026-11-01T04:59")),  # EDT
        (utc("2026-11-01T07:00"), utc("2026-11-01T12:00")),
    ]  # EST


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_an_unknown_person_exits_2(cli: Database) -> None:
    code, out = run(
        "hours", "log", "--person", "zed", "--start", "2026-03-02T07:00", "--end", "2026-03-02T19:00"
    )
    assert code == 2 and "person: unknown person 'zed'" in out


def test_a_resident_may_not_log_for_another(cli: Database) -> None:
    code, out = run(
        "hours",
        "log",
        "--person",
        "ada",
        "--start",
        "2026-03-02T07:00",
        "--end",
        "2026-03-02T19:00",
        "--by",
        "ben",
    )
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
        "log",
        "confirm",
        "clock-in",
        "clock-out",
        "correct",
        "justify",
        "review",
        "history",
        "list",
        "report",
    }
    run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00", "--end", "2026-03-02T19:00")
    code, out = run(
        "hours", "correct", "1", "--end", "2026-03-02T21:00", "--note", "stayed late", "--by", "ada"
    )
    assert code == 0 and "Revision 2" in out, out
    code, out = run("hours", "correct", "1", "--end", "2026-03-02T17:00", "--note", "tidy up", "--by", "ben")
    assert code == 2
    code, out = run("hours", "history", "1")
    assert code == 0
    assert "2026-03-02 19:00" in out and "2026-03-02 21:00" in out and "stayed late" in out
    assert "2026-03-02 17:00" not in out


def test_justify_and_review(cli: Database) -> None:
    run("hours", "log", "--person", "ada", "--start", "2026-03-02T07:00", "--end", "2026-03-02T22:00")
    code, out = run(
        "hours", "justify", "1", "--reason", "severely_ill_patient", "--by", "ada", "--note", "bed 3"
    )
    assert code == 0 and "Justification 1" in out, out
    assert run("hours", "justify", "1", "--reason", "educational_event", "--by", "ben")[0] == 2
    code, out = run("hours", "review", "1", "--decision", "accepted", "--by", "pd", "--note", "ok")
    assert code == 0 and "accepted by pd" in out, out


def test_report_as_table_csv_and_html(cli: Database, tmp_path: Path) -> None:
    run(
        "hours",
        "log",
        "--person",
        "ada",
        "--start",
        "2026-03-02T07:00",
        "--end",
        "2026-03-03T12:00",
        "--shift",
        "call",
        "--post",
        "ward",
    )
    code, out = run("hours", "report")
    assert code == 0 and "At most 24 hours continuous" in out and "29 h continuous" in out, out
    code, out = run("hours", "report", "--format", "csv")
    assert code == 0 and out.startswith("row,block,") and "acgme.continuous-hours" in out
    page = tmp_path / "hours.html"
    code, out = run("hours", "report", "--format", "html", "--output", str(page))
    assert code == 0 and "Ada Okafor" in page.read_text(encoding="utf-8")


def test_report_of_block_2_shows_the_weeks_of_block_2_in_every_format(cli: Database, tmp_path: Path) -> None:
    run("hours", "log", "--person", "ada", "--start", "2026-03-31T07:00", "--end", "2026-03-31T20:00")
    code, out = run("hours", "report", "--block", "2")
    assert code == 0, out
    assert "Hours by week, block 2 (2026-03-30 to 2026-04-26): worked / scheduled" in out
    assert "2026-03-30" in out and "13.0 / 0.0" in out and "2026-03-02" not in out
    code, out = run("hours", "report", "--block", "2", "--format", "csv")
    weeks = [line for line in out.splitlines() if line.startswith("week,")]
    assert code == 0
    assert weeks[0].startswith("week,2,2026-03-30,2026-04-26,ada,Ada Okafor,2026-03-30,0.00,13.00")
    assert all(",2,2026-03-30,2026-04-26," in line for line in weeks)
    page = tmp_path / "hours.html"
    code, out = run("hours", "report", "--block", "2", "--format", "html", "--output", str(page))
    text = page.read_text(encoding="utf-8")
    assert "by week, block 2 (2026-03-30 to 2026-04-26)" in text and "block 1 (" not in text


def test_whatif_says_yes_no_or_bad_input(cli: Database) -> None:
    code, out = run("whatif", "--person", "ben", "--take", "2026-03-10:day:ward")
    assert code == 0 and "breaks no rule" in out, out
    run(
        "hours",
        "log",
        "--person",
        "ben",
        "--start",
        "2026-03-14T07:00",
        "--end",
        "2026-03-15T07:00",
        "--shift",
        "call",
        "--post",
        "ward",
    )
    code, out = run("whatif", "--person", "ben", "--take", "2026-03-15:day:ward")
    assert code == 1, out
    assert "logged hours through 2026-03-14" in out and "36 h continuous from 2026-03-14" in out
    code, out = run("whatif", "--person", "ben", "--take", "2026-03-15")
    assert code == 2 and "take: " in out
