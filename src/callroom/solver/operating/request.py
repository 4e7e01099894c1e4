"""What an OR assignment is asked: the day's cases and who might take them.

The service builds it from the program, the board and the case logs; nothing here reads a
database. A candidate's urgency is `rules.caselog.urgency` of their tally (per defined category
and MAJOR: the deficit projected at graduation per month left): the larger, the more the
resident needs the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import date

from callroom.domain.grades import Grade
from callroom.domain.operating import CaseNeeds, OrCase
from callroom.domain.program import Conflict
from callroom.rules.operating import DEFAULT_TURNOVER_MINUTES, Availability


@dataclass(frozen=True)
class Candidate:
    """A resident who might take cases today. `cohort` groups the residents whose index cases
    are shared fairly (usually the PGY label); `index_so_far` is their index cases this year."""

    person_id: str
    name: str
    grade: Grade
    cohort: str
    urgency: Mapping[str, float] = field(default_factory=dict, hash=False)
    index_so_far: int = 0


@dataclass(frozen=True)
class OrWeights:
    """Points of the objective (maximised; floats are scaled to integers by `scale`).

    - `uncovered`: lost per case without a surgeon. It is raised, if need be, above everything
      the rest of the objective could ever gain, so no bonus is worth leaving a case uncovered;
    - `urgency`: per unit of the surgeon's (or teaching assistant's) urgency summed over the
      case's defined categories, and total major cases (`rules.caselog.MAJOR`) for an operation;
    - `continuity`: the resident saw the patient in clinic or admitted them (`OrCase.continuity`);
    - `pairing`: the program asks this resident to operate with the case's attending;
    - `fair_index`: per case of spread (max minus min) of index cases in a cohort, counting the
      year so far and today's surgeon credits;
    - `teaching`: a senior taking TA over a more junior surgeon (the TA's urgency counts too).
    """

    uncovered: int = 1_000_000
    urgency: float = 10.0
    continuity: int = 30
    pairing: int = 20
    fair_index: int = 15
    teaching: int = 5
    scale: int = 10  # urgency points are rounded to tenths of a point


@dataclass(frozen=True)
class OrRequest:
    """Everything one day's assignment weighs; the fields after `availability` by keyword.
    `timezone` is the hospital's (`Program.hospital.timezone`), for case times in the
    explanations; `names` names the attendings (candidates carry their own names)."""

    day: date
    cases: tuple[OrCase, ...]
    needs: Mapping[str, CaseNeeds]
    candidates: tuple[Candidate, ...]
    availability: Availability
    _: KW_ONLY
    conflicts: tuple[Conflict, ...] = ()
    pairings: frozenset[tuple[str, str]] = frozenset()  # (attending id, resident id)
    turnover_minutes: int = DEFAULT_TURNOVER_MINUTES
    weights: OrWeights = OrWeights()
    names: Mapping[str, str] = field(default_factory=dict, hash=False)
    timezone: str

    def name(self, person_id: str) -> str:
        found = next((c.name for c in self.candidates if c.person_id == person_id), None)
        return found or self.names.get(person_id, person_id)

    def conflicted(self, first: str, second: str) -> bool:
        return any({c.first, c.second} == {first, second} for c in self.conflicts)
