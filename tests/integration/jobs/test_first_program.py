"""A first program, on a database with none: made from the set-up's new-program form, stored
through the program file's one path with no roster to carry over, then queued for a solve."""

from __future__ import annotations

import pytest

from callroom.config import Settings
from callroom.errors import Conflict, Invalid, NotFound
from callroom.formats.program_forms import dump_document, new_program
from callroom.services import build_services
from callroom.storage import Database
from tests.factories import NEW_PROGRAM_FORM
from tests.principals import ADMIN, CHIEF

FORM = NEW_PROGRAM_FORM


def test_a_first_program_is_stored_without_a_roster_and_can_be_solved(
    database: Database, database_url: str
) -> None:
    services = build_services(Settings(database_url=database_url), database)
    assert services.rosters.live() is None
    text = dump_document(new_program(FORM))
    with pytest.raises(NotFound):  # with no live roster, the program must be named
        services.rosters.replace_program(ADMIN, text, "New program")
    stored = services.rosters.replace_program(ADMIN, text, "New program", program="small")
    assert (stored.program, stored.program_version, stored.version) == ("small", 1, None)
    assert services.rosters.program_text(ADMIN, "small") == text
    job, _ = services.jobs.submit_solve(CHIEF, "small", 5)
    assert job.subject == "small"


def test_a_first_program_that_does_not_load_is_refused_and_nothing_is_stored(
    database: Database, database_url: str
) -> None:
    services = build_services(Settings(database_url=database_url), database)
    text = dump_document(new_program({**FORM, "timezone": "Mars/Olympus"}))
    with pytest.raises(Invalid) as refused:
        services.rosters.replace_program(ADMIN, text, "New program", program="small")
    assert refused.value.details[0].field == "hospital.timezone"
    assert services.rosters.program_text(ADMIN, "small") is None
    with pytest.raises(NotFound):
        services.jobs.submit_solve(CHIEF, "small", 5)


def test_a_file_made_from_an_older_version_is_refused_and_nothing_is_stored(
    database: Database, database_url: str
) -> None:
    services = build_services(Settings(database_url=database_url), database)
    first = dump_document(new_program(FORM))
    services.rosters.replace_program(ADMIN, first, "New program", program="small", base_version=0)
    opened = services.rosters.program_file(ADMIN, "small")
    assert opened is not None and opened.version == 1
    one = dump_document(new_program({**FORM, "hospital": "One"}))
    two = dump_document(new_program({**FORM, "hospital": "Two"}))
    services.rosters.replace_program(ADMIN, one, "First tab", program="small", base_version=opened.version)
    with pytest.raises(Conflict) as refused:  # the second tab, opened from the same version
        services.rosters.replace_program(
            ADMIN, two, "Second tab", program="small", base_version=opened.version
        )
    assert refused.value.field == "version"
    newest = services.rosters.program_file(ADMIN, "small")
    assert newest is not None and (newest.version, newest.text) == (2, one)
    then = services.rosters.program_file(ADMIN, "small", 1)
    assert then is not None and then.text == first
