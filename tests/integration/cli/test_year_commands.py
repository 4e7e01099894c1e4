"""The academic year on the command line: plan the year, then its blocks one after another, each
looking back on the one before; real CP-SAT and a real database."""

from __future__ import annotations

import csv
import dataclasses
from itertools import pairwise
from pathlib import Path

from typer.testing import CliRunner

from callroom.cli.main import app
from callroom.config import Settings
from callroom.domain.program import Block
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.services import open_services
from callroom.year.derive import block_name, year_to_date

FIXTURES = Path(__file__).parents[2] / "fixtures" / "programs"
YEAR = FIXTURES / "year_small.yaml"
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_year_is_planned_stored_shown_and_exported(workdir: Path) -> None:
    output = _run("year", "solve", str(YEAR), "--time-limit", "10", "--program", "small")
    assert "Stored as year plan 1 of small." in output
    assert "Ann (PGY-1)  OO" in output  # interns start on orientation
    assert "vacation requests granted in their first-choice week" in output
    assert "Eve (PGY-2)  RRRR|" in _run("year", "show", "--program", "small")
    _run("year", "export", "--program", "small", "--out", "plan.csv")
    with (workdir / "plan.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 * 52 and set(rows[0]) == {"person", "grade", "week_start", "rotation", "vacation"}
    assert {r["rotation"] for r in rows if r["person"] == "eve" and r["week_start"] < "2027-07-29"} == {
        "research"
    }
    _run("year", "export", "--program", "small", "--out", "calendars", "--format", "ical")
    assert sorted(p.name for p in (workdir / "calendars").iterdir())[0] == "ann.ics"


def test_blocks_solved_in_order_keep_to_the_plan_and_hold_every_rule_at_the_seams(
    workdir: Path, database_url: str
) -> None:
    _run("year", "solve", str(YEAR), "--time-limit", "10", "--program", "small")
    for number in (1, 2, 3):
        assert f"stored as roster version 1 of small/block-0{number}" in _run(
            "block", "solve", "--program", "small", "--block", str(number), "--time-limit", "5"
        )
    with open_services(Settings(database_url=database_url)) as services:
        year = services.year.published("small")
        blocks = [services.rosters.stored(block_name("small", n)) for n in (1, 2, 3)]
        assert year.program.year is not None
        for earlier, later in pairwise(blocks):
            history = later.program.history
            assert history is not None and history.start == earlier.program.block.start
            assert set(history.assignments) == set(earlier.roster.assignments)
        # The third block balances the year so far: the first two blocks' counts.
        so_far = year_to_date(year.program, [blocks[0].roster, blocks[1].roster])
        assert dict(blocks[2].program.ledger) == so_far and so_far
        for block in blocks:
            for a in block.roster.assignments:
                week = year.program.year.week_of(a.day)
                rotation = year.plan.rotation_on(a.person_id, week)
                if rotation is not None:  # residents: only the posts of that week's rotation
                    assert a.post_id in year.program.year.rotation[rotation].post_ids
                    assert not year.plan.at[a.person_id, week].vacation
        joined = Roster.of(a for b in blocks for a in b.roster.assignments)
        whole = dataclasses.replace(blocks[0].program, block=Block(blocks[0].program.block.start, 12 * 7))
        assert [v.message for v in hard_violations(whole, joined) if v.rule in ids.CARRY_OVER] == []


def test_a_block_of_a_date_is_the_block_holding_it(workdir: Path) -> None:
    _run("year", "solve", str(YEAR), "--time-limit", "10", "--program", "small")
    output = _run("block", "solve", "--program", "small", "--date", "2027-08-30", "--time-limit", "5")
    assert "Block 3 (2027-08-26 to 2027-09-22)" in output


def test_a_year_file_with_a_gap_between_blocks_exits_2_naming_the_field_and_stores_nothing(
    workdir: Path,
) -> None:
    text = YEAR.read_text().replace(
        "blocks: 13x4", "blocks: [{from: 2027-07-01, weeks: 26}, {from: 2028-01-06, weeks: 26}]"
    )
    (workdir / "gap.yaml").write_text(text)
    result = runner.invoke(app, ["year", "solve", "gap.yaml", "--time-limit", "5"])
    assert result.exit_code == 2, result.output
    assert "gap.yaml:" in result.output and "year.blocks[1].from" in result.output
    shown = runner.invoke(app, ["year", "show", "--program", "gap"])
    assert shown.exit_code == 2 and "no year plan of 'gap' is stored" in shown.output


def test_a_year_that_cannot_be_planned_exits_3_with_the_arithmetic(workdir: Path) -> None:
    text = YEAR.read_text().replace(
        "complement: [{grades: residents, min: 1, max: 3}]", "complement: [{grades: PGY-1, min: 2, max: 3}]"
    )
    (workdir / "short.yaml").write_text(text)
    result = runner.invoke(app, ["year", "solve", "short.yaml", "--time-limit", "5"])
    assert result.exit_code == 3, result.output
    assert "52 × 2 = 104 resident-weeks" in result.output


def test_blocks_need_a_plan_and_a_block_the_year_has(workdir: Path) -> None:
    before = runner.invoke(app, ["block", "solve", "--program", "small", "--block", "1"])
    assert before.exit_code == 2 and "run `callroom year solve` first" in before.output
    _run("year", "solve", str(YEAR), "--time-limit", "10", "--program", "small")
    beyond = runner.invoke(app, ["block", "solve", "--program", "small", "--block", "14"])
    assert beyond.exit_code == 2 and "the year has blocks 1 to 13, not 14" in beyond.output
    both = runner.invoke(
        app, ["block", "solve", "--program", "small", "--block", "1", "--date", "2027-07-01"]
    )
    assert both.exit_code == 2 and "give --block or --date" in both.output


def test_a_year_file_is_not_solved_as_one_block(workdir: Path) -> None:
    result = runner.invoke(app, ["solve", str(YEAR), "--time-limit", "5"])
    assert result.exit_code == 2 and "this is a year file" in result.output
