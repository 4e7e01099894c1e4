"""What an edit to a roster would do to the rules, before anyone saves it.

One answer for every front end that changes a published roster: the chief's cell edit in the web
grid, a swap between two residents, an open shift offered to a colleague, a sick-call repair and
the duty-hours what-if. A `Change` removes and adds assignments; `impact` runs the same checkers
as `check_all` on the people it touches (and cover for everyone), before and after, and reports
the violations the change would introduce and the ones it would resolve.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import Conflict, Invalid
from callroom.rules.check import ALL_CHECKS
from callroom.rules.context import CheckContext
from callroom.rules.ids import Severity
from callroom.rules.violations import Violation


class DoesNotApply(Conflict):
    """The change does not fit its roster: it removes an assignment the roster does not hold
    (the roster moved on), or it adds one for a person who, after the removals, already works
    that day. `assignment` is the one at fault: the missing one, or the one already held."""

    def __init__(self, field: str, message: str, assignment: Assignment) -> None:
        super().__init__(field, message)
        self.assignment = assignment


@dataclass(frozen=True)
class Change:
    """Assignments to take off the roster, then assignments to put on it."""

    removed: tuple[Assignment, ...] = ()
    added: tuple[Assignment, ...] = ()

    @property
    def people(self) -> frozenset[str]:
        return frozenset(a.person_id for a in (*self.removed, *self.added))

    @property
    def days(self) -> frozenset[date]:
        return frozenset(a.day for a in (*self.removed, *self.added))

    def apply(self, roster: Roster, program: Program | None = None) -> Roster:
        """The roster after the change. DoesNotApply when a removed assignment is not on it, or
        when an added one would give its person a second shift on a day they still work after
        the removals: the roster is a set, so the same shift added twice would silently merge
        and a shift would be lost. `program`, when given, only names things in the message."""
        current = set(roster.assignments)
        for gone in self.removed:
            if gone not in current:
                raise DoesNotApply("removed", f"{_said(program, gone, 'does not work')} in this roster", gone)
            current.discard(gone)
        placed: dict[tuple[str, date], Assignment] = {}
        for new in self.added:
            held = placed.get((new.person_id, new.day)) or next(
                (a for a in roster.for_person(new.person_id) if a.day == new.day and a in current), None
            )
            if held is not None:
                raise DoesNotApply("added", _said(program, held, "already works"), held)
            placed[(new.person_id, new.day)] = new
        return Roster.of(current | set(self.added))


@dataclass(frozen=True)
class Impact:
    """The violations a change would cause and those it would clear, hard ones first."""

    introduced: tuple[Violation, ...]
    resolved: tuple[Violation, ...]
    after: Roster = field(repr=False)

    @property
    def hard(self) -> tuple[Violation, ...]:
        """What would make the change unacceptable."""
        return tuple(v for v in self.introduced if v.rule.severity is Severity.HARD)

    @property
    def acceptable(self) -> bool:
        return not self.hard


def check_people(program: Program, roster: Roster, people: Iterable[str]) -> list[Violation]:
    """Every violation of the named people's own rules, and every cover violation."""
    ctx = CheckContext(program, roster, scope=frozenset(people))
    return [violation for check in ALL_CHECKS for violation in check(ctx)]


def impact(program: Program, roster: Roster, change: Change) -> Impact:
    """Check the touched people and cover before and after the change (DoesNotApply when it
    does not fit the roster: see `Change.apply`).

    A violation that only changes its numbers (82 h becomes 86 h) counts as introduced with the
    new numbers and resolved with the old, so the answer always quotes what the edit leads to.
    """
    return compare(program, roster, change.apply(roster, program), change.people)


def compare(program: Program, roster: Roster, after: Roster, people: Iterable[str]) -> Impact:
    """`impact` for a roster `after` made some other way than by applying a change (a what-if
    stacking one more shift on a day), checking the named people and cover."""
    people = frozenset(people)
    before_found = check_people(program, roster, people)
    after_found = check_people(program, after, people)
    before_set, after_set = set(before_found), set(after_found)
    return Impact(
        introduced=_hard_first(v for v in after_found if v not in before_set),
        resolved=_hard_first(v for v in before_found if v not in after_set),
        after=after,
    )


def swap(first: Assignment, second: Assignment) -> Change:
    """Two people trade shifts: each takes the other's shift, post and day."""
    if first.person_id == second.person_id:
        raise Invalid("second", "a swap needs two different people")
    return Change(
        removed=(first, second),
        added=(
            Assignment(second.person_id, first.day, first.shift_id, first.post_id),
            Assignment(first.person_id, second.day, second.shift_id, second.post_id),
        ),
    )


def give_away(assignment: Assignment, to_person: str) -> Change:
    """One person's shift handed to another (an offered shift accepted, a cover)."""
    return Change(
        removed=(assignment,),
        added=(Assignment(to_person, assignment.day, assignment.shift_id, assignment.post_id),),
    )


def _said(program: Program | None, held: Assignment, verb: str) -> str:
    """ "Hana Takeda already works Night on Night cover on Wed 10 Mar" (ids without a program)."""
    if program is None:
        return f"{held.person_id} {verb} {held.shift_id} on {held.post_id} on {held.day}"
    person, shift, post = (
        program.person.get(held.person_id),
        program.shift.get(held.shift_id),
        program.post.get(held.post_id),
    )
    return (
        f"{person.name if person else held.person_id} {verb} {shift.name if shift else held.shift_id} "
        f"on {post.name if post else held.post_id} on {held.day:%a %d %b}"
    )


_ORDER = {Severity.HARD: 0, Severity.ADVISORY: 1, Severity.WARNING: 2, Severity.SOFT: 3}


def _hard_first(found: Iterable[Violation]) -> tuple[Violation, ...]:
    return tuple(
        sorted(
            found, key=lambda v: (_ORDER[v.rule.severity], v.rule.code, v.person_id or "", v.day or date.min)
        )
    )
