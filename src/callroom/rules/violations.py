"""What a checker reports: one Violation per broken rule instance, with the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from callroom.errors import Detail
from callroom.rules.ids import RuleId


@dataclass(frozen=True)
class Violation:
    """A rule broken by a roster. `measured` and `limit` carry the numbers behind the message."""

    rule: RuleId
    message: str
    person_id: str | None = None
    day: date | None = None
    measured: float | None = None
    limit: float | None = None

    def __str__(self) -> str:
        return f"[{self.rule.code}] {self.message}"

    @property
    def detail(self) -> Detail:
        """The violation as one detail of an error: the rule as its field, with who and when."""
        return Detail(self.rule.code, self.message,
                      {"person_id": self.person_id or "", "day": self.day.isoformat() if self.day else ""})
