"""Declared conflicts are private: that two people must be kept apart, and why, is for the chief
and for the two of them. `as_seen_by` is the one place that turns what the checkers found into
what a given reader may see; every answer that carries violations to someone other than the
chief goes through it.

- a reader who may read conflicts (`conflicts:read`: the chief) sees each conflict violation in
  full, with the reason the program gives for it;
- a member of the pair sees it as the checker wrote it (naming the other, without the reason);
- anyone else sees, in place of all of them, one violation of a "confidential rule" that names
  no one, no day and no rule: even the existence of a declared conflict is private.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.program import Program
from callroom.rules.ids import RuleId, Severity
from callroom.rules.violations import Violation

CONFIDENTIAL = RuleId("confidential", "A confidential rule", Severity.HARD)
HIDDEN = Violation(CONFIDENTIAL, "not allowed by a confidential rule (ask the chief resident)")


def as_seen_by(
    found: Iterable[Violation], reader: Principal | None, program: Program
) -> tuple[Violation, ...]:
    """The violations as `reader` may see them, in their order (see the module doc). `reader`
    None is nobody in particular: text that many will read, such as an audit trail. However many
    conflict violations a reader may not see, they become one `HIDDEN`, where the first was."""
    shown: list[Violation] = []
    for violation in found:
        seen = seen_by(violation, reader, program)
        if seen is not HIDDEN or HIDDEN not in shown:
            shown.append(seen)
    return tuple(shown)


def seen_by(violation: Violation, reader: Principal | None, program: Program) -> Violation:
    """One violation as `reader` may see it: itself, itself with the conflict's reason, or HIDDEN."""
    if violation.pair is None:
        return violation
    if reader is not None and reader.can(Permission.CONFLICTS_READ):
        return _with_reason(violation, program)
    if reader is not None and reader.identity in violation.pair:
        return violation
    return HIDDEN


def _with_reason(violation: Violation, program: Program) -> Violation:
    pair = set(violation.pair or ())
    reason = next((c.reason for c in program.conflicts if {c.first, c.second} == pair), "")
    return replace(violation, message=f"{violation.message}: {reason}") if reason else violation
