"""The ticket lifecycle: open, look up, transition, and what the citizen does to a ticket.

`transition` is the only function that changes a ticket's status; agent actions live in
`escalation.tickets.handling` and call it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.domain import Language
from backend.core.problems import ProblemError
from backend.core.sequences import next_number
from escalation.domain import (
    ACTIVE_STATUSES,
    TICKET_TRANSITIONS,
    Category,
    MessageKind,
    Priority,
    Reason,
    TicketAction,
    TicketStatus,
    priority_for,
    queue_for,
)
from escalation.models import Agent, Ticket, TicketMessage
from escalation.runtime import Escalation
from escalation.tickets.messages import append_message, system_line
from escalation.tickets.sla import sla_due_at

TICKET_SERIES = "T"
_NUMBER = re.compile(r"^[Tt][-\s]?(\d{1,10})$")


def format_number(value: int) -> str:
    """Format a ticket number as the citizen sees it: T-000123."""
    return f"T-{value:06d}"


def normalize_number(raw: str) -> str | None:
    """Read T-000123, t123 or T 123 as T-000123; None when it is not a ticket number."""
    match = _NUMBER.match(raw.strip())
    return format_number(int(match.group(1))) if match else None


def transition(ticket: Ticket, action: TicketAction, *, now: datetime, agent: Agent | None = None
               ) -> TicketStatus:
    """Apply `action` if the table allows it from the current status; keep timestamps right.

    Raises:
        ProblemError: `invalid-transition` (409) for a change the table does not list.
    """
    target = TICKET_TRANSITIONS.get((ticket.status, action))
    if target is None:
        raise ProblemError(
            409, "invalid-transition",
            f"A {ticket.status.value} ticket cannot take the action '{action.value}'.",
            status_now=ticket.status.value,
        )
    if target is TicketStatus.OPEN:
        if agent is None:
            raise ValueError("an open ticket needs an agent")
        ticket.agent_id, ticket.requeued_by_id = agent.id, None
        ticket.assigned_at = now
        ticket.first_assigned_at = ticket.first_assigned_at or now
        agent.last_assigned_at = now
    elif target is TicketStatus.PENDING:
        ticket.agent_id, ticket.assigned_at = None, None
    elif target is TicketStatus.RESOLVED:
        ticket.resolved_at = now
    elif target is TicketStatus.CANCELLED:
        ticket.cancelled_at = now
    ticket.status = target
    ticket.active_conversation = ticket.conversation_id if target in ACTIVE_STATUSES else None
    ticket.updated_at = now
    return target


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One line the assistant hands over: who said it, what, when."""

    role: MessageKind
    text: str
    at: datetime | None


@dataclass(frozen=True, slots=True)
class NewTicket:
    """What the assistant sends when it brings in a person."""

    conversation_id: str
    channel: str
    language: Language
    category: Category
    reason: Reason
    priority: Priority | None
    summary: str | None
    transcript: Sequence[TranscriptLine]
    security_report_reference: str | None = None


def open_ticket(*, session: Session, esc: Escalation, data: NewTicket, citizen_id: int | None,
                now: datetime) -> Ticket:
    """Create a pending ticket with the transcript so far, in the caller's transaction."""
    priority = priority_for(data.reason, data.priority)
    ticket = Ticket(
        number=format_number(next_number(session=session, name=TICKET_SERIES)),
        conversation_id=data.conversation_id,
        origin_conversation_id=data.conversation_id,
        active_conversation=data.conversation_id,
        channel=data.channel,
        language=data.language,
        category=data.category,
        reason=data.reason,
        priority=priority,
        queue=queue_for(data.category, data.reason),
        status=TicketStatus.PENDING,
        summary=data.summary,
        security_report_reference=data.security_report_reference,
        citizen_id=citizen_id,
        last_seq=0,
        created_at=now,
        updated_at=now,
        sla_due_at=sla_due_at(esc, priority, now),
    )
    session.add(ticket)
    session.flush()
    for line in data.transcript:
        if not line.text.strip():
            continue
        at = line.at.astimezone(UTC) if line.at and line.at.tzinfo else now
        append_message(session=session, ticket=ticket, kind=line.role, text=line.text, now=now,
                       sent_at=min(at, now))
    system_line(session=session, ticket=ticket, now=now, text=(
        f"Handed over by the assistant ({data.reason.value}); queue {ticket.queue.value}, "
        f"language {ticket.language.value}, priority {priority.value}."))
    return ticket


