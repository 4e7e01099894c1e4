"""Changes to the year on the command line, one after another: a leave of absence, then a late
joiner, each re-planned from the published plan the one before left, with the blocks already
solved named for solving again; bad changes exit 2 and store nothing. Real CP-SAT and a real
database."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from callroom.cli.main import app
from callroom.config import Settings
from callroom.rules.year import check_year_plan
from callroom.services import open_services
from callroom.year.derive import block_name
from tests.factories import small_year_text

ANN = "{id: ann, name: Ann, grade: PGY-1,"
LEAVE = ANN + " leave: [{from: 2027-11-18, to: 2027-12-29, kind: parental}],"
JOINER = "  - {id: gil, name: Gil, grade: PGY-2, joins: 2028-01-06}\nrules:"
runner = CliRunner()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _write(workdir: Path, *edits: tuple[str, str]) -> Path:
    path = workdir / "small.yaml"
    path.write_text(small_year_text(*edits))
    return path


def _replan(path: Path, start: str = "2027-11-04") -> str:
    return _run("year", "replan", str(path), "--program", "small", "--from", start, "--time-limit", "20")


def test_a_leave_then_a_late_joiner_are_re_planned_one_after_the_other(
    workdir: Path, database_url: str
) -> None:
    _run("year", "solve", str(_write(workdir)), "--time-limit", "10", "--program", "small")
    _run("block", "solve", "--program", "small", "--block", "6", "--time-limit", "5")

    first = _replan(_write(workdir, (ANN, LEAVE)))
    assert "Stored as year plan 2 of small." in first
    assert "(the fewest possible)" in first
    assert "Ann" in first and "away" in first
    assert "Block 6 has a roster made from the old plan" in first

    second = _replan(_write(workdir, (ANN, LEAVE), ("rules:", JOINER)), start="2027-12-30")
    assert "Stored as year plan 3 of small." in second
    # The joiner fits around the plan the leave left: nobody else moves, Ann stays away.
    assert "0 resident-weeks changed (the fewest possible)" in second
    with open_services(Settings(database_url=database_url)) as services:
        year = services.year.published("small")
        assert check_year_plan(year.program, year.plan) == []
        assert year.program.year is not None
        assert [w for w in range(20, 26) if year.plan.rotation_on("ann", w)] == []
        assert year.plan.rotation_on("gil", year.program.year.week_of(year.program.year.end)) is not None


def test_a_block_solved_after_a_leave_keeps_the_resident_off_the_roster(
    workdir: Path, database_url: str
) -> None:
    _run("year", "solve", str(_write(workdir)), "--time-limit", "10", "--program", "small")
    _replan(_write(workdir, (ANN, LEAVE)))
    _run("block", "solve", "--program", "small", "--block", "6", "--time-limit", "5")
    with open_services(Settings(database_url=database_url)) as services:
        block = services.rosters.stored(block_name("small", 6))
    leave = [d for d in block.program.block.dates() if d.isoformat() >= "2027-11-18"]
    assert leave and not [a for a in block.roster.assignments if a.person_id == "ann" and a.day in leave]


def test_a_re_plan_of_another_year_or_outside_it_exits_2_and_stores_nothing(
    workdir: Path, database_url: str
) -> None:
    _run("year", "solve", str(_write(workdir)), "--time-limit", "10", "--program", "small")
    moved = _write(workdir, ("end: 2028-06-29", "end: 2028-06-30"))
    output = _run("year", "replan", str(moved), "--program", "small", "--from", "2027-11-04", code=2)
    assert "year" in output and "published plan" in output
    outside = _write(workdir)
    output = _run("year", "replan", str(outside), "--program", "small", "--from", "2029-01-01", code=2)
    assert "outside the academic year" in output
    output = _run("year", "replan", str(outside), "--program", "small", "--from", "soon", code=2)
    assert "'soon' is not a date" in output
    with open_services(Settings(database_url=database_url)) as services:
        assert services.year.published("small").record.number == 1
