"""The chief's cell edit: what a cell would become, and what the rules say about it.

Every answer about rules comes from `callroom.rules.change.impact`, the same checks a solve is
held to (the touched person's rules over the whole block, and cover for everyone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.errors import Conflict, Invalid, NotFound
from callroom.rules.change import Change, Impact
from callroom.rules.ids import COVER_MINIMUM, COVER_UNDER
from callroom.rules.violations import Violation

STALE = "the roster changed since this edit was made: reload it and edit again"


class StaleVersion(Conflict):
    """Another version was saved after the one the edit was made against; nothing was saved."""

    def __init__(self, live_number: int) -> None:
        super().__init__("base_version", f"{STALE} (the live roster is version {live_number})")


class HardRulesBroken(Conflict):
    """Saving would break hard rules; each is a detail, with its numbers. A chief may save it
    anyway with `force` and a reason."""

    def __init__(self, violations: tuple[Violation, ...]) -> None:
        rules = ", ".join(sorted({v.rule.code for v in violations}))
        super().__init__(
            "force",
            f"the edit would break {rules}; a chief may save it anyway with force and a reason",
            [v.detail for v in violations],
        )
        self.violations = violations


@dataclass(frozen=True)
class CellEdit:
    """Set one cell of the live roster: the person works `shift_id` on `post_id` that day, or
    nothing (both None). `base_version` is the number of the version the edit was made against;
    `force` with a `reason` saves it even if it breaks hard rules."""

    person_id: str
    day: date
    post_id: str | None
    shift_id: str | None
    base_version: int
    force: bool = False
    reason: str = ""


@dataclass(frozen=True)
class EditCheck:
    """What the edit changes, and what the rules say about it."""

    change: Change
    impact: Impact

    @property
    def cover_gaps(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.impact.introduced if v.rule in (COVER_MINIMUM, COVER_UNDER))

    @property
    def rule_breaks(self) -> tuple[Violation, ...]:
        """The introduced violations other than cover, hard ones first."""
        return tuple(v for v in self.impact.introduced if v.rule not in (COVER_MINIMUM, COVER_UNDER))


def change_for(program: Program, roster: Roster, edit: CellEdit) -> Change:
    """The change that sets the edited cell; Invalid or NotFound naming the field it cannot use."""
    person = program.person.get(edit.person_id)
    if person is None:
        raise NotFound("person_id", f"no person {edit.person_id!r} in the program")
    if edit.day not in program.block:
        raise Invalid(
            "day", f"{edit.day} is outside the block ({program.block.start} for {program.block.days} days)"
        )
    current = roster.on(person.id, edit.day)
    new = _new_assignment(program, edit)
    if new == current:
        raise Invalid("shift_id", "the cell already holds that: nothing to change")
    return Change(removed=() if current is None else (current,), added=() if new is None else (new,))


def _new_assignment(program: Program, edit: CellEdit) -> Assignment | None:
    if edit.shift_id is None and edit.post_id is None:
        return None
    if edit.shift_id is None or edit.post_id is None:
        missing = "shift_id" if edit.shift_id is None else "post_id"
        raise Invalid(missing, "give both shift_id and post_id, or neither (the person is off)")
    post = program.post.get(edit.post_id)
    if post is None:
        raise Invalid("post_id", f"no post {edit.post_id!r} in the program")
    if edit.shift_id not in post.shift_ids:
        raise Invalid("shift_id", f"post {post.id} runs {', '.join(post.shift_ids)}, not {edit.shift_id!r}")
    return Assignment(edit.person_id, edit.day, edit.shift_id, edit.post_id)
