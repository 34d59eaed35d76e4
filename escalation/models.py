"""Escalation tables: agents and their console sessions, tickets, transcripts, reveals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.columns import StrEnumType, enum_check
from backend.core.db import Base
from backend.core.domain import Language
from backend.core.lockouts import ThrottleRow
from common.sqltypes import UTCDateTime
from common.timezone import utcnow
from escalation.domain import (
    AgentRole,
    Category,
    MessageKind,
    Priority,
    Queue,
    Reason,
    TicketStatus,
)


class Agent(Base):
    """A console user: support agent, supervisor, security officer or editor."""

    __tablename__ = "agents"
    __table_args__ = (enum_check("role", AgentRole),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    display_name: Mapped[str] = mapped_column(String(60))  # what citizens are told
    role: Mapped[AgentRole] = mapped_column(StrEnumType(AgentRole))
    languages: Mapped[str] = mapped_column(String(32))  # space-separated: "en sw"
    categories: Mapped[str] = mapped_column(String(120))  # space-separated queue names
    max_open: Mapped[int] = mapped_column(Integer, default=4)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    accepting: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def language_set(self) -> frozenset[str]:
        """Return the languages the agent reads."""
        return frozenset(self.languages.split())

    @property
    def queue_set(self) -> frozenset[str]:
        """Return the queues the agent is skilled for."""
        return frozenset(self.categories.split())


class AgentSession(Base):
    """A signed-in console browser; only the token's SHA-256 is stored."""

    __tablename__ = "agent_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AgentDevice(Base):
    """A browser an agent signed in from before, by its cookie's SHA-256.

    A stranger's wrong passwords lock other browsers, never this one.
    """

    __tablename__ = "agent_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AgentSigninThrottle(ThrottleRow, Base):
    """Failed sign-ins per address and device (known or not, so a lock reveals nothing)."""

    __tablename__ = "agent_signin_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)


class Ticket(Base):
    """A citizen's request for a person, from handoff to resolution."""

    __tablename__ = "tickets"
    __table_args__ = (
        enum_check("language", Language),
        enum_check("category", Category),
        enum_check("reason", Reason),
        enum_check("priority", Priority),
        enum_check("queue", Queue),
        enum_check("status", TicketStatus),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    origin_conversation_id: Mapped[str] = mapped_column(String(200))
    # Equal to conversation_id while pending or open, else NULL: the unique constraint is
    # what keeps one conversation from holding two live tickets, even under races.
    active_conversation: Mapped[str | None] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    language: Mapped[Language] = mapped_column(StrEnumType(Language))
    category: Mapped[Category] = mapped_column(StrEnumType(Category))
    reason: Mapped[Reason] = mapped_column(StrEnumType(Reason))
    priority: Mapped[Priority] = mapped_column(StrEnumType(Priority))
    queue: Mapped[Queue] = mapped_column(StrEnumType(Queue))
    status: Mapped[TicketStatus] = mapped_column(StrEnumType(TicketStatus), index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    security_report_reference: Mapped[str | None] = mapped_column(String(32))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    # Who sent it back to a queue: routing does not hand it straight back to them.
    requeued_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sla_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the citizen was last told the agent is typing: at most one such event per few
    # seconds, however fast the agent types or however many consoles are open.
    typing_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TicketMessage(Base):
    """One transcript line; `seq` orders a ticket's lines for everyone, across restarts."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        UniqueConstraint("ticket_id", "seq", name="uq_ticket_messages_seq"),
        UniqueConstraint("ticket_id", "client_message_id", name="uq_ticket_messages_client_id"),
        enum_check("kind", MessageKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[MessageKind] = mapped_column(StrEnumType(MessageKind))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    text: Mapped[str] = mapped_column(Text)
    client_message_id: Mapped[str | None] = mapped_column(String(120))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when it was said
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # when stored


class PiiReveal(Base):
    """An agent unmasked personal data in a ticket: who, what, when (hash-chained)."""

    __tablename__ = "ticket_reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_messages.id"))
    target: Mapped[str] = mapped_column(String(16))  # message, summary or citizen
    kinds: Mapped[str] = mapped_column(String(64))  # e.g. "phone id"
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # SHA-256 over the previous row's hash and this row: editing or deleting a row breaks
    # every later hash, so the log is tamper-evident (see reveals.verify_chain).
    chain_hash: Mapped[str] = mapped_column(String(64))


class CannedReply(Base):
    """A reply text agents can insert, kept by editors and supervisors."""

    __tablename__ = "canned_replies"
    __table_args__ = (enum_check("language", Language),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    language: Mapped[Language] = mapped_column(StrEnumType(Language))
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
