"""What agents do to tickets: take, transfer, requeue, reply, note, resolve.

Each function works in the caller's transaction on a locked ticket, records a system line
for the console, and tells the citizen through the notifier when it concerns them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.domain import EventType
from backend.core.problems import ProblemError
from escalation.domain import MessageKind, Queue, TicketAction, TicketStatus
from escalation.models import Agent, Ticket, TicketMessage
from escalation.runtime import Escalation
from escalation.tickets.locking import lock_ticket_writes
from escalation.tickets.messages import append_message, system_line
from escalation.tickets.service import transition
from escalation.tickets.skills import is_supervisor


def assign(*, session: Session, esc: Escalation, ticket: Ticket, agent: Agent,
           by: Agent | None, now: datetime) -> None:
    """Give a pending ticket to `agent` (claimed, assigned by a supervisor, or routed)."""
    lock_ticket_writes(session)
    transition(ticket, TicketAction.ASSIGN, now=now, agent=agent)
    if by is None:
        text = f"Routed to {agent.name}."
    elif by.id == agent.id:
        text = f"Claimed by {agent.name}."
    else:
        text = f"Assigned to {agent.name} by {by.name}."
    system_line(session=session, ticket=ticket, now=now, text=text)
    esc.notifier.notify(session=session, kind=EventType.TICKET_ASSIGNED, ticket=ticket, now=now,
                        payload={"agent_name": agent.display_name, "queue": ticket.queue.value,
                                 "status": ticket.status.value})


def transfer_to_agent(*, session: Session, esc: Escalation, ticket: Ticket, target: Agent,
                      by: Agent, now: datetime) -> None:
    """Hand the ticket to another agent; a pending ticket is simply assigned to them."""
    lock_ticket_writes(session)
    if ticket.status is TicketStatus.PENDING:
        assign(session=session, esc=esc, ticket=ticket, agent=target, by=by, now=now)
        return
    previous = ticket.agent_id
    transition(ticket, TicketAction.TRANSFER, now=now, agent=target)
    if previous == target.id:
        return
    system_line(session=session, ticket=ticket, now=now,
                text=f"Transferred to {target.name} by {by.name}.")
    esc.notifier.notify(session=session, kind=EventType.TICKET_TRANSFERRED, ticket=ticket,
                        now=now, payload={"agent_name": target.display_name,
                                          "queue": ticket.queue.value,
                                          "status": ticket.status.value})


def requeue(*, session: Session, esc: Escalation, ticket: Ticket, queue: Queue, by: Agent,
            now: datetime) -> None:
    """Put the ticket back in a queue (the same or another) to wait for a skilled agent."""
    lock_ticket_writes(session)
    transition(ticket, TicketAction.REQUEUE, now=now)
    ticket.queue, ticket.requeued_by_id = queue, by.id
    system_line(session=session, ticket=ticket, now=now,
                text=f"Moved to the {queue.value} queue by {by.name}.")
    esc.notifier.notify(session=session, kind=EventType.TICKET_TRANSFERRED, ticket=ticket,
                        now=now, payload={"agent_name": None, "queue": queue.value,
                                          "status": ticket.status.value})


def check_handler(ticket: Ticket, agent: Agent) -> None:
    """Demand that the ticket is open and is the agent's own (supervisors may step in).

    Raises:
        ProblemError: `ticket-closed` (409) when not open, `not-assigned` (403) otherwise.
    """
    if ticket.status is not TicketStatus.OPEN:
        raise ProblemError(409, "ticket-closed", f"Ticket {ticket.number} is {ticket.status}.")
    if ticket.agent_id != agent.id and not is_supervisor(agent):
        raise ProblemError(403, "not-assigned", "Claim the ticket before answering it.")


def reply(*, session: Session, esc: Escalation, ticket: Ticket, agent: Agent, text: str,
          client_message_id: str, now: datetime) -> tuple[TicketMessage, bool]:
    """Store an agent's reply and send it to the citizen; a repeated client id sends nothing."""
    existing = _existing(session, ticket, f"a:{client_message_id}")
    if existing is not None:
        return existing, False
    if ticket.status is TicketStatus.CANCELLED and ticket.agent_id == agent.id:
        # the citizen ended the chat while the agent was writing: the words stay in the ticket,
        # as a note, and never reach the citizen's chat (the assistant has it again)
        return note(session=session, ticket=ticket, agent=agent,
                    text=f"Not sent, the citizen had left: {text}",
                    client_message_id=client_message_id, now=now)
    check_handler(ticket, agent)
    lock_ticket_writes(session)
    message, created = append_message(session=session, ticket=ticket, kind=MessageKind.AGENT,
                                      text=text, now=now, agent=agent,
                                      client_message_id=f"a:{client_message_id}")
    ticket.first_response_at = ticket.first_response_at or now
    esc.notifier.notify(session=session, kind=EventType.TICKET_AGENT_MESSAGE, ticket=ticket,
                        now=now, payload={"message_id": message.id, "seq": message.seq,
                                          "text": message.text,
                                          "agent_name": agent.display_name})
    return message, created


TYPING_EVERY = timedelta(seconds=4)


def typing(*, session: Session, esc: Escalation, ticket: Ticket, agent: Agent,
           now: datetime) -> bool:
    """Tell the citizen the agent is writing; return False when told moments ago."""
    check_handler(ticket, agent)
    if ticket.agent_id != agent.id:
        return False  # a supervisor stepping in is not announced until they actually write
    if ticket.typing_announced_at is not None and now - ticket.typing_announced_at < TYPING_EVERY:
        return False
    ticket.typing_announced_at = now
    esc.notifier.notify(session=session, kind=EventType.TICKET_AGENT_TYPING, ticket=ticket,
                        now=now, payload={"agent_name": agent.display_name})
    return True


def note(*, session: Session, ticket: Ticket, agent: Agent, text: str, client_message_id: str,
         now: datetime) -> tuple[TicketMessage, bool]:
    """Store an internal note: agents and supervisors see it, the citizen never does."""
    return append_message(session=session, ticket=ticket, kind=MessageKind.NOTE, text=text,
                          now=now, agent=agent, client_message_id=f"n:{client_message_id}")


def resolve(*, session: Session, esc: Escalation, ticket: Ticket, agent: Agent, summary: str,
            now: datetime) -> None:
    """Close the ticket with a summary; the assistant takes over and asks for a rating."""
    lock_ticket_writes(session)
    if ticket.status is TicketStatus.OPEN:
        check_handler(ticket, agent)
    transition(ticket, TicketAction.RESOLVE, now=now)
    ticket.resolution_summary = summary
    system_line(session=session, ticket=ticket, now=now, text=f"Resolved by {agent.name}.")
    esc.notifier.notify(session=session, kind=EventType.TICKET_RESOLVED, ticket=ticket, now=now,
                        payload={"summary": summary, "agent_name": agent.display_name})


def _existing(session: Session, ticket: Ticket, client_id: str) -> TicketMessage | None:
    return session.scalar(select(TicketMessage).where(
        TicketMessage.ticket_id == ticket.id, TicketMessage.client_message_id == client_id))
