"""Who may be offered an open shift: only people the rules let take it, now or later in the block.

Pure: the same `impact` check every front end uses (the touched person's rules over the whole
block, and cover for everyone), so an offer never reaches someone who would break a hard rule.
"""

from __future__ import annotations

from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.rules.change import Change, impact


def take_change(slot: Assignment, taker: str, holder: str | None) -> Change:
    """The roster change of `taker` taking `slot` (from `holder`, when someone holds it)."""
    added = (Assignment(taker, slot.day, slot.shift_id, slot.post_id),)
    if holder is None:
        return Change(added=added)
    return Change(removed=(Assignment(holder, slot.day, slot.shift_id, slot.post_id),), added=added)


def candidates(program: Program, roster: Roster, slot: Assignment, holder: str | None) -> list[str]:
    """Everyone who could take the slot without breaking a hard rule, in program order.

    Cheap filters first (eligibility for the post and shift, free that day), then `impact`.
    """
    found = []
    for person in program.people:
        if person.id == holder or not program.may_work(person, slot.post_id, slot.shift_id, slot.day):
            continue
        if person.unavailable(slot.day) or roster.on(person.id, slot.day) is not None:
            continue
        if impact(program, roster, take_change(slot, person.id, holder)).acceptable:
            found.append(person.id)
    return found
