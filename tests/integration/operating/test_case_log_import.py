"""The coordinator's case-log import, step by step on one database: a log imported, the same
export imported again (every line skipped, nobody's counts doubled), the next month's export
(only its new lines stored), a line breaking a credit rule against a stored one (refused, naming
its line), and lines logged by a resident while a file was being parsed (checked again inside
the transaction before anything is stored)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.domain.operating import CreditRole, LoggedCase
from callroom.errors import Invalid
from callroom.formats.caselog_csv import parse_case_log
from callroom.operating import caselog
from callroom.storage import open_database
from tests.integration.operating.world import CHIEF, DAY, EVENING, RESIDENT, World, world

SENIOR = Principal("amadou", Role.RESIDENT, "amadou-quintero")  # PGY-4
HEADER = "resident,date,cpt,role,attending,case\n"
FEBRUARY = HEADER + (
    "kwame-mensah,2027-02-01,49505,SJ,magnus-achterberg,2027-02-01/OR 1/07:30\n"
    "kwame-mensah,2027-02-03,47562,FA,magnus-achterberg,2027-02-03/OR 2/08:00\n"
    "amadou-quintero,2027-02-03,47562,SJ,magnus-achterberg,2027-02-03/OR 2/08:00\n"
)
MARCH = FEBRUARY + "kwame-mensah,2027-03-01,49505,SJ,magnus-achterberg,2027-03-01/OR 1/07:30\n"


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('case-log-import') / 'callroom.db'}"
    with open_database(url) as database:
        built = world(database, url, accounts=False)
        yield replace(built, services=built.at(EVENING))  # logging DAY's cases


def major(hospital: World, who: Principal) -> int:
    return hospital.services.caselog.dashboard(CHIEF, who.identity).tally.major


def test_1_a_log_is_imported_whole(hospital: World) -> None:
    imported = hospital.services.caselog.import_log(CHIEF, FEBRUARY, "february.csv")

    assert (len(imported.stored), imported.skipped) == (3, 0)
    assert major(hospital, RESIDENT) == 1 and major(hospital, SENIOR) == 1


def test_2_the_same_export_imported_again_is_skipped_and_counts_do_not_double(hospital: World) -> None:
    again = hospital.services.caselog.import_log(CHIEF, FEBRUARY, "february.csv")

    assert (again.stored, again.skipped) == ((), 3)
    assert len(hospital.services.caselog.entries(CHIEF, RESIDENT.identity)) == 2
    assert major(hospital, RESIDENT) == 1 and major(hospital, SENIOR) == 1


def test_3_the_next_months_export_stores_only_its_new_line(hospital: World) -> None:
    march = hospital.services.caselog.import_log(CHIEF, MARCH, "march.csv")

    assert [line.entry.day.isoformat() for line in march.stored] == ["2027-03-01"]
    assert march.skipped == 3
    assert major(hospital, RESIDENT) == 2


def test_4_a_second_surgeon_on_a_stored_case_is_refused_naming_its_line(hospital: World) -> None:
    second = MARCH + "amadou-quintero,2027-03-01,49505,SJ,magnus-achterberg,2027-03-01/OR 1/07:30\n"

    with pytest.raises(Invalid, match=r"march\.csv:6"):
        hospital.services.caselog.import_log(CHIEF, second, "march.csv")

    assert major(hospital, SENIOR) == 1


def logging_while_parsing(
    hospital: World, monkeypatch: pytest.MonkeyPatch, entry: LoggedCase, who: Principal
) -> None:
    """The resident logs `entry` in their own transaction after the importer has read its
    snapshot of the stored lines, while it parses the file."""
    parse: Callable[..., tuple[LoggedCase, ...]] = parse_case_log
    done: list[bool] = []

    def parse_and_log(*args: object, **kwargs: object) -> tuple[LoggedCase, ...]:
        read = parse(*args, **kwargs)
        if not done:
            done.append(True)
            hospital.services.caselog.log(who, entry)
        return read

    monkeypatch.setattr(caselog, "parse_case_log", parse_and_log)


def test_5_a_line_logged_during_the_parse_for_the_same_case_is_caught_inside(
    hospital: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = "2027-03-02/OR 1/09:30"
    mine = LoggedCase(SENIOR.identity, DAY, ("49505",), CreditRole.SJ, case_id=case)
    logging_while_parsing(hospital, monkeypatch, mine, SENIOR)
    clash = MARCH + f"kwame-mensah,{DAY},49505,SJ,magnus-achterberg,{case}\n"

    with pytest.raises(Invalid, match=r"march\.csv:6: role: .*surgeon credit"):
        hospital.services.caselog.import_log(CHIEF, clash, "march.csv")

    assert major(hospital, RESIDENT) == 2 and major(hospital, SENIOR) == 2


def test_6_a_line_logged_during_the_parse_for_another_case_is_kept_beside_the_import(
    hospital: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = LoggedCase(SENIOR.identity, DAY, ("47562",), CreditRole.SJ, case_id="2027-03-02/OR 2/08:00")
    logging_while_parsing(hospital, monkeypatch, mine, SENIOR)
    more = MARCH + f"kwame-mensah,{DAY},49505,SJ,magnus-achterberg,2027-03-02/OR 3/10:00\n"

    imported = hospital.services.caselog.import_log(CHIEF, more, "march.csv")

    assert (len(imported.stored), imported.skipped) == (1, 4)
    assert major(hospital, RESIDENT) == 3 and major(hospital, SENIOR) == 3


def test_7_a_line_dated_after_today_is_refused_naming_its_line_and_nothing_is_imported(
    hospital: World,
) -> None:
    before = major(hospital, RESIDENT)
    ahead = MARCH + "kwame-mensah,2027-03-03,49505,SJ,magnus-achterberg,\n"

    with pytest.raises(Invalid, match=r"march\.csv:6: date: Wed 03 Mar 2027 is after today"):
        hospital.services.caselog.import_log(CHIEF, ahead, "march.csv")

    assert major(hospital, RESIDENT) == before
