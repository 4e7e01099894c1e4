"""The hours service on SQLite and PostgreSQL: logging, confirming, clocking, corrections with
history, justifications and reviews, reports and the what-if, with who may do what."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from callroom.domain.worklog import Decision, Reason, WorkKind
from callroom.errors import Conflict, Invalid, NotAllowed, NotFound
from callroom.hours.service import Correction, Entry, HoursService
from callroom.rules import ids
from callroom.storage import Database
from tests.integration.hours.conftest import ADA, BEN, COORDINATOR, DIRECTOR, Clock
from tests.integration.hours.world import START

NY = ZoneInfo("America/New_York")


def at(day: int, clock: str) -> datetime:
    hh, mm = (int(x) for x in clock.split(":"))
    return datetime.combine(START + timedelta(days=day), datetime.min.time()).replace(
        hour=hh, minute=mm, tzinfo=NY
    )


def shift(day: int, hours: float, person: str = "ada", clock: str = "07:00", **kw: object) -> Entry:
    start = at(day, clock)
    return Entry(person, start, start + timedelta(hours=hours), **kw)  # type: ignore[arg-type]


def test_a_logged_period_reads_back_in_utc(service: HoursService) -> None:
    stored = service.log(ADA, shift(0, 13))
    [back] = service.periods(ADA, "ada")
    assert back.id == stored.id and back.current.values.start == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert back.current.values.start.tzinfo is not None and back.created_by == "ada"


def test_a_correction_adds_a_revision_and_keeps_the_earlier_value(
    service: HoursService, clock: Clock
) -> None:
    stored = service.log(ADA, shift(0, 12))
    clock.now += timedelta(hours=1)
    service.correct(ADA, stored.id, Correction(end=at(0, "21:30"), note="stayed for a sick patient"))
    history = service.history(DIRECTOR, stored.id)
    assert [r.number for r in history.revisions] == [1, 2]
    assert [r.values.end for r in history.revisions] == [at(0, "19:00"), at(0, "21:30")]
    assert [(r.source, r.changed_by) for r in history.revisions] == [("log", "ada"), ("correction", "ada")]
    assert history.revisions[1].changed_at - history.revisions[0].changed_at == timedelta(hours=1)
    assert service.periods(ADA, "ada")[0].current.values.end == at(0, "21:30")


def test_a_coordinator_correcting_on_a_residents_behalf_is_named_in_the_history(
    service: HoursService,
) -> None:
    stored = service.log(ADA, shift(0, 12))
    service.correct(COORDINATOR, stored.id, Correction(kind=WorkKind.EDUCATION))
    assert [r.changed_by for r in service.history(ADA, stored.id).revisions] == ["ada", "coordinator"]


def test_a_withdrawn_period_leaves_the_hours_but_not_the_history(service: HoursService) -> None:
    stored = service.log(ADA, shift(0, 12))
    service.correct(ADA, stored.id, Correction(withdraw=True, note="logged twice"))
    assert service.periods(ADA, "ada") == []
    assert [r.values.withdrawn for r in service.history(DIRECTOR, stored.id).revisions] == [False, True]


def test_confirming_a_week_logs_its_shifts_as_scheduled_with_the_dst_call_at_23_hours(
    service: HoursService,
) -> None:
    confirmed = service.confirm(ADA, "ada", START)
    values = [p.current.values for p in confirmed.logged]
    assert [(v.shift_id, (v.end - v.start) / timedelta(hours=1)) for v in values if v.end] == [
        ("day", 12.0)
    ] * 5 + [("call", 23.0)]
    assert {p.current.source for p in confirmed.logged} == {"confirm"}


def test_confirming_a_week_twice_saves_nothing_the_second_time(service: HoursService) -> None:
    service.confirm(ADA, "ada", START)
    with pytest.raises(Invalid) as refused:
        service.confirm(ADA, "ada", START)
    assert refused.value.field == "week" and "overlaps hours already logged" in refused.value.message
    assert len(service.periods(ADA, "ada")) == 6


def test_confirming_home_call_logs_the_work_the_program_expects_from_home(service: HoursService) -> None:
    [home] = service.confirm(BEN, "ben", START).logged
    assert home.current.values.kind is WorkKind.FROM_HOME
    assert home.logged().minutes == 120


def test_clock_in_then_out_makes_one_period_of_two_revisions(service: HoursService, clock: Clock) -> None:
    opened = service.clock_in(ADA, "ada", at=clock.now - timedelta(hours=3))
    assert opened.open
    with pytest.raises(Conflict):
        service.clock_in(ADA, "ada")
    closed = service.clock_out(ADA, "ada")
    assert closed.id == opened.id and closed.logged().minutes == 180
    assert [r.source for r in service.history(ADA, opened.id).revisions] == ["clock_in", "clock_out"]
    with pytest.raises(Conflict):
        service.clock_out(ADA, "ada")


@pytest.mark.parametrize(
    ("entry", "field", "fragment"),
    [
        (Entry("ada", at(1, "07:00"), at(1, "06:00")), "end", "is not after the start"),
        (Entry("ada", at(1, "07:00"), at(2, "14:00")), "end", "at most 30 h"),
        (
            Entry("ada", datetime(2026, 4, 15, 8, tzinfo=UTC), datetime(2026, 4, 15, 20, tzinfo=UTC)),
            "end",
            "in the future",
        ),
        (Entry("zed", at(1, "07:00"), at(1, "19:00")), "person", "unknown person"),
        (Entry("ada", at(1, "07:00"), at(1, "19:00"), shift_id="brunch"), "shift", "unknown shift"),
        (Entry("ada", at(0, "18:00"), at(0, "22:00")), "start", "overlaps the logged period"),
    ],
)
def test_bad_periods_are_refused_naming_the_field_and_nothing_is_saved(
    service: HoursService, entry: Entry, field: str, fragment: str
) -> None:
    service.log(ADA, shift(0, 12))
    with pytest.raises(Invalid) as refused:
        service.log(COORDINATOR, entry)
    assert refused.value.field == field and fragment in refused.value.message
    assert len(service.periods(COORDINATOR, "ada")) == 1


def test_refusals_show_times_as_the_hospitals_wall_clock_never_utc(
    service: HoursService, clock: Clock
) -> None:
    service.confirm(ADA, "ada", START)
    with pytest.raises(Invalid) as twice:
        service.confirm(ADA, "ada", START)
    assert "call on Sat 07 Mar 2026: overlaps hours already logged (from 2026-03-07 07:00 EST)" in str(
        twice.value
    )
    with pytest.raises(Invalid) as inside:
        service.clock_in(ADA, "ada", at=at(1, "08:00"))
    assert inside.value.message == (
        "at: 2026-03-03 08:00 EST is inside the logged period 2 "
        "(2026-03-03 07:00 EST to 2026-03-03 19:00 EST)"
    )
    service.clock_in(ADA, "ada", at=clock.now - timedelta(hours=1))
    with pytest.raises(Conflict) as again:
        service.clock_in(ADA, "ada")
    assert (
        again.value.message
        == "Ada Okafor is clocked in since 2026-04-15 07:00 EDT (period 7); clock out first"
    )


def test_a_resident_may_not_log_or_read_anothers_hours(service: HoursService) -> None:
    service.log(ADA, shift(0, 12))
    with pytest.raises(NotAllowed):
        service.log(BEN, shift(1, 12))
    with pytest.raises(NotAllowed):
        service.periods(BEN, "ada")
    with pytest.raises(NotAllowed):
        service.report(BEN)
    assert len(service.periods(DIRECTOR, "ada")) == 1


def test_a_program_director_reads_everything_but_does_not_log_for_residents(service: HoursService) -> None:
    with pytest.raises(NotAllowed):
        service.log(DIRECTOR, shift(1, 12))


def test_a_justification_is_reviewed_and_every_decision_is_kept(service: HoursService, clock: Clock) -> None:
    stored = service.log(ADA, shift(0, 15))
    with pytest.raises(NotAllowed):
        service.justify(BEN, stored.id, Reason.SEVERELY_ILL_PATIENT)
    given = service.justify(ADA, stored.id, Reason.SEVERELY_ILL_PATIENT, "bed 12 bleeding")
    assert given.status == "pending"
    with pytest.raises(NotAllowed):
        service.review(ADA, given.id, Decision.ACCEPTED)
    service.review(DIRECTOR, given.id, Decision.ACCEPTED, "fine")
    clock.now += timedelta(minutes=5)
    final = service.review(DIRECTOR, given.id, Decision.REJECTED, "not a single patient")
    assert final.status == "rejected"
    assert [(r.decision, r.reviewer) for r in final.reviews] == [
        (Decision.ACCEPTED, "pd"),
        (Decision.REJECTED, "pd"),
    ]
    with pytest.raises(NotFound):
        service.review(DIRECTOR, given.id + 99, Decision.ACCEPTED)


def test_the_report_finds_a_29_hour_call_with_its_citation_and_the_hours_over_schedule(
    service: HoursService,
) -> None:
    service.confirm(ADA, "ada", START)
    service.log(ADA, shift(12, 29, shift_id="call", post_id="ward"))  # Saturday 14th, week 2's call
    report = service.report(DIRECTOR, blocks=[1])
    [block] = report.blocks
    continuous = [v for v in block.violations if v.rule == ids.CONTINUOUS_HOURS]
    assert [(v.person_id, v.measured) for v in continuous] == [("ada", 29.0)]
    assert "VI.F.3.a" in continuous[0].rule.cited
    weeks = {(w.person_id, w.week_start): w for w in report.weeks}
    assert weeks["ada", START].worked_minutes == (5 * 12 + 23) * 60
    assert weeks["ada", START].scheduled_minutes == (5 * 12 + 23) * 60
    assert weeks["ada", date(2026, 3, 9)].worked_minutes == 29 * 60


def test_a_resident_reads_their_own_report_only(service: HoursService) -> None:
    service.log(ADA, shift(0, 12))
    report = service.report(ADA, "ada")
    assert {w.person_id for w in report.weeks} == {"ada"}


def test_the_whatif_uses_the_hours_already_logged(service: HoursService) -> None:
    for day in range(0, 19):  # 19 days of 17 hours (323 h) instead of the roster's days and calls
        if day % 7 != 6:
            service.log(ADA, shift(day, 17))
    answer = service.whatif(DIRECTOR, "ada", "2026-03-24:call")
    weekly = [f for f in answer.findings if f.violation.rule == ids.WEEKLY_HOURS]
    assert weekly and weekly[0].when == "over the block" and (weekly[0].violation.measured or 0) > 80
    with pytest.raises(Invalid) as refused:
        service.whatif(DIRECTOR, "ada", "2026-03-24:brunch")
    assert refused.value.field == "take"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE work_periods SET person_id = 'ben'",
        "DELETE FROM work_periods",
        "UPDATE work_period_revisions SET ends_at = starts_at",
        "DELETE FROM work_period_revisions",
        "UPDATE hours_justifications SET note = 'nothing'",
        "DELETE FROM hours_justifications",
        "UPDATE hours_reviews SET decision = 'accepted'",
        "DELETE FROM hours_reviews",
    ],
)
def test_the_database_refuses_to_rewrite_the_history(
    service: HoursService, world: Database, statement: str
) -> None:
    stored = service.log(ADA, shift(0, 15))
    given = service.justify(ADA, stored.id, Reason.EDUCATIONAL_EVENT)
    service.review(DIRECTOR, given.id, Decision.REJECTED, "not unique")
    with (
        pytest.raises(IntegrityError, match="refused: logged hours and their history are append-only"),
        world.engine.begin() as connection,
    ):
        connection.execute(text(statement))
    assert service.history(DIRECTOR, stored.id).revisions[0].values.end == at(0, "22:00")


REVISION = (
    "id, period_id, number, starts_at, {}, kind, shift_id, post_id, withdrawn, source, note, "
    "changed_by, changed_at"
)
AGAIN = "INSERT {} INTO work_period_revisions ({}) SELECT {} FROM work_period_revisions WHERE true {}"
ENDS_12_HOURS_IN = {  # every stored revision again, under its own key, but ending 12 hours in
    "sqlite": AGAIN.format(
        "OR REPLACE", REVISION.format("ends_at"), REVISION.format("datetime(starts_at, '+12 hours')"), ""
    ),
    "postgresql": AGAIN.format(
        "",
        REVISION.format("ends_at"),
        REVISION.format("starts_at + interval '12 hours'"),
        "ON CONFLICT (id) DO UPDATE SET ends_at = excluded.ends_at",
    ),
}


def test_a_logged_24_hour_call_cannot_be_replaced_by_12_hours(service: HoursService, world: Database) -> None:
    stored = service.log(ADA, shift(12, 24, shift_id="call", post_id="ward"))
    with (
        pytest.raises(IntegrityError, match="work_period_revisions refused"),
        world.engine.begin() as connection,
    ):
        connection.execute(text(ENDS_12_HOURS_IN[world.engine.dialect.name]))
    [revision] = service.history(DIRECTOR, stored.id).revisions
    assert (revision.values.start, revision.values.end) == (at(12, "07:00"), at(13, "07:00"))
    assert service.periods(ADA, "ada")[0].current.values.end == at(13, "07:00")


def test_an_open_period_can_be_corrected_but_not_into_the_future(service: HoursService, clock: Clock) -> None:
    opened = service.clock_in(ADA, "ada", at=clock.now - timedelta(hours=2))
    earlier = Correction(start=clock.now - timedelta(hours=3), note="came earlier")
    moved = service.correct(ADA, opened.id, earlier)
    assert moved.open and moved.current.values.start == clock.now - timedelta(hours=3)
    with pytest.raises(Invalid) as refused:
        service.correct(ADA, opened.id, Correction(start=clock.now + timedelta(hours=1), note="typo"))
    assert refused.value.field == "at" and "in the future" in refused.value.message
    assert len(service.history(ADA, opened.id).revisions) == 2


def test_the_printable_report_escapes_what_residents_typed(service: HoursService) -> None:
    from callroom.hours.report import csv_text, html_page

    stored = service.log(ADA, shift(0, 15))
    service.justify(ADA, stored.id, Reason.HUMANISTIC_ATTENTION, "<script>alert('x')</script>")
    report = service.report(DIRECTOR, blocks=[1])
    page = html_page(report)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "justification,,,,ada,Ada Okafor" in csv_text(report)


@pytest.mark.parametrize(("blocks", "fragment"), [([0], "start at 1"), (list(range(1, 15)), "at most 13")])
def test_a_report_of_impossible_or_too_many_blocks_is_refused(
    service: HoursService, blocks: list[int], fragment: str
) -> None:
    with pytest.raises(Invalid) as refused:
        service.report(DIRECTOR, blocks=blocks)
    assert refused.value.field == "block" and fragment in refused.value.message


def test_a_report_covers_every_block_with_logged_hours_up_to_the_latest(service: HoursService) -> None:
    service.log(ADA, shift(30, 12))  # block 2 (the 28 days after the program's own block)
    assert [b.number for b in service.report(DIRECTOR).blocks] == [1, 2]


def test_a_report_of_block_2_shows_the_weeks_of_block_2(service: HoursService) -> None:
    service.log(ADA, shift(0, 12))  # block 1
    service.log(ADA, shift(29, 13))  # Tuesday of block 2's first week
    weeks = service.report(DIRECTOR, "ada", [2]).weeks
    assert [(w.week_start, w.worked_minutes, w.scheduled_minutes) for w in weeks] == [
        (date(2026, 3, 30), 13 * 60, 0),
        (date(2026, 4, 6), 0, 0),
        (date(2026, 4, 13), 0, 0),
        (date(2026, 4, 20), 0, 0),
    ]
    both = service.report(DIRECTOR, "ada", [2, 1]).weeks
    assert [w.week_start for w in both] == [START + timedelta(days=7 * week) for week in range(8)]
    assert (both[0].worked_minutes, both[0].scheduled_minutes) == (12 * 60, (5 * 12 + 23) * 60)
    assert service.report(DIRECTOR, "ada").weeks[0].week_start == START  # none asked: block 1


def test_a_report_on_a_named_attending_shows_their_weeks(service: HoursService) -> None:
    service.log(COORDINATOR, shift(0, 10, person="dora"))
    weeks = service.report(DIRECTOR, "dora").weeks
    assert [(w.person_id, w.worked_minutes) for w in weeks][:1] == [("dora", 600)]
    assert service.report(DIRECTOR, "dora").blocks[0].violations == ()