def get_ticket(*, session: Session, number: str, lock: bool = False) -> Ticket | None:
    """Return the ticket with this number; `lock` holds its row until commit (PostgreSQL)."""
    normalized = normalize_number(number)
    if normalized is None:
        return None
    query = select(Ticket).where(Ticket.number == normalized)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def find_active(*, session: Session, conversation_id: str | None = None,
                citizen_id: int | None = None) -> Ticket | None:
    """Return the pending/open ticket of a conversation, else of a linked citizen."""
    if conversation_id:
        found = session.scalar(select(Ticket).where(Ticket.active_conversation == conversation_id))
        if found is not None:
            return found
    if citizen_id is not None:
        return session.scalar(
            select(Ticket)
            .where(Ticket.citizen_id == citizen_id, Ticket.status.in_(ACTIVE_STATUSES))
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(1)
        )
    return None


def citizen_may_access(ticket: Ticket, conversation_id: str | None, citizen_id: int | None
                       ) -> bool:
    """Tell whether a chat may see a ticket: its own conversation, or its linked citizen."""
    if conversation_id and conversation_id == ticket.conversation_id:
        return True
    return citizen_id is not None and ticket.citizen_id == citizen_id


def citizen_message(*, session: Session, ticket: Ticket, conversation_id: str, text: str,
                    client_message_id: str, now: datetime) -> tuple[TicketMessage, bool]:
    """Store what the citizen wrote; a linked citizen writing from another chat moves the ticket.

    Raises:
        ProblemError: `ticket-closed` (409) once the ticket is resolved or cancelled.
    """
    message = session.scalar(select(TicketMessage).where(
        TicketMessage.ticket_id == ticket.id,
        TicketMessage.client_message_id == f"c:{client_message_id}"))
    if message is not None:
        return message, False
    if ticket.status not in ACTIVE_STATUSES:
        raise ProblemError(409, "ticket-closed", f"Ticket {ticket.number} is {ticket.status}.")
    if conversation_id != ticket.conversation_id:
        _move(session=session, ticket=ticket, conversation_id=conversation_id, now=now)
    return append_message(session=session, ticket=ticket, kind=MessageKind.CITIZEN, text=text,
                          now=now, client_message_id=f"c:{client_message_id}")


def _move(*, session: Session, ticket: Ticket, conversation_id: str, now: datetime) -> None:
    """Follow the citizen to the chat they now write from, unless that chat has its own ticket."""
    taken = session.scalar(select(Ticket.id).where(Ticket.active_conversation == conversation_id))
    if taken is not None:
        return
    ticket.conversation_id = conversation_id
    ticket.active_conversation = conversation_id
    ticket.channel = conversation_id.split(":", 1)[0]
    system_line(session=session, ticket=ticket, now=now,
                text=f"The citizen continued on {ticket.channel}; replies go there now.")


def cancel(*, session: Session, ticket: Ticket, now: datetime) -> None:
    """End the ticket at the citizen's request, waiting or with an agent (again: no change)."""
    if ticket.status is TicketStatus.CANCELLED:
        return
    with_agent = ticket.status is TicketStatus.OPEN
    transition(ticket, TicketAction.CANCEL, now=now)
    # the agent reads this line in the ticket; their replies are refused from now on
    system_line(session=session, ticket=ticket, now=now,
                text=("The citizen ended the chat. Replies no longer reach them; the ticket is "
                      "closed." if with_agent else "The citizen left the queue."))


def rate(*, ticket: Ticket, rating: int, comment: str | None, now: datetime) -> None:
    """Record the citizen's 1-5 rating of a resolved ticket (a later rating replaces it).

    Raises:
        ProblemError: `ticket-not-resolved` (409) before the ticket is resolved.
    """
    if ticket.status is not TicketStatus.RESOLVED:
        raise ProblemError(409, "ticket-not-resolved", "Only a resolved ticket can be rated.")
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment, now
    ticket.updated_at = now
