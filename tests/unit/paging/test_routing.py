"""Resolving targets against the live schedule at a frozen instant: roles, teams, groups, cover
for people off duty or on leave, the ACGME transition, STAT, and the fallback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from callroom.domain.grades import Grade
from callroom.domain.paging import OPERATORS, Cover, PagingConfig, PagingGroup, Priority, Target
from callroom.domain.program import Leave, Program
from callroom.paging.routing import RouteRequest, Schedule, UnknownTarget, check_target, resolve
from tests.factories import MONDAY, day, person, post, program, roster

NEW_YORK = ZoneInfo("America/New_York")
Freeze = Callable[[date, str], datetime]

PAGING = PagingConfig(
    groups={
        "code-team": PagingGroup(
            "code-team", "Code team", (Target.parse("team:night-cover"), Target.parse("post:home"))
        )
    },
    covers=(
        Cover(Target.parse("post:night-cover/senior"), post_id="day-team"),
        Cover(Target.parse("post:call"), post_id="call"),
        Cover(Target.parse("person:ben"), person_id="eve"),
    ),
)


def hospital(extra_rows: tuple[tuple[str, int, str, str], ...] = (), start: date = MONDAY) -> Schedule:
    people = [
        person("ann", Grade.PGY1, ("day-team", "night-cover")),
        person("ben", Grade.PGY3, ("night-cover",)),
        person("cat", Grade.PGY2, ("night-cover",)),
        person("dan", Grade.ATTENDING, ("home",)),
        person("eve", Grade.PGY2, ("day-team",), leave=[Leave(day(0), day(6))]),
        person("fin", Grade.PGY4, ("call",)),
        person("gus", Grade.PGY3, ("day-team", "call")),
    ]
    posts = [
        post("day-team", ("day",)),
        post("night-cover", ("night",)),
        post("call", ("call",)),
        post("home", ("home",)),
        post("vacant", ("day",)),
    ]
    base = program(people, posts=posts, start=start)
    rows = (
        ("ann", 0, "day", "day-team"),
        ("ben", 0, "night", "night-cover"),
        ("cat", 0, "night", "night-cover"),
        ("dan", 0, "home", "home"),
        ("fin", 0, "call", "call"),
        ("gus", 1, "call", "call"),
        *extra_rows,
    )
    return Schedule(Program(**{**base.__dict__, "paging": PAGING}), roster(*rows, start=start), 1)


@pytest.fixture
def freeze(time_machine: time_machine.TimeMachineFixture) -> Freeze:
    """Freeze the clock at a wall time in New York; `now` as the service would read it."""

    def at(on: date, wall: str) -> datetime:
        hh, mm = (int(x) for x in wall.split(":"))
        time_machine.move_to(datetime.combine(on, time(hh, mm), NEW_YORK), tick=False)
        return datetime.now(UTC)

    return at


def page(
    target: str, priority: Priority = Priority.ROUTINE, *, new_patient: bool = True, escalation: bool = False
) -> RouteRequest:
    return RouteRequest(Target.parse(target), priority, new_patient, escalation)


def people(schedule: Schedule, request: RouteRequest, now: datetime, *, fallback: bool = True) -> list[str]:
    resolution = resolve(schedule, request, now, (OPERATORS,) if fallback else None)
    return [r.person_id for r in resolution.recipients]


def test_a_role_page_at_0210_reaches_the_most_junior_holder_and_says_why(freeze: Freeze) -> None:
    now = freeze(day(1), "02:10")

    [recipient] = resolve(hospital(), page("post:night-cover"), now, (OPERATORS,)).recipients

    assert recipient.person_id == "cat"
    assert recipient.post_id == "night-cover"
    assert recipient.reason == "holds Night-Cover now (Night, PGY-2); the most junior of 2"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("post:night-cover/senior", ["ben"]),
        ("post:night-cover/PGY-2..PGY-3", ["cat"]),
        ("team:night-cover", ["cat", "ben"]),
        ("team:night-cover/junior", ["cat"]),
        ("group:code-team", ["cat", "ben", "dan"]),
        ("person:ben", ["ben"]),
        ("operators", ["operators"]),
    ],
    ids=[
        "a role with a grade word",
        "a role with a grade range",
        "a team is everyone on the post",
        "a team narrowed by grade",
        "a group is the union of its members",
        "a person on duty",
        "the operators' queue",
    ],
)
def test_targets_resolve_at_night(freeze: Freeze, target: str, expected: list[str]) -> None:
    assert people(hospital(), page(target), freeze(day(1), "02:10")) == expected


def test_a_role_nobody_holds_goes_to_the_fallback_and_the_sender_is_told(freeze: Freeze) -> None:
    resolution = resolve(hospital(), page("post:vacant"), freeze(day(1), "02:10"), (OPERATORS,))

    assert [r.person_id for r in resolution.recipients] == ["operators"]
    assert resolution.fell_back
    assert resolution.notes == ("nobody holds Vacant now: sent to the fallback (Operators' queue)",)


def test_without_a_fallback_an_empty_step_stays_empty(freeze: Freeze) -> None:
    assert people(hospital(), page("post:vacant"), freeze(day(1), "02:10"), fallback=False) == []


def test_a_routine_page_to_someone_off_duty_goes_to_their_cover(freeze: Freeze) -> None:
    resolution = resolve(hospital(), page("person:ann"), freeze(day(1), "02:10"), (OPERATORS,))

    assert [r.person_id for r in resolution.recipients] == ["ben"]
    assert resolution.notes == ("Ann is off duty: sent to Ben",)
    assert resolution.recipients[0].reason.startswith("covers Ann, who is off duty; holds Night-Cover")


def test_a_stat_page_reaches_someone_off_duty_directly(freeze: Freeze) -> None:
    resolution = resolve(hospital(), page("person:ann", Priority.STAT), freeze(day(1), "02:10"), (OPERATORS,))

    assert [r.person_id for r in resolution.recipients] == ["ann"]
    assert resolution.notes == ()


def test_someone_on_leave_is_covered_by_their_own_rule(freeze: Freeze) -> None:
    resolution = resolve(hospital(), page("person:eve"), freeze(day(1), "02:10"), (OPERATORS,))

    assert [r.person_id for r in resolution.recipients] == ["ben"]
    assert resolution.notes == ("Eve is on leave: sent to Ben",)


def test_an_escalation_step_naming_someone_off_duty_wakes_them_but_not_on_leave(freeze: Freeze) -> None:
    now = freeze(day(1), "02:10")

    assert people(hospital(), page("person:ann", escalation=True), now) == ["ann"]
    assert people(hospital(), page("person:eve", escalation=True), now) == ["ben"]


def test_a_resident_in_the_transition_gets_no_new_patient_page(freeze: Freeze) -> None:
    # fin's call ran 07:00 Monday to 07:00 Tuesday: 08:00 Tuesday is inside the 4-hour transition.
    resolution = resolve(hospital(), page("person:fin"), freeze(day(1), "08:00"), (OPERATORS,))

    assert [r.person_id for r in resolution.recipients] == ["gus"]
    assert resolution.notes == (
        "Fin is in the 4-hour transition after 24 hours on duty (no new patients): sent to Gus",
    )


def test_a_resident_in_the_transition_still_gets_pages_about_existing_patients(freeze: Freeze) -> None:
    now = freeze(day(1), "08:00")

    assert people(hospital(), page("person:fin", new_patient=False), now) == ["fin"]


def test_after_the_transition_the_resident_is_simply_off_duty(freeze: Freeze) -> None:
    resolution = resolve(
        hospital(), page("person:fin", new_patient=False), freeze(day(1), "11:00"), (OPERATORS,)
    )

    assert resolution.notes == ("Fin is off duty: sent to Gus",)


def test_a_stat_page_ignores_the_transition(freeze: Freeze) -> None:
    assert people(hospital(), page("person:fin", Priority.STAT), freeze(day(1), "08:00")) == ["fin"]


def test_in_the_25th_hour_of_a_fall_back_call_the_holder_takes_no_new_patients(freeze: Freeze) -> None:
    # 2026-11-01: clocks fall back at 02:00, so the call from 07:00 Saturday lasts 25 hours and
    # at 06:30 Sunday its holder has worked 24.5. Nobody else holds call: the fallback gets it.
    saturday = date(2026, 10, 31)
    schedule = hospital(start=saturday)

    resolution = resolve(schedule, page("post:call"), freeze(date(2026, 11, 1), "06:30"), (OPERATORS,))

    assert [r.person_id for r in resolution.recipients] == ["operators"]
    assert resolution.notes[0].startswith("Fin is in the 4-hour transition")


def test_attendings_are_never_in_transition(freeze: Freeze) -> None:
    schedule = hospital((("dan", 1, "home", "home"),))

    assert not schedule.in_transition(schedule.program.person["dan"], freeze(day(2), "08:00"))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("person:annn", "unknown person 'annn' in target 'person:annn': did you mean person:ann?"),
        (
            "post:nite-cover",
            "unknown post 'nite-cover' in target 'post:nite-cover': did you mean post:night-cover?",
        ),
        ("group:zzz", "unknown group 'zzz' in target 'group:zzz'"),
    ],
)
def test_an_unknown_target_names_the_closest_id(target: str, message: str) -> None:
    with pytest.raises(UnknownTarget) as caught:
        check_target(hospital().program, Target.parse(target))

    assert str(caught.value) == message
