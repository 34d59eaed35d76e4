"""Agent console API shapes (`/console/api`). Message texts are masked unless revealed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from backend.core.domain import Language
from escalation.domain import AgentRole, Category, MessageKind, Priority, Queue, TicketStatus
from escalation.schemas import CLIENT_ID, MAX_TEXT


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class SignIn(BaseModel):
    """E-mail address and password."""

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class AgentOut(BaseModel):
    """A console user as the console shows them."""

    id: int
    email: str
    name: str
    display_name: str
    role: AgentRole
    languages: list[str]
    queues: list[str]
    max_open: int
    accepting: bool
    open_tickets: int = 0
    present: bool = False


class SessionOut(BaseModel):
    """The signed-in agent and the CSRF token to send with every change."""

    agent: AgentOut
    csrf: str


class CsrfOut(BaseModel):
    """A token for the sign-in form (also set as a cookie)."""

    csrf: str


class AvailabilityIn(BaseModel):
    """Whether the agent takes new tickets."""

    accepting: bool


class AgentBrief(BaseModel):
    """Who holds a ticket."""

    id: int
    name: str


class TicketSummary(BaseModel):
    """A queue row."""

    number: str
    status: TicketStatus
    queue: Queue
    category: Category
    language: Language
    priority: Priority
    reason: str
    created_at: datetime
    waiting_minutes: int
    sla_due_at: datetime
    sla_breached: bool
    agent: AgentBrief | None
    preview: str
    linked: bool
    last_seq: int


class QueueOut(BaseModel):
    """What the agent may work on: waiting tickets of their skills, and their own."""

    tickets: list[TicketSummary]
    pending: int
    mine: int


class MessageView(BaseModel):
    """A transcript line, masked."""

    id: int
    seq: int
    kind: MessageKind
    author: str
    text: str
    has_pii: bool
    sent_at: datetime


class CitizenView(BaseModel):
    """The linked citizen, masked until revealed."""

    name: str
    id_number: str
    phone: str
    email: str | None


class Permissions(BaseModel):
    """What the signed-in agent may do to this ticket now."""

    claim: bool
    reply: bool
    note: bool
    transfer: bool
    assign: bool
    resolve: bool


class TicketDetail(TicketSummary):
    """A ticket with its transcript."""

    summary: str | None
    summary_has_pii: bool
    security_report_reference: str | None
    channel: str
    resolution_summary: str | None
    rating: int | None
    rating_comment: str | None
    citizen: CitizenView | None
    messages: list[MessageView]
    can: Permissions


class MessagesOut(BaseModel):
    """Lines after a sequence number, and the ticket's state now."""

    messages: list[MessageView]
    status: TicketStatus
    agent: AgentBrief | None
    can: Permissions


class AgentMessageIn(BaseModel):
    """A reply to the citizen, or an internal note."""

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    client_message_id: str = Field(pattern=CLIENT_ID)
    internal: bool = False

    _text = field_validator("text")(_not_blank)


class AssignIn(BaseModel):
    """Give the ticket to an agent (supervisors)."""

    agent_id: int = Field(ge=1, le=2**31 - 1)


class TransferIn(BaseModel):
    """Hand the ticket to another agent, or back to a queue."""

    agent_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    queue: Queue | None = None


class ResolveIn(BaseModel):
    """Close with a summary the citizen will read."""

    summary: str = Field(min_length=1, max_length=2000)

    _summary = field_validator("summary")(_not_blank)


class RevealIn(BaseModel):
    """Unmask a message, the handoff summary, or the linked citizen (logged)."""

    target: Literal["message", "summary", "citizen"] = "message"
    message_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class RevealOut(BaseModel):
    """The unmasked text (or citizen)."""

    text: str | None = None
    citizen: CitizenView | None = None


class CannedOut(BaseModel):
    """A canned reply; built-in ones cannot be deleted."""

    id: str
    title: str
    language: Language
    text: str
    builtin: bool


class CannedIn(BaseModel):
    """A new canned reply."""

    title: str = Field(min_length=1, max_length=80)
    language: Language
    text: str = Field(min_length=1, max_length=MAX_TEXT)
