"""Who may take a case reads the residents' logged hours where they logged: a resident the
roster leaves free, who logged a night in the hospital, is not put on the morning's cases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.hours.service import Entry
from callroom.storage import open_database
from tests.integration.operating.world import CHIEF, DAY, NOW, World, day_csv, world

ZONE = ZoneInfo("America/New_York")


@pytest.fixture
def hospital(tmp_path: Path) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'callroom.db'}"
    with open_database(url) as database:
        found = world(database, url, accounts=False)
        found.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")
        yield found


def test_a_resident_who_logged_the_night_in_the_hospital_may_not_take_the_mornings_case(
    hospital: World,
) -> None:
    before = hospital.services.operating.cases(CHIEF, DAY)
    case_id = before.cases[0].case.id
    fresh = next(p for (c, p), why in before.availability.items() if c == case_id and why is None)
    start = datetime.combine(DAY - timedelta(days=1), time(7, 0), ZONE)
    later = hospital.at(NOW + timedelta(days=2))

    later.hours.log(Principal(fresh, Role.RESIDENT, fresh), Entry(fresh, start, start + timedelta(hours=24)))

    after = hospital.services.operating.cases(CHIEF, DAY)
    assert after.availability[case_id, fresh] is not None
    assert after.availability[case_id, fresh] != before.availability[case_id, fresh]
