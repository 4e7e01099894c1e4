"""`callroom import|evaluate|bench curtois` end to end, on the published instances."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callroom.cli.curtois_bench import run_peer_guarded
from callroom.cli.main import app
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.formats.curtois import format_roster, load_instance, parse_roster
from callroom.solver.run import SolveOptions

DATA = Path(__file__).parents[3] / "bench" / "curtois"
REFERENCES = sorted((DATA / "reference_solutions").glob("*.roster"))
runner = CliRunner()


@pytest.mark.parametrize("roster", REFERENCES, ids=[r.stem for r in REFERENCES])
def test_each_reference_roster_scores_the_penalty_in_its_name(roster: Path) -> None:
    instance = DATA / f"{roster.name.split('_')[0]}.txt"
    result = runner.invoke(app, ["evaluate", "curtois", str(instance), str(roster)])
    expected = int(re.search(r"_(\d+)\.roster$", roster.name).group(1))  # type: ignore[union-attr]
    assert result.exit_code == 0, result.output
    assert f"penalty {expected} (" in result.output
    assert "feasible: no hard rule broken" in result.output


def _reference4() -> tuple[Program, Roster]:
    program = load_instance(DATA / "Instance4.txt")
    text = (DATA / "reference_solutions" / "Instance4_strandmark_1733.roster").read_text()
    return program, parse_roster(text, program)


def _with(program: Program, roster: Roster, person: str, pattern: dict[int, str | None]) -> Roster:
    """The roster with the person's days in `pattern` set to a shift, or off for None."""
    dates = program.block.dates()
    changed = {dates[d] for d in pattern}
    kept = [a for a in roster.assignments if not (a.person_id == person and a.day in changed)]
    added = [Assignment(person, dates[d], s, "ward") for d, s in pattern.items() if s is not None]
    return Roster.of(kept + added)


# Each edit breaks one hard rule of Instance4 (A: max 5 in a row, runs of at least 2, at least
# 2 days off, at most 2 weekends, 7560..8640 minutes, days off 5 and 6; L may not precede E).
BREAKS: dict[str, tuple[str, dict[int, str | None]]] = {
    "general.succession": ("A", {7: "L", 8: "E"}),
    "general.max-shifts": ("B", {5: "L"}),
    "general.max-consecutive": ("A", {d: "E" for d in range(7, 13)}),
    "general.min-consecutive": ("A", {9: None, 10: "E", 11: None}),
    "general.min-days-off": ("A", {8: "E", 9: None, 10: "E"}),
    "general.max-weekends": ("A", {12: "E", 13: "E", 19: "E", 20: "E", 26: "E", 27: "E"}),
    "general.total-minutes": ("A", {d: None for d in range(28)}),
    "general.unavailable": ("A", {5: "E", 6: "E"}),
}


@pytest.mark.parametrize("rule", BREAKS)
def test_a_roster_breaking_a_hard_rule_is_reported_with_that_rule(rule: str, tmp_path: Path) -> None:
    program, roster = _reference4()
    person, pattern = BREAKS[rule]
    broken = tmp_path / "broken.roster"
    broken.write_text(format_roster(program, _with(program, roster, person, pattern)))
    result = runner.invoke(app, ["evaluate", "curtois", str(DATA / "Instance4.txt"), str(broken)])
    assert result.exit_code == 1, result.output
    assert f"[{rule}]" in result.output


def test_a_malformed_instance_exits_2_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text((DATA / "Instance1.txt").read_text().replace("D,480,", "D,480x,"))
    result = runner.invoke(app, ["import", "curtois", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:9: Length: Length must be a whole number, not '480x'" in result.output


def test_import_writes_a_program_file_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "instance7.yaml"
    result = runner.invoke(app, ["import", "curtois", str(DATA / "Instance7.txt"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    validated = runner.invoke(app, ["validate", str(out)])
    assert validated.exit_code == 0 and "OK." in validated.output


def test_bench_solves_instance1_to_its_best_known_607_beside_the_peer(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "bench",
            "curtois",
            "--instances",
            "1",
            "--time-limit",
            "10",
            "--out",
            str(tmp_path),
            "--data",
            str(DATA),
        ],
    )
    assert result.exit_code == 0, result.output
    [row] = json.loads((tmp_path / "results.json").read_text())
    assert row["callroom_objective"] == 607 and row["callroom_gap_pct"] == 0
    assert row["peer_objective"] is not None and row["peer_violations"] == 0
    assert (tmp_path / "Instance1.roster").exists() and (tmp_path / "peer" / "Instance1.roster").exists()
    assert (tmp_path / "peer" / "Instance1.log").exists()  # what the peer printed, kept out of the table


def test_a_peer_that_outgrows_its_memory_cap_is_reported_without_a_roster_and_its_errors_go_to_its_log(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path, log = DATA / "Instance1.txt", tmp_path / "peer" / "Instance1.log"
    outcome, roster = run_peer_guarded(
        path, load_instance(path), SolveOptions(5, 1), log, memory_bytes=64 * 1024**2
    )
    assert roster is None and outcome.objective is None
    assert outcome.status in ("ran out of memory", "stopped without a result")
    printed = capfd.readouterr()
    assert printed.err == "" and printed.out == ""
    assert "Traceback" in log.read_text() or outcome.status == "ran out of memory"
