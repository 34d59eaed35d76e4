"""Bot-facing ticket API shapes (`/api/v1/tickets`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator

from backend.core.domain import Language
from escalation.domain import Category, Priority, Queue, Reason, TicketStatus

CONVERSATION_ID = r"^[a-z][a-z0-9_-]{1,31}:[\x21-\x7e]{1,160}$"
CLIENT_ID = r"^[\x21-\x7e]{1,100}$"
MAX_TEXT = 4000


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class TranscriptItem(BaseModel):
    """One line of the conversation before the handoff (blank lines are skipped)."""

    role: Literal["citizen", "bot"]
    text: str = Field(max_length=MAX_TEXT)
    at: datetime | None = Field(default=None, description="When it was said; empty = unknown")

    @field_validator("at", mode="before")
    @classmethod
    def _empty_is_unknown(cls, value: object) -> object:
        return None if value == "" else value


class TicketCreate(BaseModel):
    """The assistant brings in a person."""

    conversation_id: str = Field(pattern=CONVERSATION_ID, examples=["telegram:42"])
    channel: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,31}$", examples=["telegram"])
    language: Language
    category: Category
    reason: Reason
    priority: Priority | None = Field(
        default=None, description="At least the reason's priority (security reports: urgent)."
    )
    summary: str | None = Field(default=None, max_length=2000)
    transcript: list[TranscriptItem] = Field(default_factory=list, max_length=200)
    security_report_reference: str | None = Field(default=None, max_length=32)

    @model_validator(mode="after")
    def _channel_matches(self) -> Self:
        if self.conversation_id.split(":", 1)[0] != self.channel:
            raise ValueError("channel must be the conversation_id's prefix")
        return self


class TicketOut(BaseModel):
    """A ticket as the citizen may see it: where it stands and how long the wait is."""

    number: str = Field(examples=["T-000123"])
    status: TicketStatus
    priority: Priority
    category: Category
    language: Language
    queue: Queue
    queue_position: int = Field(description="1 = next; 0 when not waiting")
    expected_wait_minutes: int
    office_open: bool
    next_open_at: datetime | None = Field(description="Next opening (UTC) when closed")
    sla_due_at: datetime
    agent_name: str | None
    conversation_id: str
    created_at: datetime
    resolved_at: datetime | None = None
    resolution_summary: str | None = None
    rating: int | None = None


class CitizenMessageIn(BaseModel):
    """Something the citizen wrote while the ticket is pending or open."""

    conversation_id: str = Field(pattern=CONVERSATION_ID)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    client_message_id: str = Field(pattern=CLIENT_ID)

    _text = field_validator("text")(_not_blank)


class MessageAck(BaseModel):
    """The stored message: its id and its place in the ticket's transcript."""

    id: int
    seq: int


class RatingIn(BaseModel):
    """The citizen's rating of the help they got."""

    conversation_id: str = Field(pattern=CONVERSATION_ID)
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=1000)


class CancelIn(BaseModel):
    """The citizen leaves the queue."""

    conversation_id: str = Field(pattern=CONVERSATION_ID)
