"""Plan versions on SQLite and PostgreSQL alike: assigned, moved and published in turn, each the
day's next number, the case log stored in one statement with its ids."""

from __future__ import annotations

from callroom.domain.operating import CreditRole, LoggedCase
from callroom.storage import Database
from tests.integration.operating.world import CHIEF, DAY, RESIDENT, day_csv, world


def test_assign_move_publish_number_the_days_plans_in_turn(database: Database, database_url: str) -> None:
    hospital = world(database, database_url, accounts=False)
    board = hospital.services.operating
    board.import_day(CHIEF, day_csv(), "or-day.csv")

    assigned = board.assign(CHIEF, DAY).board
    holder = assigned.cases[0].roles[0].role
    moved = board.move(CHIEF, DAY, holder.case_id, None, holder.role, base_plan=1)
    published = board.publish(CHIEF, DAY, base_plan=2)

    assert [b.plan.number if b.plan else None for b in (assigned, moved, published.board)] == [1, 2, 3]
    assert published.board.published is not None and published.board.published.number == 3
    assert holder.person_id not in {
        r.role.person_id for r in moved.cases[0].roles if r.role.role is holder.role
    }


def test_imported_case_log_lines_come_back_with_their_ids(database: Database, database_url: str) -> None:
    hospital = world(database, database_url, accounts=False)
    text = "resident,date,cpt,role,attending,case\n" + "".join(
        f"kwame-mensah,2027-02-0{d},49505,{CreditRole.SJ.value},magnus-achterberg,\n" for d in range(1, 4)
    )

    lines = hospital.services.caselog.import_log(CHIEF, text, "log.csv").stored

    stored = hospital.services.caselog.entries(RESIDENT, RESIDENT.identity)
    assert [line.entry for line in lines] == [line.entry for line in stored]
    assert all(isinstance(line.entry, LoggedCase) and line.entry.id for line in stored)
