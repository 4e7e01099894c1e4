"""A day's OR schedule from CSV: a good day reads into cases and patients with stable ids, and
every bad cell (an unknown CPT code, a case overlapping another in its room, 0 minutes) is
refused by line and column with nothing imported."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from callroom.errors import Invalid
from callroom.formats.cpt_table import default_cpt_table
from callroom.formats.or_cases_csv import ImportedDay, parse_or_cases
from tests.unit.formats.or_fixtures import demo, fixture

HEADER = "room,start,minutes,procedure,cpt,attending,service,mrn,patient\n"
GOOD = "OR 1,2027-03-02 07:30,90,Lap chole,47562,Magnus Achterberg,gen-surg,MRN-1,Alma Whitcombe\n"


def _read(text: str) -> ImportedDay:
    return parse_or_cases(text, "day.csv", program=demo(), table=default_cpt_table())


def _refused(text: str) -> Invalid:
    with pytest.raises(Invalid) as raised:
        _read(text)
    return raised.value


def _where(error: Invalid) -> list[tuple[str, str]]:
    return [(d.extra["line"], d.field) for d in error.details]


def test_the_fixture_day_reads_into_its_cases_by_room_and_start() -> None:
    day = _read(fixture("or_day.csv"))

    assert day.day == date(2027, 3, 2)
    assert [c.id for c in day.cases] == [
        "2027-03-02/OR 1/07:30",
        "2027-03-02/OR 1/09:30",
        "2027-03-02/OR 2/07:30",
        "2027-03-02/OR 3/08:00",
        "2027-03-02/OR 4/07:30",
        "2027-03-02/OR 5/07:45",
    ]
    whipple = day.cases[2]
    assert whipple.start == datetime(2027, 3, 2, 12, 30, tzinfo=UTC)  # 07:30 in New York (EST)
    assert whipple.minutes == 360 and whipple.cpt_codes == ("48150",)
    assert whipple.attending_id == "nadia-rahimi" and whipple.service_id == "gen-surg"
    assert whipple.continuity == ("yasmin-haddad", "ingrid-lindahl")
    assert whipple.patient_key == "mrn:MRN-101552"
    assert day.cases[0].flags == frozenset({"laparoscopic"})


def test_people_and_services_are_found_by_id_or_by_name() -> None:
    day = _read(fixture("or_day.csv"))

    assert day.cases[1].attending_id == "magnus-achterberg"  # by id
    assert day.cases[1].service_id == "gen-surg"  # by the service's name


def test_patients_are_keyed_by_mrn_and_listed_once() -> None:
    text = HEADER + GOOD + "OR 1,2027-03-02 10:00,60,Hernia,49505,,gen-surg,MRN-1,Alma Whitcombe\n"

    day = _read(text)

    assert [(p.key, p.mrn, p.name) for p in day.patients] == [("mrn:MRN-1", "MRN-1", "Alma Whitcombe")]
    assert {c.patient_key for c in day.cases} == {"mrn:MRN-1"}


def test_reading_the_same_file_twice_gives_the_same_cases_and_patients() -> None:
    assert _read(fixture("or_day.csv")) == _read(fixture("or_day.csv"))


def test_an_unknown_cpt_code_is_refused_by_line_and_column() -> None:
    error = _refused(HEADER + GOOD + "OR 2,2027-03-02 07:30,60,Mystery,47562;99999,,gen-surg,,\n")

    assert _where(error) == [("3", "cpt")]
    assert str(error.details[0]) == "day.csv:3: cpt: CPT code 99999 is not in the program's CPT table"
    assert error.field == "file" and "nothing was imported" in error.message


def test_a_case_starting_before_the_one_before_it_in_its_room_ends_is_refused() -> None:
    text = HEADER + GOOD + "OR 1,2027-03-02 08:30,60,Hernia,49505,,gen-surg,,\n"

    error = _refused(text)

    assert _where(error) == [("3", "start")]
    assert error.details[0].message == "overlaps the case on line 2 in OR 1 (07:30–09:00)"


def test_a_short_case_inside_a_long_one_and_the_case_after_it_both_overlap_the_long_one() -> None:
    text = HEADER + (
        "OR 2,2027-03-02 07:30,360,Whipple,48150,,gen-surg,,\n"
        "OR 2,2027-03-02 08:00,30,EGD,43235,,gen-surg,,\n"
        "OR 2,2027-03-02 09:00,30,EGD,43235,,gen-surg,,\n"
        "OR 3,2027-03-02 09:00,30,EGD,43235,,gen-surg,,\n"
    )

    assert _where(_refused(text)) == [("3", "start"), ("4", "start")]


def test_back_to_back_cases_in_one_room_do_not_overlap() -> None:
    text = HEADER + GOOD + "OR 1,2027-03-02 09:00,60,Hernia,49505,,gen-surg,,\n"

    assert len(_read(text).cases) == 2


@pytest.mark.parametrize("minutes", ["0", "-30", "ninety", "1441"])
def test_a_case_of_no_minutes_or_of_nonsense_minutes_is_refused(minutes: str) -> None:
    error = _refused(HEADER + f"OR 1,2027-03-02 07:30,{minutes},Lap chole,47562,,gen-surg,,\n")

    assert _where(error) == [("2", "minutes")]


def test_every_problem_of_every_row_is_named_at_once() -> None:
    text = HEADER + (
        "OR 1,2027-03-02 07:30,90,Lap chole,47562,Yasmin Haddad,gen-surg,MRN-1,\n"
        ",2027-03-14 02:30,60,,47562,Nobody Known,orthopedics,,Someone\n"
    )

    error = _refused(text)

    assert _where(error) == [
        ("2", "attending"),
        ("2", "patient"),
        ("3", "room"),
        ("3", "procedure"),
        ("3", "start"),
        ("3", "service"),
        ("3", "attending"),
        ("3", "mrn"),
    ]
    messages = [d.message for d in error.details]
    assert messages[0] == "Yasmin Haddad is a PGY-5, not an attending"
    assert "the clocks go forward" in messages[4]  # 02:30 on 14 March does not exist in New York


def test_a_file_is_one_days_schedule() -> None:
    error = _refused(HEADER + GOOD + "OR 2,2027-03-03 07:30,60,Hernia,49505,,gen-surg,,\n")

    assert _where(error) == [("3", "start")]
    assert (
        error.details[0].message == "on 2027-03-03, but the schedule is for 2027-03-02: import one day a file"
    )


def test_one_mrn_for_two_names_is_refused() -> None:
    text = HEADER + GOOD + "OR 2,2027-03-02 07:30,60,Hernia,49505,,gen-surg,MRN-1,Someone Else\n"

    error = _refused(text)

    assert _where(error) == [("3", "mrn")]


def test_a_header_without_a_column_and_a_file_without_cases_are_refused() -> None:
    assert _refused("room,start\nOR 1,2027-03-02 07:30\n").details[0].extra["line"] == "1"
    assert "no cases" in _refused(HEADER).message
