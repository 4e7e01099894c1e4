"""The program file as an admin reads it hides each declared conflict's reason behind a
placeholder, and the file they send back keeps the stored reason wherever the placeholder is."""

from __future__ import annotations

import pytest

from callroom.errors import Invalid
from callroom.formats.program_file import parse_program
from callroom.formats.program_reasons import PLACEHOLDER, hide_reasons, keep_reasons
from tests.unit.formats.program_texts import fixture

STORED = fixture("full.yaml").read_text(encoding="utf-8")
REASON = "Married since June"
CONFLICTS = parse_program(STORED).conflicts


def test_the_admin_reads_a_placeholder_where_the_reason_was_and_the_rest_as_written() -> None:
    hidden = hide_reasons(STORED)

    assert REASON not in hidden
    assert hidden == STORED.replace(f'"{REASON}"', f'"{PLACEHOLDER}"')
    assert [c.reason for c in parse_program(hidden).conflicts] == [PLACEHOLDER]


def test_a_reason_written_over_several_lines_is_hidden_and_the_next_key_stays() -> None:
    block = STORED.replace(f'reason: "{REASON}"\n', "reason: |\n      Married\n      since June\n")

    hidden = hide_reasons(block)

    assert "since June" not in hidden and "Married" not in hidden
    assert parse_program(hidden).rules == parse_program(block).rules


def test_a_reason_shared_through_an_anchor_is_still_hidden() -> None:
    anchored = STORED.replace(
        f'reason: "{REASON}"', f'reason: &why "{REASON}"\n  - between: [cal, eve]\n    reason: *why'
    )

    hidden = hide_reasons(anchored)

    assert REASON not in hidden
    assert [c.reason for c in parse_program(hidden).conflicts] == [PLACEHOLDER, PLACEHOLDER]


def test_the_file_sent_back_unchanged_is_the_stored_file_exactly() -> None:
    assert keep_reasons(hide_reasons(STORED), STORED, CONFLICTS) == STORED
    from_a_form = hide_reasons(STORED).replace("\n", "\r\n")
    assert keep_reasons(from_a_form, STORED, CONFLICTS) == STORED


def test_an_edited_file_keeps_the_stored_reason_of_the_same_pair_in_either_order() -> None:
    edited = (
        hide_reasons(STORED)
        .replace("name: Bea Rook", "name: Bea Rook-Quint")
        .replace("between: [ada, bea]", "between: [bea, ada]")
    )

    kept = parse_program(keep_reasons(edited, STORED, CONFLICTS))

    assert [c.reason for c in kept.conflicts] == [REASON]
    assert kept.person["bea"].name == "Bea Rook-Quint"


def test_a_reason_the_admin_writes_is_stored_as_written() -> None:
    edited = hide_reasons(STORED).replace(PLACEHOLDER, "Divorced in May")

    assert [c.reason for c in parse_program(keep_reasons(edited, STORED, CONFLICTS)).conflicts] == [
        "Divorced in May"
    ]


def test_a_new_pair_left_with_the_placeholder_is_refused_naming_the_reason_field() -> None:
    moved = hide_reasons(STORED).replace("between: [ada, bea]", "between: [ada, eve]")

    with pytest.raises(Invalid) as refused:
        keep_reasons(moved, STORED, CONFLICTS)

    assert refused.value.field == "source.conflicts.0.reason"
    assert "ada and eve" in refused.value.message and REASON not in refused.value.message


def test_a_file_that_is_not_yaml_is_left_for_the_loader_to_report() -> None:
    assert keep_reasons("people: [", STORED, CONFLICTS) == "people: ["
