"""The seam between two blocks: rules that carry across a boundary judged with the history.

Each case is a block (from Monday 2026-06-01, no DST change) whose program looks back on the
days before it (`Program.history`). The checkers must report the breach at the seam, the model
must refuse it for the same reason (`assert_model_agrees`), and the same block without its
history must pass: the history is what breaks it. Averaged rules count the block's days only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from callroom.domain.program import AcgmeLimits, Conflict, History, PersonLimits, Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import check_all, hard_violations
from callroom.rules.penalties import score
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
EARLY = f.shift_type("early", "06:00", 10)
LATE = f.shift_type("late", "20:00", 8)
SHIFTS = (*f.STANDARD_SHIFTS, EARLY, LATE)


def _program(
    *people: str,
    days: int = 7,
    limits: PersonLimits = PersonLimits(),
    acgme: AcgmeLimits = AcgmeLimits(),
    rules: bool = True,
    forbidden: Iterable[tuple[str, str]] = (),
    conflicts: Iterable[Conflict] = (),
) -> Program:
    every = [s.id for s in SHIFTS]
    return f.program(
        [f.person(p, limits=limits) for p in people or ("ada",)],
        shifts=SHIFTS,
        posts=[f.post("ward", every)],
        start=JUNE,
        days=days,
        acgme=rules,
        limits=acgme,
        forbidden=forbidden,
        conflicts=conflicts,
    )


def _history(*rows: tuple[str, int, str] | tuple[str, int, str, str], days: int = 7) -> History:
    """The `days` before the block, with rows of (person, day (-1 is the eve), shift) on the ward."""
    return History(f.day(-days, JUNE), f.roster(*rows, start=JUNE).assignments)


def _codes(program: Program, roster: Roster) -> set[str]:
    return {v.rule.code for v in hard_violations(program, roster)}


def _breaks_only_at_the_seam(program: Program, history: History, roster: Roster, rule: ids.RuleId) -> None:
    assert rule.code not in _codes(program, roster), "the block alone must pass"
    joined = program.with_history(history)
    assert rule.code in _codes(joined, roster)
    assert_model_agrees(joined, roster)


def test_a_call_on_the_eve_then_a_call_on_the_first_day_is_48_hours_continuous() -> None:
    program = _program()
    roster = f.roster(("ada", 0, "call"), start=JUNE)
    _breaks_only_at_the_seam(program, _history(("ada", -1, "call")), roster, ids.CONTINUOUS_HOURS)


def test_a_call_on_the_eve_then_a_day_shift_on_the_first_day_is_36_hours_continuous() -> None:
    program = _program()
    roster = f.roster(("ada", 0, "day"), start=JUNE)
    _breaks_only_at_the_seam(program, _history(("ada", -1, "call")), roster, ids.CONTINUOUS_HOURS)


def test_thirteen_hours_off_after_a_call_that_ended_the_last_block_is_too_little_rest() -> None:
    program = _program()
    roster = f.roster(("ada", 0, "late"), start=JUNE)  # the call ends 07:00, this starts 20:00
    _breaks_only_at_the_seam(program, _history(("ada", -1, "call")), roster, ids.REST_AFTER_CALL)


def test_a_run_of_working_days_is_counted_across_the_seam() -> None:
    program = _program(limits=PersonLimits(max_consecutive_work=5), rules=False)
    history = _history(*f.every("ada", "day", range(-3, 0)))
    roster = f.roster(*f.every("ada", "day", range(3)), start=JUNE)  # six days in a row
    _breaks_only_at_the_seam(program, history, roster, ids.MAX_CONSECUTIVE)


def test_a_single_day_off_on_the_eve_is_too_short_when_the_block_starts_with_work() -> None:
    program = _program(limits=PersonLimits(min_consecutive_off=2), rules=False)
    roster = f.roster(("ada", 0, "day"), start=JUNE)
    _breaks_only_at_the_seam(program, _history(("ada", -2, "day")), roster, ids.MIN_DAYS_OFF)


def test_a_night_on_the_eve_leaves_the_first_day_of_the_block_short_of_a_free_day() -> None:
    # Early shifts (06:00) every day from day 1: the only free stretch is day 0, which the night
    # before the block fills until 07:00: 23 hours free, not 24.
    program = _program()
    roster = f.roster(*f.every("ada", "early", range(1, 7)), start=JUNE)
    _breaks_only_at_the_seam(program, _history(("ada", -1, "night")), roster, ids.FREE_DAYS)


def test_nights_in_a_row_are_counted_across_the_seam() -> None:
    program = _program(acgme=AcgmeLimits(night_float_max_nights=4))
    history = _history(*f.every("ada", "night", (-2, -1)))
    roster = f.roster(*f.every("ada", "night", range(3)), start=JUNE)
    _breaks_only_at_the_seam(program, history, roster, ids.NIGHT_FLOAT)


def test_a_forbidden_succession_holds_from_the_eve_to_the_first_day() -> None:
    program = _program(rules=False, forbidden=[("night", "day")])
    roster = f.roster(("ada", 0, "day"), start=JUNE)
    _breaks_only_at_the_seam(program, _history(("ada", -1, "night")), roster, ids.SUCCESSION)


def test_a_shift_may_not_start_before_the_call_it_follows_has_ended() -> None:
    program = _program(rules=False)
    roster = f.roster(("ada", 0, "early"), start=JUNE)  # 06:00, the call runs to 07:00
    _breaks_only_at_the_seam(program, _history(("ada", -1, "call")), roster, ids.OVERLAP)


def test_a_declared_conflict_holds_against_a_night_that_began_before_the_block() -> None:
    program = _program("ada", "bob", rules=False, conflicts=[Conflict("ada", "bob", "married")])
    roster = f.roster(("bob", 0, "early"), start=JUNE)  # Ada's night runs to 07:00 on the ward
    _breaks_only_at_the_seam(program, _history(("ada", -1, "night")), roster, ids.CONFLICT)


def test_short_rest_after_the_eve_is_scored_as_the_model_scores_it() -> None:
    program = _program().with_history(_history(("ada", -1, "day")))  # ends 19:00 on the eve
    roster = f.roster(("ada", 0, "early"), start=JUNE)  # 11 hours later: fine
    late_eve = _program().with_history(_history(("ada", -1, "late")))  # ends 04:00 on day 0
    short = f.roster(("ada", 0, "late"), start=JUNE)  # 16 hours later: fine too
    advisory = _program().with_history(_history(("ada", -1, "night")))  # ends 07:00 on day 0
    soon = f.roster(("ada", 0, "early"), start=JUNE)  # overlaps: not the advisory's case
    assert not any(v.rule == ids.SHORT_REST for v in check_all(program, roster))
    assert_model_agrees(program, roster)
    assert_model_agrees(late_eve, short)
    assert ids.OVERLAP.code in _codes(advisory, soon)
    eve_day = _program().with_history(_history(("ada", -1, "late")))
    after = f.roster(("ada", 0, "day"), start=JUNE)  # 04:00 to 07:00: three hours off
    assert any(v.rule == ids.SHORT_REST for v in check_all(eve_day, after))
    assert score(eve_day, after).total > score(_program(), after).total
    assert_model_agrees(eve_day, after)


def test_averaged_limits_count_only_the_block_days() -> None:
    # Six calls in the days before the block do not count against this block's call nights.
    history = _history(*f.every("ada", "call", range(-12, 0, 2)), days=12)
    program = _program(days=9).with_history(history)
    roster = f.roster(*f.every("ada", "call", (1, 4, 7)), start=JUNE)
    assert ids.CALL_FREQUENCY.code not in _codes(program, roster)
    assert ids.WEEKLY_HOURS.code not in _codes(program, roster)
    assert_model_agrees(program, roster)
