"""`Role`: who a user is. What each role may do is the one table in
`callroom.accounts.permissions` (docs/permissions.md says the same in prose)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CHIEF = "chief"  # chief resident or coordinator: edits schedules, decides on changes
    ATTENDING = "attending"
    RESIDENT = "resident"
    OPERATOR = "operator"  # nurses and the switchboard: find who is on call, page them
    # Reads every resident's logged hours and their history, and reviews justifications.
    PROGRAM_DIRECTOR = "program_director"

    @property
    def a(self) -> str:
        """The role with its article, for a sentence: "an operator", "a program director"."""
        words = self.value.replace("_", " ")
        return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


LEGACY_ROLES = {"clinician": Role.ATTENDING}
"""Role names from before accounts existed, still accepted in CALLROOM_API_TOKENS."""
