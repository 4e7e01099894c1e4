"""`callroom bench curtois` from any directory: it finds the checkout's instances, and a folder
without them is a clear error (exit 2) saying where they are expected, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callroom.cli.main import app

runner = CliRunner()


def test_it_finds_the_instances_when_run_from_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["bench", "curtois", "--instances", "1", "--time-limit", "1", "--no-peer", "--out", "results"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "results" / "results.json").read_text())
    assert [(row["instance"], row["best_known"]) for row in rows] == [("Instance1", 607)]


def test_it_exits_2_saying_where_the_best_known_file_is_expected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["bench", "curtois", "--instances", "1", "--no-peer", "--data", "empty"])
    assert result.exit_code == 2, result.output
    assert f"no best_known.csv at {tmp_path / 'empty' / 'best_known.csv'}" in result.output
    assert "--data FOLDER" in result.output


def test_it_exits_2_naming_an_instance_that_is_not_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["bench", "curtois", "--instances", "99", "--no-peer"])
    assert result.exit_code == 2, result.output
    assert "no Instance99.txt in" in result.output


def test_it_exits_2_on_a_best_known_file_it_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "best_known.csv").write_text("instance,best\nInstance1,six hundred\n")
    (tmp_path / "Instance1.txt").write_text("")
    result = runner.invoke(app, ["bench", "curtois", "--instances", "1", "--no-peer", "--data", "."])
    assert result.exit_code == 2, result.output
    assert "cannot read" in result.output and "best_known_upper" in result.output
