"""Transcript lines: stored with a per-ticket sequence number, at most once per client id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalation.domain import MessageKind
from escalation.models import Agent, Ticket, TicketMessage

MAX_TEXT = 4000


def append_message(
    *,
    session: Session,
    ticket: Ticket,
    kind: MessageKind,
    text: str,
    now: datetime,
    agent: Agent | None = None,
    client_message_id: str | None = None,
    sent_at: datetime | None = None,
) -> tuple[TicketMessage, bool]:
    """Add a line in the caller's transaction; return it and whether it is new.

    The caller holds the ticket row (`get_ticket(..., lock=True)`), so sequence numbers are
    handed out one writer at a time and a client id sent twice finds its first message.
    """
    if client_message_id is not None:
        existing = session.scalar(
            select(TicketMessage).where(
                TicketMessage.ticket_id == ticket.id,
                TicketMessage.client_message_id == client_message_id,
            )
        )
        if existing is not None:
            return existing, False
    ticket.last_seq += 1
    ticket.updated_at = now
    message = TicketMessage(
        ticket_id=ticket.id,
        seq=ticket.last_seq,
        kind=kind,
        agent_id=agent.id if agent is not None else None,
        text=text[:MAX_TEXT],
        client_message_id=client_message_id,
        sent_at=sent_at or now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message, True


def system_line(*, session: Session, ticket: Ticket, text: str, now: datetime) -> TicketMessage:
    """Record what happened to the ticket (agents see it; citizens never do)."""
    message, _ = append_message(
        session=session, ticket=ticket, kind=MessageKind.SYSTEM, text=text, now=now
    )
    return message


def messages_after(
    *, session: Session, ticket_id: int, after: int = 0, limit: int = 500
) -> Sequence[TicketMessage]:
    """Return a ticket's lines with seq above `after`, in order."""
    return session.scalars(
        select(TicketMessage)
        .where(TicketMessage.ticket_id == ticket_id, TicketMessage.seq > after)
        .order_by(TicketMessage.seq)
        .limit(limit)
    ).all()
