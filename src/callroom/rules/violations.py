"""What a checker reports: one Violation per broken rule instance, with the numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from callroom.errors import Detail
from callroom.rules.ids import RuleId


@dataclass(frozen=True, order=True)
class CoverKey:
    """Which cover a cover violation is about: the rule (minimum or maximum), the post's shift on
    a day, and the requirement's grades. A repair's declared shortfall carries the same key, so
    a shortfall and the violation it excuses are matched on it, never on wording."""

    rule: str
    post_id: str
    shift_id: str
    day: date
    grades: str  # the requirement's grade range, as its label ("PGY-3+", "residents")

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "post_id": self.post_id,
            "shift_id": self.shift_id,
            "day": self.day.isoformat(),
            "grades": self.grades,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> CoverKey:
        return cls(
            data["rule"], data["post_id"], data["shift_id"], date.fromisoformat(data["day"]), data["grades"]
        )


@dataclass(frozen=True)
class Violation:
    """A rule broken by a roster. `measured` and `limit` carry the numbers behind the message;
    `cover` says which cover, for the cover rules; `pair` names the two people of a declared
    conflict, whose existence is private to them and the chief (see `rules.privacy`)."""

    rule: RuleId
    message: str
    person_id: str | None = None
    day: date | None = None
    measured: float | None = None
    limit: float | None = None
    cover: CoverKey | None = None
    pair: tuple[str, str] | None = None

    def __str__(self) -> str:
        return f"[{self.rule.code}] {self.message}"

    @property
    def worded(self) -> str:
        """The violation as a person reads it, wherever a change is refused or checked: the
        rule's title with the ACGME section it protects (or the title, as a program rule), then
        the numbers ("80 hours a week, averaged over the block (ACGME VI.F.1 / 6.20): Bo Li:
        84.00 h/week ...; limit 80"); never the rule's code."""
        protects = self.rule.cited if self.rule.citation else f"{self.rule.title} (program rule)"
        return f"{protects}: {self.message}"

    @property
    def detail(self) -> Detail:
        """The violation as one detail of an error: the rule as its field, with who and when."""
        return Detail(
            self.rule.code,
            self.message,
            {"person_id": self.person_id or "", "day": self.day.isoformat() if self.day else ""},
        )
