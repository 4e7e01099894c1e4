"""Every refusal on the command line is a message and an exit code chosen from the error's kind,
never a traceback: bad settings, a database that cannot be reached, a thing that does not exist,
a refused action, and the codes each kind gets."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callroom.cli.console import exit_code
from callroom.cli.main import app
from callroom.errors import (
    Conflict,
    Invalid,
    NoSolution,
    NotAllowed,
    NotFound,
    OutOfTime,
    RateLimited,
    Unauthenticated,
    Unavailable,
)

runner = CliRunner()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (Invalid("f", "m"), 2),
        (NotFound("f", "m"), 2),
        (NotAllowed("f", "m"), 2),
        (Conflict("f", "m"), 2),
        (Unauthenticated("f", "m"), 2),
        (RateLimited("f", "m", retry_after_s=1), 2),
        (NoSolution("f", "m"), 3),
        (OutOfTime("f", "m"), 4),
        (Unavailable("f", "m"), 5),
    ],
)
def test_each_kind_of_error_has_its_exit_code(error: Invalid, code: int) -> None:
    assert exit_code(error) == code


def test_a_setting_that_cannot_be_used_is_named_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLROOM_SMTP_PORT", "not-a-port")
    result = runner.invoke(app, ["show"])
    assert result.exit_code == 2
    assert "CALLROOM_SMTP_PORT" in result.output and "Traceback" not in result.output


def test_a_database_that_cannot_be_reached_exits_5_with_a_message(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/callroom"
    command = [str(Path(sys.executable).parent / "callroom"), "show"]
    environment = {"CALLROOM_DATABASE_URL": url, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False, timeout=60)
    assert result.returncode == 5, result.stdout + result.stderr
    assert "error:" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_showing_a_roster_before_any_is_stored_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLROOM_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["show"])
    assert result.exit_code == 2
    assert "callroom solve" in result.output


def test_approving_a_proposal_that_does_not_exist_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLROOM_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["approve", "41"])
    assert result.exit_code == 2
    assert "error: proposal: no proposal 41" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["approve", "999999999999999999999"],
        ["changes", "show", "999999999999999999999"],
        ["page", "ack", "999999999999999999999"],
        ["hours", "history", "999999999999999999999"],
        ["show", "--version", "999999999999999999999"],
        ["accounts", "revoke-token", "ada", "999999999999999999999"],
    ],
)
def test_an_id_no_row_can_have_is_refused_before_any_query(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLROOM_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # a usage error, not an overflow in a query


def test_an_unexpected_failure_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_path: Path) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr("callroom.cli.main.load_program", broken)
    result = runner.invoke(app, ["validate", "program.yaml"])
    assert result.exit_code == 1
    assert "callroom failed unexpectedly (RuntimeError: the disk caught fire)" in result.output
