"""An OR day from the hospital's FHIR R4 bundle goes through the same service as a CSV: its
cases on the board, its patients behind the guard, the same bundle again changing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callroom.storage import open_database
from tests.integration.operating.world import CHIEF, DAY, World, world

BUNDLE = Path(__file__).parents[2] / "fixtures" / "operating" / "or_day.fhir.json"
ROUTE = "GET /api/v1/or/patient"


@pytest.fixture
def hospital(tmp_path: Path) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'callroom.db'}"
    with open_database(url) as database:
        yield world(database, url, accounts=False)


def test_a_fhir_bundle_is_imported_once_and_its_patients_are_guarded(hospital: World) -> None:
    text = BUNDLE.read_text(encoding="utf-8")

    first = hospital.services.operating.import_day(CHIEF, text, BUNDLE.name)
    again = hospital.services.operating.import_day(CHIEF, text, BUNDLE.name)

    assert first.days == (DAY,) and first.added and first.patients == len(first.added)
    assert (again.added, again.changed, again.removed) == ((), (), ())
    board = hospital.services.operating.cases(CHIEF, DAY)
    names = {hospital.services.operating.patient(CHIEF, c.case.id, route=ROUTE).name for c in board.cases}
    assert "Alma Whitcombe" in names
