"""Turn tickets into what leaves the service: for the citizen's chat and for the console."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from escalation.models import Agent, Ticket
from escalation.runtime import Escalation
from escalation.schemas import TicketOut
from escalation.tickets.sla import outlook


def agent_name(session: Session, ticket: Ticket) -> str | None:
    """Return the name citizens see for the ticket's agent, if it has one."""
    if ticket.agent_id is None:
        return None
    agent = session.get(Agent, ticket.agent_id)
    return agent.display_name if agent is not None else None


def ticket_out(session: Session, esc: Escalation, ticket: Ticket, now: datetime) -> TicketOut:
    """Present a ticket to the assistant, with queue position and office hours."""
    view = outlook(session, esc, ticket, now)
    return TicketOut(
        number=ticket.number,
        status=ticket.status,
        priority=ticket.priority,
        category=ticket.category,
        language=ticket.language,
        queue=ticket.queue,
        queue_position=view.queue_position,
        expected_wait_minutes=view.expected_wait_minutes,
        office_open=view.office_open,
        next_open_at=view.next_open_at,
        sla_due_at=ticket.sla_due_at,
        agent_name=agent_name(session, ticket),
        conversation_id=ticket.conversation_id,
        created_at=ticket.created_at,
        resolved_at=ticket.resolved_at,
        resolution_summary=ticket.resolution_summary,
        rating=ticket.rating,
    )
