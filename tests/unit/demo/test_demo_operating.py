"""The demo OR day and case logs: they are what the importers accept, they look like a teaching
hospital's (rooms, services, attendings of the room's service; more cases the more senior the
resident), they are the same for the same seed, and some residents are behind while others are not."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from statistics import median

import pytest

from callroom.demo import demo_program_path
from callroom.demo.operating import demo_case_log_csv, demo_or_csv
from callroom.domain.grades import Grade
from callroom.domain.operating import LoggedCase
from callroom.domain.program import Program
from callroom.formats.caselog_csv import parse_case_log
from callroom.formats.cpt_table import default_cpt_table
from callroom.formats.or_cases_csv import ImportedDay, parse_or_cases
from callroom.formats.program_file import load_program
from callroom.rules.caselog import MAJOR, months_in_training, progress, tally

TUESDAY = date(2027, 3, 2)
SATURDAY = date(2027, 3, 6)


@pytest.fixture(scope="module")
def demo() -> Program:
    return load_program(demo_program_path())


@pytest.fixture(scope="module")
def logs(demo: Program) -> dict[str, list[LoggedCase]]:
    entries = parse_case_log(
        demo_case_log_csv(demo, TUESDAY), "log.csv", program=demo, table=default_cpt_table(), today=TUESDAY
    )
    found: dict[str, list[LoggedCase]] = defaultdict(list)
    for entry in entries:
        found[entry.person_id].append(entry)
    return found


def _day(program: Program, day: date, seed: int = 2027) -> ImportedDay:
    return parse_or_cases(
        demo_or_csv(program, day, seed=seed), "day.csv", program=program, table=default_cpt_table()
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 2027])
def test_a_weekday_has_twelve_to_twenty_cases_in_six_to_eight_rooms_of_every_surgical_service(
    demo: Program, seed: int
) -> None:
    day = _day(demo, TUESDAY, seed)

    assert 12 <= len(day.cases) <= 20
    assert 6 <= len({c.room for c in day.cases}) <= 8
    assert {c.service_id for c in day.cases} == {
        "gen-surg", "trauma", "neurosurgery", "cardiothoracic", "plastics", "pediatric"
    }  # fmt: skip
    assert all(c.day == TUESDAY and c.patient_key for c in day.cases)
    assert len(day.patients) == len(day.cases)


def test_each_case_is_under_an_attending_of_its_service(demo: Program) -> None:
    for case in _day(demo, TUESDAY).cases:
        assert case.attending_id is not None
        attending = demo.person[case.attending_id]
        assert attending.grade is Grade.ATTENDING
        assert case.service_id in {demo.post[p].service_id for p in attending.post_ids}


def test_patients_are_not_staff(demo: Program) -> None:
    staff = {p.name for p in demo.people}

    assert not {p.name for p in _day(demo, TUESDAY).patients} & staff


def test_a_weekend_has_only_the_emergency_rooms(demo: Program) -> None:
    day = _day(demo, SATURDAY)

    assert {c.service_id for c in day.cases} == {"gen-surg", "trauma"}


def test_the_same_seed_gives_the_same_day_and_another_seed_another(demo: Program) -> None:
    assert demo_or_csv(demo, TUESDAY) == demo_or_csv(demo, TUESDAY)
    assert demo_or_csv(demo, TUESDAY, seed=1) != demo_or_csv(demo, TUESDAY, seed=2)


def test_every_resident_has_a_log_between_their_first_july_and_yesterday(
    demo: Program, logs: dict[str, list[LoggedCase]]
) -> None:
    assert set(logs) == {p.id for p in demo.residents}
    for person in demo.residents:
        first = date(2026 - (person.grade.value - 1), 7, 1)
        assert all(first <= e.day < TUESDAY for e in logs[person.id]), person.id


def test_the_more_senior_the_resident_the_more_major_cases(
    demo: Program, logs: dict[str, list[LoggedCase]]
) -> None:
    by_grade = defaultdict(list)
    for person in demo.residents:
        by_grade[person.grade].append(tally(logs[person.id]).major)

    medians = [median(by_grade[g]) for g in sorted(by_grade)]
    assert medians == sorted(medians) and medians[0] * 5 < medians[-1]
    assert 80 <= median(by_grade[Grade.PGY1]) <= 160


def test_chiefs_log_sc_and_teach_and_only_chiefs_log_sc(
    demo: Program, logs: dict[str, list[LoggedCase]]
) -> None:
    for person in demo.residents:
        counted = tally(logs[person.id])
        if person.grade is Grade.PGY5:
            assert counted.chief_year_major > 50 and counted.ta > 0
        elif person.grade <= Grade.PGY3:
            assert counted.chief_year_major == 0 and counted.ta == 0


def test_some_residents_are_behind_the_programs_targets_and_most_are_not(
    demo: Program, logs: dict[str, list[LoggedCase]]
) -> None:
    behind = [
        person.id
        for person in demo.residents
        if next(
            r
            for r in progress(tally(logs[person.id]), person.grade, months_in_training(person.grade, TUESDAY))
            if r.category == MAJOR
        ).behind
    ]

    assert 3 <= len(behind) < len(demo.residents) / 2


def test_the_log_is_the_same_for_the_same_day_and_grows_with_time(demo: Program) -> None:
    assert demo_case_log_csv(demo, TUESDAY, seed=5) == demo_case_log_csv(demo, TUESDAY, seed=5)
    later = demo_case_log_csv(demo, TUESDAY + timedelta(days=120))

    assert len(later) > len(demo_case_log_csv(demo, TUESDAY))
