"""Declared conflicts on the OR board are private (`rules.privacy`): the chief's refused move
names the conflict with its reason; a plan breaking one shows a resident outside the pair only
a confidential rule, and the resident in it the conflict without its reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.domain.operating import CaseRole, CreditRole, OrPlan
from callroom.errors import Conflict
from callroom.storage import open_database
from callroom.storage.operating_repositories import OrRepository
from tests.integration.operating.world import CHIEF, DAY, RESIDENT, World, day_csv, world

INTERN = Principal("hana", Role.RESIDENT, "hana-takeda")  # kept off Magnus Achterberg's cases
REASON = "Relationship disclosed to the chief resident"


@pytest.fixture
def hospital(tmp_path: Path) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'callroom.db'}"
    with open_database(url) as database:
        found = world(database, url, accounts=False)
        found.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")
        yield found


def test_the_chiefs_refused_move_names_the_conflict_and_its_reason(hospital: World) -> None:
    case_id = hospital.services.operating.cases(CHIEF, DAY).cases[0].case.id

    with pytest.raises(Conflict) as refused:
        hospital.services.operating.move(CHIEF, DAY, case_id, INTERN.identity, CreditRole.FA)

    assert REASON in refused.value.message


def test_a_plan_breaking_a_conflict_is_confidential_to_everyone_outside_the_pair(hospital: World) -> None:
    case_id = hospital.services.operating.cases(CHIEF, DAY).cases[0].case.id
    # A plan published before the conflict was declared (residents read published plans only).
    with hospital.database.session() as session:
        plan = OrPlan(DAY, (CaseRole(case_id, INTERN.identity, CreditRole.FA),))
        OrRepository(session).add_plan("st-elsewhere", plan, published=True, by="chief")

    outsider = hospital.services.operating.cases(RESIDENT, DAY).problems
    insider = hospital.services.operating.cases(INTERN, DAY).problems
    chief = hospital.services.operating.cases(CHIEF, DAY).problems

    assert any("confidential rule" in p for p in outsider)
    assert not any("Hana" in p or "Achterberg" in p for p in outsider)
    assert any("Hana Takeda" in p and REASON not in p for p in insider)
    assert any(REASON in p for p in chief)
