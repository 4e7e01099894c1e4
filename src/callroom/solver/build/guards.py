"""Guards let an infeasible model say which rules and facts conflict.

When explaining, every hard constraint is enforced only if its guard literal is true, and the
guards are passed to CP-SAT as assumptions; the core CP-SAT returns names the guards that cannot
all hold. In a normal solve there are no guards and constraints are unconditional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from callroom.rules.ids import RuleId


@dataclass(frozen=True, order=True)
class SlotKey:
    """One requirement (by its index) of one cover demand on one day."""

    demand_id: str
    requirement: int
    day: date


@dataclass(frozen=True, order=True)
class GuardKey:
    """One relaxable piece: a rule for one person, one cover need on one day, one leave, ..."""

    rule: str
    person: str = ""
    subject: str = ""  # shift, leave or day off, or conflict partner: whatever the rule needs
    slot: SlotKey | None = None  # the cover requirement and day, for the cover rules

    @classmethod
    def of(cls, rule: RuleId, person: str = "", subject: str = "") -> GuardKey:
        return cls(rule.code, person, subject)


@dataclass
class Guards:
    model: cp_model.CpModel
    enabled: bool = False
    literals: dict[GuardKey, cp_model.IntVar] = field(default_factory=dict)
    # Guard only these rule codes (None: every rule). A repair guards cover minimums alone, so
    # it can go short on a post when nobody can fill it and say by how much.
    only: frozenset[str] | None = None

    def __call__(self, key: GuardKey) -> list[cp_model.IntVar]:
        """Enforcement literals for a constraint: none normally, its guard when explaining."""
        if not self.enabled or (self.only is not None and key.rule not in self.only):
            return []
        if key not in self.literals:
            self.literals[key] = self.model.new_bool_var(f"guard_{len(self.literals)}")
        return [self.literals[key]]
