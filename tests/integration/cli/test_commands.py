"""The command line end to end: real program files, real CP-SAT, a real database file."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar
from typer.testing import CliRunner

from callroom.cli.main import app
from callroom.domain.absence import ApprovedAbsence
from callroom.storage import RosterRepository, open_database
from callroom.storage.changes_repositories import AbsenceRepository, ChangeRepository, NewAbsence, NewProposal

FIXTURES = Path(__file__).parents[2] / "fixtures" / "programs"
runner = CliRunner()
AT = datetime(2026, 3, 1, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


def _versions(url: str, name: str) -> int:
    with open_database(url) as database, database.session() as session:
        return len(RosterRepository(session).list_versions(name))


def test_validate_describes_a_good_file() -> None:
    result = runner.invoke(app, ["validate", str(FIXTURES / "full.yaml")])
    assert result.exit_code == 0
    assert "OK. St. Elsewhere Teaching Hospital, 5 people, 3 posts" in result.output


def test_validate_names_file_line_and_field_and_exits_2() -> None:
    result = runner.invoke(app, ["validate", str(FIXTURES / "broken_references.yaml")])
    assert result.exit_code == 2
    assert "broken_references.yaml:" in result.output
    assert "error:" in result.output


def test_a_missing_file_is_bad_input() -> None:
    result = runner.invoke(app, ["validate", "no-such-program.yaml"])
    assert result.exit_code == 2
    assert "no-such-program.yaml" in result.output


def test_solve_stores_a_roster_version_and_prints_the_summary(workdir: Path, database_url: str) -> None:
    result = runner.invoke(app, ["solve", str(FIXTURES / "full.yaml"), "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "Hard rule violations: none" in result.output
    assert "Hours per resident by week" in result.output
    assert "Stored as roster version 1 of full." in result.output
    runner.invoke(app, ["solve", str(FIXTURES / "full.yaml"), "--time-limit", "5"])
    assert _versions(database_url, "full") == 2


def test_an_impossible_program_says_why_and_exits_3(workdir: Path, database_url: str) -> None:
    result = runner.invoke(app, ["solve", str(FIXTURES / "short_of_seniors.yaml"), "--time-limit", "10"])
    assert result.exit_code == 3, result.output
    assert "Neurosurgery call (24-hour call) needs at least 1 PGY-3+" in result.output
    assert "Ann Lee may take at most 9 in-house call nights in 28 days" in result.output
    assert "18 < 28" in result.output
    assert _versions(database_url, "short_of_seniors") == 0


def test_bad_input_writes_nothing(workdir: Path, database_url: str) -> None:
    result = runner.invoke(app, ["solve", str(FIXTURES / "several_problems.yaml")])
    assert result.exit_code == 2
    assert _versions(database_url, "several_problems") == 0


def test_exports_read_back_as_csv_and_icalendar(workdir: Path) -> None:
    assert runner.invoke(app, ["solve", str(FIXTURES / "full.yaml"), "--time-limit", "5"]).exit_code == 0
    assert runner.invoke(app, ["export", "roster", "--out", "roster.csv"]).exit_code == 0
    with (workdir / "roster.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["person", "grade", "date", "shift", "post", "start", "end"]
    assert runner.invoke(app, ["export", "roster", "--format", "ical", "--out", "cal"]).exit_code == 0
    events = [
        e for f in (workdir / "cal").glob("*.ics") for e in Calendar.from_ical(f.read_bytes()).walk("VEVENT")
    ]
    assert len(events) == len(rows)


def test_show_prints_the_grid_of_the_newest_roster(workdir: Path) -> None:
    assert runner.invoke(app, ["solve", str(FIXTURES / "full.yaml"), "--time-limit", "5"]).exit_code == 0
    result = runner.invoke(app, ["show", "--program", "full", "--version", "1"])
    assert result.exit_code == 0
    assert "Ada Quint" in result.output and "roster version 1" in result.output


def test_show_without_any_roster_is_a_clear_error(workdir: Path) -> None:
    result = runner.invoke(app, ["show"])
    assert result.exit_code == 2
    assert "callroom solve" in result.output


def test_solving_a_program_again_keeps_the_absences_approved_on_its_rosters(
    workdir: Path, database_url: str
) -> None:
    assert runner.invoke(app, ["solve", str(FIXTURES / "full.yaml"), "--time-limit", "5"]).exit_code == 0
    with open_database(database_url) as database, database.session() as session:
        rosters = RosterRepository(session)
        first = rosters.latest("full")
        assert first is not None
        held = sorted(rosters.load_roster(first.id).assignments, key=lambda a: (a.day, a.person_id))[10]
        proposal = ChangeRepository(session).add(
            NewProposal("full", "repair", "approved", first.id, "chief", None, {}, "", AT)
        )
        start = datetime.combine(held.day, time(0), NEW_YORK).astimezone(UTC)
        sick = ApprovedAbsence(held.person_id, start, start + timedelta(days=1), proposal_id=proposal.id)
        AbsenceRepository(session).add(NewAbsence("full", sick, "chief", AT))
    result = runner.invoke(app, ["solve", str(FIXTURES / "full.yaml"), "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "Hard rule violations: none" in result.output
    with open_database(database_url) as database, database.session() as session:
        rosters = RosterRepository(session)
        second = rosters.latest("full")
        assert second is not None and second.number == 2
        again = rosters.load_roster(second.id)
    assert again.on(held.person_id, held.day) is None
