"""What a resident is told when a day is published again: only what changed for them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from callroom.domain.operating import CaseRole, CreditRole, OrCase, OrPlan
from callroom.operating.notices import change_notices
from callroom.storage.operating_repositories import PublishedCase
from tests.web_demo import demo_program

DAY = date(2027, 3, 2)
PROGRAM = demo_program()


def case(case_id: str, room: str, hour: int, procedure: str) -> OrCase:
    start = datetime(2027, 3, 2, hour, 0, tzinfo=UTC)
    return OrCase(case_id, DAY, room, start, 60, procedure, ("49505",), "gen-surg")


def local(when: datetime) -> str:
    return f"{when.astimezone(ZoneInfo(PROGRAM.hospital.timezone)):%H:%M}"


ONE = case("c1", "OR 6", 18, "Excision")
TWO = case("c2", "OR 11", 15, "Parathyroidectomy")
BEFORE = OrPlan(DAY, (CaseRole("c1", "ann", CreditRole.SJ), CaseRole("c2", "ben", CreditRole.SJ)))


def published(*cases: OrCase) -> tuple[PublishedCase, ...]:
    return tuple(PublishedCase.of(c) for c in cases)


def test_a_new_credit_role_is_told_to_that_resident_only() -> None:
    after = OrPlan(DAY, (CaseRole("c1", "ann", CreditRole.FA), CaseRole("c2", "ben", CreditRole.SJ)))

    notices = change_notices(PROGRAM, (published(ONE, TWO), BEFORE), ((ONE, TWO), after))

    assert notices == [
        ("ann", f"OR Tue 02 Mar changed: your role on OR 6, {local(ONE.start)}, Excision is now FA")
    ]


def test_a_case_that_moves_in_time_is_told_to_everyone_on_it() -> None:
    later = replace(TWO, start=TWO.start + timedelta(hours=1))

    notices = change_notices(PROGRAM, (published(ONE, TWO), BEFORE), ((ONE, later), BEFORE))

    assert notices == [
        ("ben", f"OR Tue 02 Mar changed: OR 11 Parathyroidectomy now starts at {local(later.start)}")
    ]


def test_nothing_changed_tells_no_one() -> None:
    assert change_notices(PROGRAM, (published(ONE, TWO), BEFORE), ((ONE, TWO), BEFORE)) == []
