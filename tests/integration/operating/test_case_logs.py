"""Case logs through the service: a resident logs their own cases (categories from the CPT
table), a line breaking a credit rule is refused naming it, a resident reads only their own
log; the chief and the program director read everyone's and the program's progress; a new CPT
table is a new version."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.domain.operating import CreditRole, LoggedCase
from callroom.errors import Invalid, NotAllowed
from callroom.storage import open_database
from tests.integration.operating.world import CHIEF, DAY, DIRECTOR, EVENING, RESIDENT, World, day_csv, world

SENIOR = Principal("amadou", Role.RESIDENT, "amadou-quintero")  # PGY-4
CASE = "2027-03-02/OR 1/09:30"


@pytest.fixture
def hospital(tmp_path: Path) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'callroom.db'}"
    with open_database(url) as database:
        built = world(database, url, accounts=False)
        yield replace(built, services=built.at(EVENING))  # logging DAY's cases


def line(who: Principal, role: CreditRole, code: str = "49505", case_id: str | None = CASE) -> LoggedCase:
    return LoggedCase(who.identity, DAY, (code,), role, case_id=case_id)


def test_a_logged_case_counts_toward_its_categories(hospital: World) -> None:
    logged = hospital.services.caselog.log(RESIDENT, line(RESIDENT, CreditRole.SJ))

    assert logged.entry.categories == ("abdominal", "abdominal.hernia")
    assert logged.source == "app" and logged.created_by == RESIDENT.user
    board = hospital.services.caselog.dashboard(RESIDENT, RESIDENT.identity)
    assert board.tally.major == 1 and board.tally.count("abdominal.hernia") == 1


def test_a_second_surgeon_on_one_case_is_refused_naming_the_rule(hospital: World) -> None:
    hospital.services.caselog.log(RESIDENT, line(RESIDENT, CreditRole.SJ))

    with pytest.raises(Invalid, match="surgeon credit"):
        hospital.services.caselog.log(SENIOR, line(SENIOR, CreditRole.SJ))
    assert hospital.services.caselog.entries(SENIOR, SENIOR.identity) == ()


def test_a_teaching_assistant_stands_beside_a_junior_surgeon(hospital: World) -> None:
    hospital.services.caselog.log(RESIDENT, line(RESIDENT, CreditRole.SJ))

    taught = hospital.services.caselog.log(SENIOR, line(SENIOR, CreditRole.TA))

    assert taught.entry.role is CreditRole.TA


def test_a_resident_logs_and_reads_only_their_own(hospital: World) -> None:
    with pytest.raises(NotAllowed):
        hospital.services.caselog.log(RESIDENT, line(SENIOR, CreditRole.SJ))
    with pytest.raises(NotAllowed):
        hospital.services.caselog.entries(RESIDENT, SENIOR.identity)
    with pytest.raises(NotAllowed):
        hospital.services.caselog.program_progress(RESIDENT)


def test_a_resident_corrects_and_removes_their_line(hospital: World) -> None:
    logged = hospital.services.caselog.log(RESIDENT, line(RESIDENT, CreditRole.FA))
    assert logged.entry.id is not None

    corrected = hospital.services.caselog.update(RESIDENT, logged.entry.id, line(RESIDENT, CreditRole.SJ))
    assert corrected.entry.role is CreditRole.SJ
    with pytest.raises(NotAllowed):
        hospital.services.caselog.remove(SENIOR, logged.entry.id)
    hospital.services.caselog.remove(RESIDENT, logged.entry.id)

    assert hospital.services.caselog.entries(RESIDENT, RESIDENT.identity) == ()


def test_the_chief_and_the_director_read_the_programs_progress(hospital: World) -> None:
    hospital.services.caselog.log(RESIDENT, line(RESIDENT, CreditRole.SJ))

    for reader in (CHIEF, DIRECTOR):
        progress = {d.person_id: d for d in hospital.services.caselog.program_progress(reader)}
        assert progress[RESIDENT.identity].tally.major == 1
        assert progress[SENIOR.identity].tally.major == 0


def test_a_new_cpt_table_is_the_next_version_and_changes_new_lines_only(hospital: World) -> None:
    before = hospital.services.caselog.log(RESIDENT, line(RESIDENT, CreditRole.SJ))
    text = hospital.services.caselog.cpt_table(DIRECTOR).text
    header, *rows = text.splitlines()
    hernia = next(r for r in rows if r.startswith("49505,"))
    changed = "\n".join(
        [header, *(r for r in rows if r != hernia), hernia.replace("abdominal.hernia", "skin")]
    )

    stored = hospital.services.caselog.replace_cpt_table(DIRECTOR, changed + "\n")

    assert stored.number == 1
    after = hospital.services.caselog.log(SENIOR, line(SENIOR, CreditRole.FA, case_id=None))
    assert "skin" in after.entry.categories
    assert hospital.services.caselog.entries(RESIDENT, RESIDENT.identity)[0].entry == before.entry


def test_a_cpt_table_leaving_out_a_code_on_the_board_is_refused(hospital: World) -> None:
    hospital.services.operating.import_day(CHIEF, day_csv(), "or-day.csv")
    text = hospital.services.caselog.cpt_table(DIRECTOR).text
    header, *rows = text.splitlines()
    without = "\n".join([header, *(r for r in rows if not r.startswith("49505,"))]) + "\n"

    with pytest.raises(Invalid, match="49505"):
        hospital.services.caselog.replace_cpt_table(DIRECTOR, without)

    assert hospital.services.caselog.cpt_table(DIRECTOR).number == 0
    assert len(hospital.services.operating.cases(CHIEF, DAY).cases) == 3


def test_a_case_dated_after_today_is_refused_at_the_date_and_a_correction_to_it_too(hospital: World) -> None:
    tomorrow = replace(line(RESIDENT, CreditRole.SJ), day=DAY + timedelta(days=1))

    with pytest.raises(Invalid, match=r"Wed 03 Mar 2027 is after today \(Tue 02 Mar 2027\)") as refused:
        hospital.services.caselog.log(RESIDENT, tomorrow)
    assert refused.value.field == "day"
    logged = hospital.services.caselog.log(RESIDENT, line(RESIDENT, CreditRole.SJ))
    assert logged.entry.id is not None
    with pytest.raises(Invalid, match="after today"):
        hospital.services.caselog.update(RESIDENT, logged.entry.id, tomorrow)

    assert [e.entry.day for e in hospital.services.caselog.entries(RESIDENT, RESIDENT.identity)] == [DAY]
