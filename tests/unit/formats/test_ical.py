"""iCalendar export: one reproducible RFC 5545 file per person, read back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar, Event

from callroom.domain.grades import Grade
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.formats.ical import event_uid, person_calendar, roster_calendar, write_calendars
from tests import factories as f

DASH = "\N{EN DASH}"


def _program() -> Program:
    people = [f.person("ada", Grade.PGY3), f.person("bob"), f.person("cy", Grade.ATTENDING)]
    return f.program(people)


def _read(path: Path) -> Calendar:
    parsed = Calendar.from_ical(path.read_bytes())
    assert isinstance(parsed, Calendar)
    return parsed


def _events(calendar: Calendar) -> list[Event]:
    return [e for e in calendar.walk("VEVENT") if isinstance(e, Event)]


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_it_writes_one_file_per_person_including_those_with_no_shifts(tmp_path: Path) -> None:
    paths = write_calendars(_program(), f.roster(("ada", 0, "day")), tmp_path)

    assert paths == [tmp_path / "ada.ics", tmp_path / "bob.ics", tmp_path / "cy.ics"]
    assert sorted(tmp_path.iterdir()) == paths
    assert _events(_read(tmp_path / "cy.ics")) == []


def test_events_read_back_with_utc_times_and_summaries(tmp_path: Path) -> None:
    # Saturday's call crosses the spring change: 07:00 EST to 07:00 EDT, 23 hours.
    roster = f.roster(("ada", 0, "day"), ("ada", 5, "call"), ("bob", 6, "clinic"))
    write_calendars(_program(), roster, tmp_path)

    ada = [(e.start, e.end, e.summary) for e in _events(_read(tmp_path / "ada.ics"))]
    bob = [(e.start, e.end, e.summary) for e in _events(_read(tmp_path / "bob.ics"))]

    assert ada == [
        (_utc(2026, 3, 2, 12), _utc(2026, 3, 3, 0), f"Day {DASH} Ward"),
        (_utc(2026, 3, 7, 12), _utc(2026, 3, 8, 11), f"Call {DASH} Ward"),
    ]
    assert bob == [(_utc(2026, 3, 8, 12), _utc(2026, 3, 8, 16), f"Clinic {DASH} Ward")]


def test_a_calendar_is_named_for_the_person_and_the_hospital() -> None:
    calendar = person_calendar(_program(), f.roster(), "ada")

    assert calendar["X-WR-CALNAME"] == f"Ada {DASH} Test General"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]


def test_an_event_carries_a_stable_uid_the_service_grade_and_shift_kind() -> None:
    roster = f.roster(("ada", 5, "call"))
    (event,) = _events(person_calendar(_program(), roster, "ada"))

    assert event.uid == "ada-2026-03-07-call-ward@callroom"
    assert event.location == "General Surgery"
    assert event.description == "Grade: PGY-3\nShift kind: in house call"


def test_the_stamp_defaults_to_the_block_start_and_can_be_given() -> None:
    roster = f.roster(("ada", 0, "day"))
    given = _utc(2026, 2, 20, 9, 30)

    (default,) = _events(person_calendar(_program(), roster, "ada"))
    (stamped,) = _events(person_calendar(_program(), roster, "ada", stamp=given))

    assert default.stamp == _utc(2026, 3, 2)
    assert stamped.stamp == given


def test_exporting_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    roster = f.roster(("ada", 0, "day"), ("bob", 1, "night"))
    first = [p.read_bytes() for p in write_calendars(_program(), roster, tmp_path / "one")]
    second = [p.read_bytes() for p in write_calendars(_program(), roster, tmp_path / "two")]

    assert first == second


def test_unsafe_characters_are_percent_encoded_in_uids_and_file_names(tmp_path: Path) -> None:
    program = f.program([f.person("o'neil/x y")])
    roster = f.roster(("o'neil/x y", 0, "day"))

    (path,) = write_calendars(program, roster, tmp_path)
    (event,) = _events(_read(path))

    assert path == tmp_path / "o%27neil%2Fx%20y.ics"
    assert event.uid == "o%27neil%2Fx%20y-2026-03-02-day-ward@callroom"
    assert event.uid == event_uid(roster.assignments[0])


def test_an_unknown_person_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown person 'zoe'"):
        person_calendar(_program(), f.roster(), "zoe")


def test_nothing_is_written_when_an_assignment_names_an_unknown_post(tmp_path: Path) -> None:
    roster = f.roster(("bob", 0, "day", "pit"))

    with pytest.raises(ValueError, match="unknown post"):
        write_calendars(_program(), roster, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_naive_stamp_is_refused() -> None:
    with pytest.raises(ValueError, match="must be timezone-aware"):
        person_calendar(_program(), f.roster(), "ada", stamp=datetime(2026, 3, 1))


def test_nothing_is_written_when_the_roster_has_shifts_for_an_unknown_person(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match="unknown person 'zoe'"):
        write_calendars(_program(), f.roster(("zoe", 0, "day")), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_whole_roster_is_one_calendar_each_event_named_with_its_person() -> None:
    ada_monday, ada_tuesday = (
        Assignment("ada", f.day(0), "day", "ward"),
        Assignment("ada", f.day(1), "day", "ward"),
    )
    bob_tuesday = Assignment("bob", f.day(1), "night", "ward")
    calendar = roster_calendar(_program(), Roster.of([bob_tuesday, ada_monday, ada_tuesday]))
    found = [(str(e["UID"]), e.summary) for e in _events(Calendar.from_ical(calendar.to_ical()))]
    assert found == [
        (event_uid(ada_monday), f"Ada: Day {DASH} Ward"),
        (event_uid(ada_tuesday), f"Ada: Day {DASH} Ward"),
        (event_uid(bob_tuesday), f"Bob: Night {DASH} Ward"),
    ]


def test_the_whole_roster_refuses_shifts_of_someone_the_program_does_not_list() -> None:
    with pytest.raises(ValueError, match="unknown person 'zed'"):
        roster_calendar(_program(), f.roster(("zed", 0, "day")))
