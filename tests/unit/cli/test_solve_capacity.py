"""`callroom solve` on a program whose cover outstrips what its eligible people can give: exit 3
with the sum, at once, whatever the time limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from callroom.cli.main import app

runner = CliRunner()

THREE_SENIORS = """\
hospital: {name: Short General, timezone: America/Chicago}
block: {start: 2026-04-06, days: 28}
shift_types:
  - {id: call, name: 24-hour call, start: "07:00", duration: 24h, kind: in_house_call}
services:
  - id: gs
    name: General Surgery
    posts:
      - {id: gs-night, name: GS night call, shifts: [call]}
cover:
  - post: gs-night
    shift: call
    need: [{grades: PGY-3+, min: 1}]
people:
  - {id: ann, name: Dr Ann, grade: PGY-4, posts: [gs-night]}
  - {id: bo, name: Dr Bo, grade: PGY-3, posts: [gs-night]}
  - {id: cy, name: Dr Cy, grade: PGY-5, posts: [gs-night]}
"""


def test_it_exits_3_with_the_sum_when_three_seniors_cannot_cover_every_night(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CALLROOM_DATABASE_URL", f"sqlite:///{tmp_path / 'callroom.db'}")
    program = tmp_path / "three_seniors.yaml"
    program.write_text(THREE_SENIORS, encoding="utf-8")
    result = runner.invoke(app, ["solve", str(program), "--time-limit", "2"])
    assert result.exit_code == 3, result.output
    assert "GS night call (24-hour call) needs at least 1 PGY-3+ every day of the block" in result.output
    assert "Dr Ann 9 + Dr Bo 9 + Dr Cy 9 = 27 of the 28 needed: 27 < 28." in result.output
    assert "time-limit" not in result.output
