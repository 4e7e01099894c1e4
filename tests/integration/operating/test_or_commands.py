"""`callroom or ...` and `callroom caselog ...` end to end on an SQLite file: a chief imports,
assigns, shows and publishes a day from the command line; the purge and the export run as the
roles they default to; a bad file exits 2 naming its line, with nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callroom.cli.main import app
from callroom.storage import open_database
from tests.integration.operating.world import DAY, HEADER, World, day_csv, world

runner = CliRunner()


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, World]]:
    """The demo stored in a file the commands open (CALLROOM_DATABASE_URL), one for the module:
    each test runs a step on what the one before left."""
    folder = tmp_path_factory.mktemp("or-cli")
    url = f"sqlite:///{folder / 'callroom.db'}"
    with pytest.MonkeyPatch.context() as patch, open_database(url) as database:
        patch.setenv("CALLROOM_DATABASE_URL", url)
        patch.setenv("COLUMNS", "200")
        yield folder, world(database, url)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_1_a_bad_file_exits_2_naming_its_line_and_stores_nothing(cli: tuple[Path, World]) -> None:
    folder, _ = cli
    bad = folder / "bad.csv"
    bad.write_text(HEADER + f"OR 1,{DAY} 07:30,0,Nothing,47562,Magnus Achterberg,gen-surg,,,,\n")

    code, out = run("or", "import", str(bad))

    assert code == 2, out
    assert "bad.csv:2" in out
    assert "OR 1" not in run("or", "show", DAY.isoformat())[1]


def test_2_import_assign_show_and_publish_a_day(cli: tuple[Path, World]) -> None:
    folder, _ = cli
    day_file = folder / "or-day.csv"
    day_file.write_text(day_csv())

    code, out = run("or", "import", str(day_file), "--day", DAY.isoformat())
    assert code == 0, out
    assert "3 added" in out and "3 patients" in out
    code, out = run("or", "assign", DAY.isoformat())
    assert code == 0, out
    assert "Draft plan 1" in out and "Whipple" in out
    code, out = run("or", "publish", DAY.isoformat())
    assert code == 0, out
    assert "Published plan 2" in out and "residents told" in out


def test_3_the_board_shows_no_patient(cli: tuple[Path, World]) -> None:
    code, out = run("or", "show", DAY.isoformat())

    assert code == 0, out
    # The table may wrap a long procedure over two lines at a narrow terminal.
    assert "Laparoscopic" in out and "cholecystectomy" in out
    assert "MRN" not in out and "Whitcombe" not in out


def test_4_the_purge_keeps_what_is_recent_and_a_resident_may_not_run_it(cli: tuple[Path, World]) -> None:
    code, out = run("or", "purge")
    assert code == 0, out
    assert "Purged the identifiers of 0 patients" in out and "kept 3 cases" in out

    code, out = run("or", "purge", "--role", "resident")
    assert code == 2, out
    assert "phi:purge" in out


def test_5_caselog_import_then_export(cli: tuple[Path, World]) -> None:
    folder, _ = cli
    log = folder / "log.csv"
    done = "2026-11-02"  # a case logged once done: never after today
    log.write_text(
        f"resident,date,cpt,role,attending,case\nkwame-mensah,{done},49505,SJ,magnus-achterberg,\n"
    )

    code, out = run("caselog", "import", str(log))
    assert code == 0, out
    assert "1 line imported" in out
    code, out = run("caselog", "export")
    assert code == 0, out
    assert "49505" in out
