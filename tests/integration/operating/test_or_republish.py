"""Publishing a day again, step by step on one database: the first publication tells everyone
on the plan their cases; after a move, an edit of a published case or an import that removes
one, the board says the day changed since it was published, and publishing again tells only
the residents whose cases changed, each what changed. Cases added by hand survive an import;
adding a case where one already is is refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.domain.operating import CreditRole, OrCase
from callroom.errors import Conflict, Invalid
from callroom.formats.or_day import case_id
from callroom.operating.types import DayBoard, PublishOutcome
from callroom.storage import open_database
from tests.integration.operating.world import CHIEF, DAY, PATIENTS, World, day_csv, world

WHIPPLE = "OR 2, 08:00, Pancreaticoduodenectomy (Whipple)"


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One database for the whole sequence: each step finds what the one before it left."""
    url = f"sqlite:///{tmp_path_factory.mktemp('or-republish') / 'callroom.db'}"
    with open_database(url) as database:
        yield world(database, url, accounts=False)


def board(hospital: World) -> DayBoard:
    return hospital.services.operating.cases(CHIEF, DAY)


def told(hospital: World, outcome: PublishOutcome) -> dict[str, str]:
    """What each resident was told, checked against what reached their pager."""
    bodies = dict(outcome.told)
    for person, page_id in outcome.notified:
        page = hospital.services.paging.detail(Principal(person, Role.RESIDENT, person), page_id).page
        assert page.body == bodies[person]
        assert not any(mrn in page.body or name in page.body for mrn, name in PATIENTS.items())
    return bodies


def on_case(day_board: DayBoard, procedure: str) -> set[str]:
    case = next(c for c in day_board.cases if c.case.procedure == procedure)
    return {r.role.person_id for r in case.roles}


def without_whipple() -> str:
    return "".join(line + "\n" for line in day_csv().splitlines() if "Whipple" not in line)


def test_1_the_first_publication_tells_everyone_on_the_plan_their_cases(hospital: World) -> None:
    hospital.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")
    hospital.services.operating.assign(CHIEF, DAY)

    outcome = hospital.services.operating.publish(CHIEF, DAY)

    on_plan = {r.role.person_id for c in outcome.board.cases for r in c.roles}
    bodies = told(hospital, outcome)
    assert outcome.first and set(bodies) == on_plan and outcome.not_reached == ()
    assert all(body.startswith("OR Tue 02 Mar: ") for body in bodies.values())
    assert not outcome.board.changed_since_published


def test_2_publishing_again_with_nothing_changed_is_refused(hospital: World) -> None:
    with pytest.raises(Conflict, match="already published, unchanged"):
        hospital.services.operating.publish(CHIEF, DAY)


def test_3_after_a_resident_is_added_only_that_resident_is_told(hospital: World) -> None:
    before = board(hospital)
    busy = {r.role.person_id for c in before.cases for r in c.roles}
    whipple = next(c.case.id for c in before.cases if "Whipple" in c.case.procedure)
    helper = next(
        p for (c, p), why in before.availability.items() if c == whipple and why is None and p not in busy
    )
    moved = hospital.services.operating.move(CHIEF, DAY, whipple, helper, CreditRole.FA)
    assert moved.changed_since_published

    outcome = hospital.services.operating.publish(CHIEF, DAY)

    bodies = told(hospital, outcome)
    assert not outcome.first and list(bodies) == [helper]
    assert bodies[helper] == (
        "OR Tue 02 Mar changed: you are now on 08:00 OR 2 Pancreaticoduodenectomy (Whipple) (FA)"
        " with Magnus Achterberg"
    )


def test_4_a_resident_taken_off_a_case_is_told_and_no_one_else(hospital: World) -> None:
    helper = next(
        r.role.person_id for c in board(hospital).cases for r in c.roles if r.role.role is CreditRole.FA
    )
    whipple = next(c.case.id for c in board(hospital).cases if "Whipple" in c.case.procedure)
    hospital.services.operating.move(CHIEF, DAY, whipple, None, CreditRole.FA)

    outcome = hospital.services.operating.publish(CHIEF, DAY)

    assert told(hospital, outcome) == {helper: f"OR Tue 02 Mar changed: you are no longer on {WHIPPLE}"}


