"""Declared conflicts are private: the chief reads them with their reason, a member of the pair
as the checker wrote them, and anyone else only that a confidential rule forbids the change."""

from __future__ import annotations

from callroom.accounts.roles import Role
from callroom.domain.program import Conflict
from callroom.domain.roster import Assignment
from callroom.rules import ids
from callroom.rules.change import Change, impact
from callroom.rules.privacy import CONFIDENTIAL, HIDDEN, as_seen_by
from callroom.rules.violations import Violation
from tests import factories as f
from tests.principals import CHIEF, DIRECTOR, person

REASON = "Married in June"
PROGRAM = f.program(
    [f.person(p) for p in ("ada", "bob", "cyd", "dan")],
    days=7,
    conflicts=[Conflict("ada", "bob", REASON), Conflict("cyd", "dan", "A complaint")],
)
ROSTER = f.roster(("ada", 0, "day"), ("cyd", 0, "day"))
COVER_GAP = Violation(ids.COVER_MINIMUM, "Ward day short", day=f.day(0))


def _found() -> tuple[Violation, ...]:
    """Bob and Dan join Ada and Cyd on the ward: two conflicts, each between two others."""
    joining = (Assignment("bob", f.day(0), "day", "ward"), Assignment("dan", f.day(0), "day", "ward"))
    found = impact(PROGRAM, ROSTER, Change(added=joining)).hard
    assert [v.rule for v in found] == [ids.CONFLICT, ids.CONFLICT]
    return found


def test_the_checker_marks_a_conflict_violation_with_its_pair() -> None:
    assert [v.pair for v in _found()] == [("ada", "bob"), ("cyd", "dan")]


def test_someone_outside_every_pair_reads_one_confidential_rule_naming_no_one() -> None:
    seen = as_seen_by((COVER_GAP, *_found()), person("eve"), PROGRAM)

    assert seen == (COVER_GAP, HIDDEN)
    assert HIDDEN.rule is CONFIDENTIAL and HIDDEN.person_id is None and HIDDEN.day is None
    assert not any(name in str(HIDDEN) for name in ("Ada", "Bob", "conflict", REASON))


def test_a_member_of_a_pair_reads_their_own_conflict_as_written_and_not_the_others() -> None:
    found = _found()

    assert as_seen_by(found, person("bob"), PROGRAM) == (found[0], HIDDEN)
    assert REASON not in found[0].message and "Ada" in found[0].message


def test_the_chief_reads_each_conflict_with_the_reason_the_program_gives() -> None:
    seen = as_seen_by(_found(), CHIEF, PROGRAM)

    assert [v.message.rsplit(": ", 1)[1] for v in seen] == [REASON, "A complaint"]
    assert seen[0].message.startswith("Ada and Bob share the gs team")


def test_a_program_director_and_a_text_for_everyone_read_only_the_confidential_rule() -> None:
    assert DIRECTOR.role is Role.PROGRAM_DIRECTOR
    assert as_seen_by(_found(), DIRECTOR, PROGRAM) == (HIDDEN,)
    assert as_seen_by(_found(), None, PROGRAM) == (HIDDEN,)


def test_violations_of_other_rules_pass_unchanged_for_anyone() -> None:
    assert as_seen_by((COVER_GAP,), None, PROGRAM) == (COVER_GAP,)
