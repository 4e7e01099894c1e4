"""Program files are kept as text, one version per distinct content."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from callroom.storage import Database, ProgramRepository

GS_YAML = "hospital: Test General\nblock: {start: 2026-03-02, days: 28}\n"
GS_YAML_EDITED = GS_YAML + "people: []\n"


def save(database: Database, text: str, name: str = "gs", path: str = "gs.yaml") -> int:
    with database.session() as session:
        return ProgramRepository(session).save_source(name, text, path).number


def test_saving_a_source_keeps_its_text_path_and_sha256_as_version_one(database: Database) -> None:
    with database.session() as session:
        saved = ProgramRepository(session).save_source("gs", GS_YAML, "programs/gs.yaml")
    with database.session() as session:
        found = ProgramRepository(session).get_version(saved.id)
    assert found == saved
    assert (found.program_name, found.number) == ("gs", 1)
    assert (found.source_text, found.source_path) == (GS_YAML, "programs/gs.yaml")
    assert found.sha256 == hashlib.sha256(GS_YAML.encode()).hexdigest()


def test_saving_the_same_source_twice_keeps_one_version(database: Database) -> None:
    assert [save(database, GS_YAML), save(database, GS_YAML, path="moved/gs.yaml")] == [1, 1]
    with database.session() as session:
        latest = ProgramRepository(session).latest("gs")
    assert latest is not None
    assert (latest.number, latest.source_path) == (1, "gs.yaml")


def test_a_changed_source_makes_version_two(database: Database) -> None:
    save(database, GS_YAML)
    assert save(database, GS_YAML_EDITED) == 2
    with database.session() as session:
        latest = ProgramRepository(session).latest("gs")
    assert latest is not None
    assert (latest.number, latest.source_text) == (2, GS_YAML_EDITED)


def test_going_back_to_an_earlier_text_makes_a_new_version(database: Database) -> None:
    numbers = [save(database, text) for text in (GS_YAML, GS_YAML_EDITED, GS_YAML)]
    assert numbers == [1, 2, 3]


def test_each_program_numbers_its_own_versions(database: Database) -> None:
    numbers = [
        save(database, GS_YAML, name="gs"),
        save(database, GS_YAML, name="vascular"),
        save(database, GS_YAML_EDITED, name="gs"),
        save(database, GS_YAML_EDITED, name="vascular"),
    ]
    assert numbers == [1, 1, 2, 2]


def test_an_unknown_program_or_version_is_none(database: Database) -> None:
    save(database, GS_YAML)
    with database.session() as session:
        programs = ProgramRepository(session)
        assert programs.latest("cardiac") is None
        assert programs.get_version(999) is None


def test_created_at_comes_back_as_timezone_aware_utc(database: Database) -> None:
    # 03:30 EDT on the spring-forward Sunday is 07:30 UTC.
    new_york = datetime(2026, 3, 8, 3, 30, 15, 123456, tzinfo=ZoneInfo("America/New_York"))
    with database.session() as session:
        saved = ProgramRepository(session, clock=lambda: new_york).save_source("gs", GS_YAML, "p")
    with database.session() as session:
        found = ProgramRepository(session).get_version(saved.id)
    assert found is not None
    assert found.created_at == datetime(2026, 3, 8, 7, 30, 15, 123456, tzinfo=UTC)
    assert found.created_at.tzinfo is UTC
    assert saved.created_at.tzinfo is UTC
