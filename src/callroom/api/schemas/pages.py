"""Bodies of the paging routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from callroom.domain.paging import Priority
from callroom.paging.policy import MAX_BODY
from callroom.paging.service import CALLBACK, MAX_BATCH, MAX_PATIENT_REF, PageDetail, PageRequest, SentPage


class PageCreate(BaseModel):
    """A page to send. `new_patient` left out means: a page to a role or team of a post that
    takes new patients is about a new patient (so the ACGME transition protection applies)."""

    model_config = ConfigDict(extra="forbid")

    target: str = Field(min_length=1, max_length=200, examples=["post:gs-night", "group:code-team"])
    body: str = Field(min_length=1, max_length=MAX_BODY)
    priority: Priority = Priority.ROUTINE
    callback: str = Field(pattern=f"^{CALLBACK.pattern}$", examples=["x4410", "+1 555 0100"])
    patient_ref: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_PATIENT_REF,
        description="shown only in the app; never emailed or sent to a gateway",
    )
    new_patient: bool | None = None

    def request(self, sender: str) -> PageRequest:
        return PageRequest(
            sender, self.target, self.body, self.callback, self.priority, self.patient_ref, self.new_patient
        )


class PageBatchCreate(BaseModel):
    """Pages to send together: all are sent, or (naming each bad one's index and field) none."""

    model_config = ConfigDict(extra="forbid")

    pages: list[PageCreate] = Field(min_length=1, max_length=MAX_BATCH)


class SentRead(BaseModel):
    """A page just sent: its id, who it resolved to (person ids), and what the sender should
    know (`notes`). Its whole record is `GET /api/v1/pages/{id}`."""

    id: int
    recipients: list[str]
    notes: list[str]

    @classmethod
    def of(cls, sent: SentPage) -> SentRead:
        return cls(id=sent.id, recipients=list(sent.recipients), notes=list(sent.notes))


class PageBatchRead(BaseModel):
    pages: list[SentRead]


class DeclineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=MAX_BODY)


class RecipientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read straight from storage's records

    person_id: str
    name: str
    step: int
    round: int
    post_id: str | None
    reason: str
    state: str
    decline_reason: str | None
    notified_at: datetime


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    kind: str
    person_id: str | None
    detail: dict[str, Any]


class PageRead(BaseModel):
    """A page with who it resolved to and why, and its whole timeline. `notes` is what the
    sender is told: re-routing to cover, fallback when nobody holds a role."""

    id: int
    created_at: datetime
    sender: str
    priority: Priority
    target: str
    body: str
    callback: str
    patient_ref: str | None
    new_patient: bool
    state: str
    step: int
    round: int
    deadline: datetime | None
    exhausted: bool
    roster_version_id: int | None
    policy: dict[str, Any]
    notes: list[str]
    notice: bool  # tells and asks no answer (a roster changed): marked seen, never acknowledged
    recipients: list[RecipientRead]
    timeline: list[EventRead]

    @classmethod
    def of(cls, detail: PageDetail) -> PageRead:
        page = {name: getattr(detail.page, name) for name in cls.model_fields if hasattr(detail.page, name)}
        return cls(
            **page,
            recipients=[RecipientRead.model_validate(r) for r in detail.recipients],
            timeline=[EventRead.model_validate(e) for e in detail.events],
        )
