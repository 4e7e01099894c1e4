"""Reads the web pages need that no other front end does: a person's recent pages, received
and sent, newest first. Read-only; the paging repositories own every write."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callroom.storage.paging_records import PageRecord
from callroom.storage.paging_repositories import page_record
from callroom.storage.paging_tables import PageRow, RecipientRow


class PageListRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def received(self, person_id: str, limit: int) -> list[PageRecord]:
        """Pages that reached `person_id` (or the operators' queue id), newest first."""
        ids = select(RecipientRow.page_id).where(RecipientRow.person_id == person_id)
        stmt = select(PageRow).where(PageRow.id.in_(ids)).order_by(PageRow.id.desc()).limit(limit)
        return [page_record(row) for row in self._session.scalars(stmt)]

    def sent(self, sender: str, limit: int) -> list[PageRecord]:
        """Pages `sender` sent, newest first."""
        stmt = select(PageRow).where(PageRow.sender == sender).order_by(PageRow.id.desc()).limit(limit)
        return [page_record(row) for row in self._session.scalars(stmt)]
