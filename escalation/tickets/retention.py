"""Storage limitation (Data Protection Act 2019, s.25(g) and s.39): mask old transcripts.

A closed ticket keeps its shape (who, when, queue, SLA, rating) for statistics, but the
personal data in its texts is masked for good once the retention period has passed.
Masking is idempotent: a masked text has nothing left to mask.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from escalation.domain import TicketStatus
from escalation.models import Ticket, TicketMessage
from privacy.redact import mask


def redact_closed_tickets(*, session: Session, older_than: timedelta, now: datetime) -> int:
    """Mask personal data in tickets closed before `now - older_than`; return texts changed."""
    closed_at = func.coalesce(Ticket.resolved_at, Ticket.cancelled_at)
    tickets = session.scalars(select(Ticket).where(
        Ticket.status.in_((TicketStatus.RESOLVED, TicketStatus.CANCELLED)),
        closed_at < now - older_than,
    )).all()
    changed = 0
    for ticket in tickets:
        for field in ("summary", "resolution_summary", "rating_comment"):
            value = getattr(ticket, field)
            if value and mask(value) != value:
                setattr(ticket, field, mask(value))
                changed += 1
        for message in session.scalars(
            select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
        ):
            masked = mask(message.text)
            if masked != message.text:
                message.text = masked
                changed += 1
    session.flush()
    return changed