def test_5_editing_a_published_case_shows_changed_since_published_then_tells_its_team(
    hospital: World,
) -> None:
    published = board(hospital)
    hernia = next(c.case for c in published.cases if c.case.procedure == "Inguinal hernia repair")
    team = on_case(published, "Inguinal hernia repair")

    edited = hospital.services.operating.save_case(
        CHIEF, replace(hernia, start=hernia.start + timedelta(minutes=30))
    )

    assert edited.changed_since_published and edited.plan == published.plan
    outcome = hospital.services.operating.publish(CHIEF, DAY)
    assert told(hospital, outcome) == {
        person: "OR Tue 02 Mar changed: OR 1 Inguinal hernia repair now starts at 10:00" for person in team
    }
    assert not outcome.board.changed_since_published


def test_6_a_case_added_by_hand_at_a_taken_room_and_time_is_refused(hospital: World) -> None:
    hernia = next(c.case for c in board(hospital).cases if c.case.procedure == "Inguinal hernia repair")
    again = replace(hernia, procedure="Parathyroidectomy", patient_key=None)

    with pytest.raises(Invalid) as refused:
        hospital.services.operating.save_case(CHIEF, again, adding=True)

    assert refused.value.field == "start"
    assert refused.value.message == (
        "OR 1 already has a case at 10:00 (Inguinal hernia repair): change that case instead"
    )
    assert {c.case.procedure for c in board(hospital).cases} == {
        "Laparoscopic cholecystectomy",
        "Inguinal hernia repair",
        "Pancreaticoduodenectomy (Whipple)",
    }


def test_7_a_case_added_by_hand_stays_when_the_day_is_imported_again(hospital: World) -> None:
    zone = ZoneInfo(board(hospital).timezone)
    start = datetime(2027, 3, 2, 12, 0, tzinfo=zone)
    added = OrCase(
        case_id(DAY, "OR 3", start, zone),
        DAY,
        "OR 3",
        start,
        60,
        "Femoral hernia repair",
        ("49505",),
        "gen-surg",
    )
    hospital.services.operating.save_case(CHIEF, added, adding=True)

    first = hospital.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")
    second = hospital.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")

    assert len(first.changed) == 1 and first.removed == ()  # the edited hernia, back to the file's time
    assert (second.added, second.changed, second.removed) == ((), (), ()) and len(second.unchanged) == 3
    assert "Femoral hernia repair" in {c.case.procedure for c in board(hospital).cases}


def test_8_an_import_removing_a_published_case_says_so_and_publishing_tells_its_team(
    hospital: World,
) -> None:
    hospital.services.operating.publish(CHIEF, DAY)  # the hernia back at 09:30, the hand-added case
    team = on_case(board(hospital), "Pancreaticoduodenectomy (Whipple)")

    imported = hospital.services.operating.import_day(CHIEF, without_whipple(), "or-day.csv")

    assert len(imported.removed) == 1 and imported.removed_published == (WHIPPLE,)
    assert board(hospital).changed_since_published
    outcome = hospital.services.operating.publish(CHIEF, DAY)
    assert team and told(hospital, outcome) == {
        person: f"OR Tue 02 Mar changed: you are no longer on {WHIPPLE}" for person in team
    }


def test_9_a_case_added_where_a_moved_case_first_started_gets_an_id_of_its_own(hospital: World) -> None:
    hernia = next(c.case for c in board(hospital).cases if c.case.procedure == "Inguinal hernia repair")
    moved = replace(hernia, start=hernia.start + timedelta(minutes=90))
    hospital.services.operating.save_case(CHIEF, moved)
    added = replace(hernia, procedure="Umbilical hernia repair", patient_key=None)

    hospital.services.operating.save_case(CHIEF, added, adding=True)

    cases = {c.case.procedure: c.case for c in board(hospital).cases}
    assert (
        cases["Inguinal hernia repair"].start == moved.start
        and cases["Inguinal hernia repair"].id == hernia.id
    )
    assert cases["Umbilical hernia repair"].start == hernia.start
    assert cases["Umbilical hernia repair"].id == f"{hernia.id}#2"
