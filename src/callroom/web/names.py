"""Names for what the stored records hold as ids: people, posts, shifts, page targets, roles.

Pages, their timelines and the admin tables store identities (`ada`, `post:gs-night/senior`,
`program_director`); a user reads names. `Names` is made from the live program once per page
and used by its template; an id the program does not know (an account not on the schedule, a
post since removed) is shown as stored, so nothing is hidden.
"""

from __future__ import annotations

from callroom.domain.paging import EventKind, Target, TargetKind
from callroom.domain.program import Program
from callroom.web.session import ROLE_LABELS

SYSTEM = "callroom:"  # the prefix of the senders callroom itself pages as (changes, hours)
BY_WORKERS = frozenset(
    kind.value
    for kind in (
        EventKind.DELIVERY,
        EventKind.CANCELLED,
        EventKind.LEASE_EXPIRED,
        EventKind.ESCALATED,
        EventKind.SKIPPED,
        EventKind.FALLBACK,
    )
)


class Names:
    def __init__(self, program: Program | None) -> None:
        self._program = program

    def person(self, identity: str | None) -> str:
        """A person's name; callroom's own notices are from "callroom"."""
        if not identity:
            return ""
        if identity.startswith(SYSTEM):
            return "callroom"
        found = self._program.person.get(identity) if self._program else None
        return found.name if found else identity

    def actor(self, kind: str, identity: str) -> str:
        """Who did a page event: deliveries and escalations are a worker's (named by its process,
        `serve-696`), which a reader knows as callroom itself."""
        known = self._program is not None and identity in self._program.person
        return "callroom" if kind in BY_WORKERS and not known else self.person(identity)

    def post(self, post_id: str) -> str:
        found = self._program.post.get(post_id) if self._program else None
        return found.name if found else post_id

    def post_or_group(self, key: str) -> str:
        """What an escalation policy is for: a post, or a paging group (the code team)."""
        group = self._program.paging.groups.get(key) if self._program else None
        return group.name if group else self.post(key)

    def shift(self, shift_id: str) -> str:
        found = self._program.shift.get(shift_id) if self._program else None
        return found.name if found else shift_id

    def role(self, value: str) -> str:
        return ROLE_LABELS.get(value, value)

    def target(self, target: str | Target) -> str:
        """Whom a page was for, in words: "GS Night (senior)", "Ada Quint", "the operators"."""
        try:
            parsed = target if isinstance(target, Target) else Target.parse(target)
        except ValueError:
            return str(target)
        kind = parsed.kind
        if kind is TargetKind.OPERATORS:
            return "the operators"
        if kind is TargetKind.PERSON:
            return self.person(parsed.id)
        if kind is TargetKind.GROUP:
            group = self._program.paging.groups.get(parsed.id) if self._program else None
            return group.name if group else parsed.id
        words = self.post(parsed.id) + (" team" if kind is TargetKind.TEAM else "")
        return words if parsed.grades is None else f"{words} ({parsed.grades.label})"
