"""A roster version's audit, typed: it reads back what was stored, and says in one line how the
version came to be (an open shift is taken, not approved)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from callroom.domain.roster import Assignment
from callroom.rosters.audit import Audit, CellAudit, ChangeAudit, ProgramAudit

AT = datetime(2027, 3, 2, 8, 30, tzinfo=UTC)
NIGHT = Assignment("ada", date(2027, 3, 3), "night", "ward")


def test_each_kind_of_audit_reads_back_what_was_stored() -> None:
    audits: list[Audit] = [
        CellAudit("chief", "chief", AT, "", 4, (), (NIGHT,), introduced=("[rest] 10 h",)),
        ChangeAudit(7, "swap", "ada", "ben", "chief", "chief", AT, "fine", (NIGHT,), ()),
        ProgramAudit("admin", "new post", 3),
    ]
    for audit in audits:
        assert type(audit).of(audit.to_json()) == audit


def test_an_open_shift_is_said_to_be_taken_by_whoever_took_it() -> None:
    taken = ChangeAudit(9, "open_shift", "yasmin", "kwame", "kwame", "resident", AT, "", (), (NIGHT,))
    assert taken.describe() == "open shift #9 published by yasmin, taken by kwame"


def test_an_approved_swap_is_said_to_be_approved_by_the_chief() -> None:
    swap = ChangeAudit(7, "swap", "ada", "ben", "yasmin", "chief", AT, "", (NIGHT,), ())
    assert swap.describe() == "swap #7 asked by ada, approved by yasmin"


def test_a_forced_cell_edit_says_why() -> None:
    forced = CellAudit("yasmin", "chief", AT, "no one else", 4, (), (NIGHT,), hard=("[rest] 8 h",))
    said = "cell edit by yasmin: on ada 2027-03-03 night@ward (forced: no one else)"
    assert forced.forced and forced.describe() == said
