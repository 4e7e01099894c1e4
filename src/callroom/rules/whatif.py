"""What-if: would a person break a rule by taking one more shift, now or later in the block?

The roster answer comes from `change.compare`, as `change.impact` would give it (the same
checkers as `check_all`, on the touched person and cover), for the roster with the shift added
on top of whatever the person works that day. When the person has logged hours in the block,
the duty-hour rules are asked again on their hours as worked: logged periods replace the
schedule for every day up to the last day they logged (days in between without a period were
days off), and the roster supplies the rest of the block, so "84.5 h/week averaged over the
block" includes the 12 hours they really stayed last Tuesday.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from callroom.accounts.principal import Principal
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.domain.timeline import Timeline
from callroom.domain.worklog import LoggedPeriod
from callroom.errors import Invalid
from callroom.rules.change import Impact, compare
from callroom.rules.context import CheckContext, Work
from callroom.rules.ids import Severity
from callroom.rules.privacy import HIDDEN, as_seen_by, seen_by
from callroom.rules.violations import Violation
from callroom.rules.worked import BLOCK_CHECKS, home_call_markers, is_acgme, local_day, place, placed_context


@dataclass(frozen=True)
class Finding:
    """One violation the shift would introduce, and when it bites."""

    violation: Violation
    when: str  # "with this shift", "later in the block" or "over the block"

    @property
    def text(self) -> str:
        return f"{self.violation.rule.cited}: {self.violation.message} ({self.when})"


@dataclass(frozen=True)
class WhatIf:
    take: Assignment
    findings: tuple[Finding, ...]
    resolved: tuple[Violation, ...]
    logged_through: date | None  # the last day whose hours come from the log, not the roster

    def seen_by(self, reader: Principal, program: Program) -> WhatIf:
        """The answer as `reader` may see it (`rules.privacy`): a declared conflict of someone
        else's is one finding of "a confidential rule"; the chief sees its reason."""
        findings: list[Finding] = []
        for finding in self.findings:
            seen = seen_by(finding.violation, reader, program)
            if seen is not HIDDEN or all(f.violation is not HIDDEN for f in findings):
                findings.append(Finding(seen, finding.when))
        return replace(self, findings=tuple(findings), resolved=as_seen_by(self.resolved, reader, program))

    @property
    def hard(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.violation.rule.severity is Severity.HARD)

    @property
    def acceptable(self) -> bool:
        return not self.hard


def parse_take(program: Program, person_id: str, text: str) -> Assignment:
    """`DATE:SHIFT[:POST]`; the post defaults to the only eligible post running that shift.
    Invalid names the part that is wrong."""
    person = program.person.get(person_id)
    if person is None:
        raise Invalid("person", f"unknown person {person_id!r}")
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise Invalid("take", f"{text!r}: expected DATE:SHIFT or DATE:SHIFT:POST")
    try:
        day = date.fromisoformat(parts[0])
    except ValueError:
        raise Invalid("take", f"{parts[0]!r} is not a date (YYYY-MM-DD)") from None
    if parts[1] not in program.shift:
        raise Invalid("take", f"unknown shift {parts[1]!r}; shifts: {', '.join(sorted(program.shift))}")
    post_id = parts[2] if len(parts) == 3 else _only_post(program, person_id, parts[1])
    if post_id not in program.post:
        raise Invalid("take", f"unknown post {post_id!r}")
    if day not in program.block:
        raise Invalid("take", f"{day} is outside the block {program.block.start}..{program.block.end}")
    return Assignment(person_id, day, parts[1], post_id)


def _only_post(program: Program, person_id: str, shift_id: str) -> str:
    person = program.person[person_id]
    posts = [post for post, shift in program.options(person) if shift == shift_id]
    if len(posts) != 1:
        raise Invalid(
            "take", f"name the post: {person.name} may work {shift_id} on {', '.join(posts) or 'no post'}"
        )
    return posts[0]


def whatif(program: Program, roster: Roster, take: Assignment, logged: Sequence[LoggedPeriod] = ()) -> WhatIf:
    """What taking `take` would do. `logged` is the person's logged periods (any block)."""
    mine = [p for p in logged if p.person_id == take.person_id]
    # One more shift on top of whatever they work that day, that very shift included: a what-if
    # writes nothing, so a second shift that day is reported (one shift a day), never merged.
    answer = compare(program, roster, Roster.of((*roster.assignments, take)), (take.person_id,))
    through = logged_through(program, mine)
    if through is None:
        return _answer(take, answer.introduced, answer.resolved, None)
    if take.day <= through:
        raise Invalid(
            "take",
            f"{take.day} is already logged (hours logged through {through}); "
            "a what-if is about shifts still to come",
        )
    introduced, resolved = _worked_difference(program, roster, answer, mine, through)
    return _answer(take, introduced, resolved, through)


def _worked_difference(
    program: Program, roster: Roster, answer: Impact, mine: list[LoggedPeriod], through: date
) -> tuple[list[Violation], list[Violation]]:
    """The impact's answer with its duty-hour part asked again on logged plus scheduled work."""
    person = frozenset(p.person_id for p in mine)
    before = _mixed_checks(program, roster, mine, through, person)
    after = _mixed_checks(program, answer.after, mine, through, person)
    keep = [v for v in answer.introduced if not is_acgme(v)]
    gone = [v for v in answer.resolved if not is_acgme(v)]
    before_set, after_set = set(before), set(after)
    return keep + [v for v in after if v not in before_set], gone + [v for v in before if v not in after_set]


def _mixed_checks(
    program: Program, roster: Roster, mine: list[LoggedPeriod], through: date, scope: frozenset[str]
) -> list[Violation]:
    scheduled = CheckContext(program, roster, scope)
    timeline = scheduled.timeline
    placed: dict[str, list[Work]] = {}
    for pid in scope:
        later = [w for w in scheduled.work[pid] if w.assignment.day > through]
        logged = [w for w in (place(timeline, p) for p in mine) if w is not None]
        markers = [w for w in home_call_markers(scheduled, pid) if w.assignment.day <= through]
        placed[pid] = later + logged + markers
    ctx = placed_context(program, placed, scope)
    return [v for check in BLOCK_CHECKS for v in check(ctx)]


def logged_through(program: Program, periods: Iterable[LoggedPeriod]) -> date | None:
    """The last block day on which one of the periods starts; None when none is in the block."""
    timeline = Timeline(program)
    days = [d for d in (local_day(timeline, p) for p in periods) if d in program.block]
    return max(days, default=None)


def _answer(
    take: Assignment, introduced: Iterable[Violation], resolved: Iterable[Violation], through: date | None
) -> WhatIf:
    findings = tuple(Finding(v, _when(v, take)) for v in _ordered(introduced))
    return WhatIf(take, findings, tuple(resolved), through)


def _when(violation: Violation, take: Assignment) -> str:
    if violation.day is None:
        return "over the block"
    return "later in the block" if violation.day > take.day else "with this shift"


_ORDER = {Severity.HARD: 0, Severity.ADVISORY: 1, Severity.WARNING: 2, Severity.SOFT: 3}


def _ordered(found: Iterable[Violation]) -> list[Violation]:
    return sorted(found, key=lambda v: (_ORDER[v.rule.severity], v.rule.code, v.day or date.min))
