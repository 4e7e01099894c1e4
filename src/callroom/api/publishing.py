"""`/api/v1/rosters/{number}/publish|rollback|compare`: a draft weighed against the live roster,
published, or an earlier version rolled back to; everyone whose shifts changed gets a notice.

Publishing a draft solved before the live roster last changed is refused (409): the solve did
not see that change. A version of the wrong kind (a draft to roll back to, a published version
to publish) is refused with the field named (422).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.deps import Publishing, Rosters
from callroom.api.params import VersionNumber
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.publishing import ComparisonRead, PublishCreate, PublishedRead

Chief = Annotated[Principal, Depends(require(Permission.ROSTER_EDIT))]
ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 422)}
router = APIRouter(prefix="/api/v1/rosters", tags=["publishing"], responses=ERRORS)  # type: ignore[arg-type]


@router.post("/{number}/publish")
def publish(
    number: VersionNumber, body: PublishCreate, caller: Chief, publishing: Publishing
) -> PublishedRead:
    """Make draft `number` the live roster (chief only)."""
    return PublishedRead.of(publishing.publish(caller, body.program, number, body.reason))


@router.post("/{number}/rollback")
def roll_back(
    number: VersionNumber, body: PublishCreate, caller: Chief, publishing: Publishing
) -> PublishedRead:
    """Make the earlier published version `number` live again (chief only; a reason is needed)."""
    return PublishedRead.of(publishing.roll_back(caller, body.program, number, body.reason))


@router.get("/{number}/compare")
def compare(
    number: VersionNumber,
    _caller: Chief,
    rosters: Rosters,
    program: Annotated[str, Query(min_length=1, max_length=200)],
    other: Annotated[int | None, Query(ge=1, description="default: the live version")] = None,
) -> ComparisonRead:
    """Version `number` against `other`: changed cells, penalties, fairness spreads, cover gaps
    (chief only: drafts are work in progress)."""
    chosen, base, found = rosters.compare(program, number, other)
    return ComparisonRead.of(
        program, chosen.record.number, None if base is None else base.record.number, found
    )
