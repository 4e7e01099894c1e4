"""Declared conflicts in a solved demo roster, found by asking the checkers the app itself uses:
a swap that would put a declared pair on one team, and a shift a member of a pair could take
on a day the other works on that team. Tests never hard-code which cells those are."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from callroom.domain.program import Conflict, Program
from callroom.domain.roster import Assignment, Roster
from callroom.rosters.audit import change_json
from callroom.rules import ids
from callroom.rules.change import Change, give_away, impact, swap
from callroom.storage import Database, RosterRepository
from callroom.storage.changes_repositories import ChangeRepository, NewProposal


@dataclass(frozen=True)
class ConflictSwap:
    """`mine` (the requester's, who is in no declared pair) for `theirs` (the colleague's): the
    colleague would land on the team their partner works that day."""

    mine: Assignment
    theirs: Assignment
    conflict: Conflict

    @property
    def requester(self) -> str:
        return self.mine.person_id

    @property
    def colleague(self) -> str:
        return self.theirs.person_id

    @property
    def partner(self) -> str:
        return self.conflict.second if self.colleague == self.conflict.first else self.conflict.first


def _pairs(program: Program) -> Iterator[tuple[str, str, Conflict]]:
    """(member, partner, conflict) for each resident in a declared pair."""
    residents = {p.id for p in program.people if p.grade.is_resident}
    for conflict in program.conflicts:
        for member, partner in ((conflict.first, conflict.second), (conflict.second, conflict.first)):
            if member in residents:
                yield member, partner, conflict


def _beside(program: Program, roster: Roster, partner: str, shift: Assignment) -> bool:
    """The partner works that day on the shift's team."""
    theirs = roster.on(partner, shift.day)
    return theirs is not None and program.post[theirs.post_id].team == program.post[shift.post_id].team


def _breaks_the_conflict(program: Program, roster: Roster, change: Change) -> bool:
    return any(v.rule is ids.CONFLICT for v in impact(program, roster, change).hard)


def _swaps(
    program: Program, roster: Roster, member: str, partner: str
) -> Iterator[tuple[Assignment, Assignment]]:
    """Swaps that would send `member` beside `partner`, each of the two eligible for the other's
    shift and free on its day; the requester in no declared pair."""
    paired = {pid for c in program.conflicts for pid in (c.first, c.second)}
    requesters = {p.id for p in program.people if p.grade.is_resident} - paired
    for mine in roster.assignments:
        if (
            mine.person_id not in requesters
            or not _beside(program, roster, partner, mine)
            or not program.may_work(program.person[member], mine.post_id, mine.shift_id)
        ):
            continue
        for theirs in roster.for_person(member):
            busy = roster.on(member, mine.day) or roster.on(mine.person_id, theirs.day)
            free = theirs.day == mine.day or busy is None
            if free and program.may_work(program.person[mine.person_id], theirs.post_id, theirs.shift_id):
                yield mine, theirs


def conflict_swap(program: Program, roster: Roster) -> ConflictSwap:
    """A swap that breaks a declared conflict (see ConflictSwap); it may break other rules too."""
    for member, partner, conflict in _pairs(program):
        for mine, theirs in _swaps(program, roster, member, partner):
            if _breaks_the_conflict(program, roster, swap(mine, theirs)):
                return ConflictSwap(mine, theirs, conflict)
    raise AssertionError("no swap in the solved demo would put a declared pair on one team")


def conflict_take(program: Program, roster: Roster) -> tuple[Assignment, Conflict]:
    """A shift a resident in a declared pair could take on a day off, on the team their partner
    works that day, breaking the conflict."""
    for member, partner, conflict in _pairs(program):
        person = program.person[member]
        for beside in roster.for_person(partner):
            if roster.on(member, beside.day) is not None or person.unavailable(beside.day):
                continue
            for post_id, shift_id in program.options(person):
                take = Assignment(member, beside.day, shift_id, post_id)
                if _beside(program, roster, partner, take) and _breaks_the_conflict(
                    program, roster, Change(added=(take,))
                ):
                    return take, conflict
    raise AssertionError("no resident in a declared pair could take a shift beside the other")


def conflict_hole(program: Program, roster: Roster) -> tuple[Assignment, str, Conflict]:
    """A shift someone holds beside a member of a declared pair's partner, which that member
    could take without breaking a rule were the partner off that day, but not with them there:
    (the shift, the member, the conflict)."""
    for member, partner, conflict in _pairs(program):
        person = program.person[member]
        for beside in roster.for_person(partner):
            if roster.on(member, beside.day) is not None or person.unavailable(beside.day):
                continue
            away = Roster.of(a for a in roster.assignments if a != beside)
            for held in (a for a in roster.assignments if a.day == beside.day):
                taken = give_away(held, member)
                if (
                    held.person_id not in (member, partner)
                    and program.may_work(person, held.post_id, held.shift_id)
                    and _beside(program, roster, partner, held)
                    and impact(program, away, taken).acceptable
                    and _breaks_the_conflict(program, roster, taken)
                ):
                    return held, member, conflict
    raise AssertionError("no open shift would put a declared pair on one team")


def store_accepted(database: Database, program_name: str, found: ConflictSwap) -> int:
    """The swap as a proposal made and accepted before the roster moved on to where it breaks
    the conflict (a request breaking a hard rule is refused when asked, so it is stored here
    directly, as the service stored it then): its id."""
    with database.session() as session:
        live = RosterRepository(session).newest_id(program_name)
        assert live is not None
        made = ChangeRepository(session).add(
            NewProposal(
                program_name, "swap", "accepted", live, found.requester, found.colleague,
                change_json(swap(found.mine, found.theirs)), "", datetime.now(UTC),
            )
        )  # fmt: skip
    return made.id
