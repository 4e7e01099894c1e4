"""Wall times a person types, read in the demo hospital's zone (America/New_York) on both sides
of both clock changes: the spring-forward night skips 02:00 to 02:59, the fall-back night passes
01:00 to 01:59 twice. Those are refused, with what the clocks do and, for a repeated time, both
offsets to choose from; every other time is one instant."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from callroom.demo import DEMO_PROGRAM
from callroom.domain.wallclock import local_instant, local_text
from callroom.errors import Invalid
from callroom.formats.program_file import load_program


@pytest.fixture(scope="module")
def zone() -> ZoneInfo:
    """The demo hospital's zone (its 2027 block holds the spring change)."""
    found = ZoneInfo(load_program(DEMO_PROGRAM).hospital.timezone)
    assert found.key == "America/New_York"
    return found


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "instant"),
    [
        ("2027-03-14T01:59", "2027-03-14T06:59"),  # spring forward: the last minute of EST
        ("2027-03-14T03:00", "2027-03-14T07:00"),  # the first of EDT
        ("2027-11-07T00:59", "2027-11-07T04:59"),  # fall back: before the repeated hour, EDT
        ("2027-11-07T02:00", "2027-11-07T07:00"),  # after it, EST
        ("2027-11-07T01:30-04:00", "2027-11-07T05:30"),  # the repeated hour with its offset: the first
        ("2027-11-07T01:30-05:00", "2027-11-07T06:30"),  # and the second
        ("2027-03-01T07:00Z", "2027-03-01T07:00"),
    ],
)
def test_a_time_on_either_side_of_a_clock_change_is_one_instant(
    zone: ZoneInfo, typed: str, instant: str
) -> None:
    assert local_instant(typed, zone, "start") == utc(instant)


@pytest.mark.parametrize("typed", ["2027-03-14T02:00", "2027-03-14T02:30", "2027-03-14T02:59"])
def test_a_time_the_clocks_skip_is_refused_saying_what_they_do(zone: ZoneInfo, typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        local_instant(typed, zone, "end")
    assert refused.value.field == "end"
    assert refused.value.message == (
        f"{typed.replace('T', ' ')} does not exist in America/New_York: that night the clocks go forward "
        "from 02:00 EST to 03:00 EDT; give a time before 02:00 or from 03:00"
    )


@pytest.mark.parametrize("typed", ["2027-11-07T01:00", "2027-11-07T01:30", "2027-11-07T01:59"])
def test_a_time_the_clocks_pass_twice_asks_for_its_offset_naming_both(zone: ZoneInfo, typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        local_instant(typed, zone, "at")
    assert refused.value.field == "at"
    assert refused.value.message == (
        f"{typed.replace('T', ' ')} happens twice in America/New_York that night, as the clocks go back: "
        f"give its offset, {typed}-04:00 (EDT, the first time) or {typed}-05:00 (EST, the second)"
    )


def test_text_that_is_no_date_time_is_refused_on_its_field(zone: ZoneInfo) -> None:
    with pytest.raises(Invalid) as refused:
        local_instant("yesterday", zone, "start")
    assert (refused.value.field, refused.value.message) == (
        "start",
        "'yesterday' is not an ISO date-time (2027-03-01T07:00)",
    )


def test_the_two_times_of_the_repeated_hour_read_apart_as_wall_clock(zone: ZoneInfo) -> None:
    assert local_text(utc("2027-11-07T05:30"), zone) == "2027-11-07 01:30 EDT"
    assert local_text(utc("2027-11-07T06:30"), zone) == "2027-11-07 01:30 EST"
