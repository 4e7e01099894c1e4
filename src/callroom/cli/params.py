"""Arguments shared by the commands. Ids are bounded as the database bounds them
(`storage.records.MAX_ID`), so a number no row can have is refused with a message (exit 2)
before it reaches a query whose driver would fail on it."""

from __future__ import annotations

from typing import Annotated

import typer

from callroom.storage.records import MAX_ID

ProposalId = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The proposal's id.")]
PageId = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The page's id.")]
PeriodId = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The period's id.")]
JustificationId = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The justification's id.")]
TokenId = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The token's id.")]
VersionOption = Annotated[
    int | None, typer.Option("--version", min=1, max=MAX_ID, help="Roster version number.")
]
