"""Every command's `--help` prints its usage and exits 0: help texts are Rich markup, so a
bracket in one (`post:ID[/GRADES]`) must be escaped or the help itself fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from callroom.cli.main import app

runner = CliRunner()


def command_paths(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from command_paths(sub, (*path, name))


COMMANDS = list(command_paths(typer.main.get_command(app)))


def test_the_walk_finds_the_commands_it_checks() -> None:
    assert ("page", "send") in COMMANDS
    assert len(COMMANDS) > 40


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "callroom")
def test_every_command_prints_its_help(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])

    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert "failed unexpectedly" not in result.output
