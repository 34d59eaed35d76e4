"""Reveal one masked item of a ticket to an agent, and log it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from backend.core.models import Citizen
from backend.core.problems import ProblemError
from escalation.console.reveals import log_reveal, masked
from escalation.console.schemas import RevealIn, RevealOut
from escalation.console.views import citizen_view
from escalation.models import Agent, Ticket, TicketMessage


def reveal(*, session: Session, agent: Agent, ticket: Ticket, body: RevealIn, now: datetime
           ) -> RevealOut:
    """Return the unmasked message, summary or citizen; log it when something was masked.

    Raises:
        ProblemError: `not-found` (404) for a message of another ticket or a missing item.
    """
    if body.target == "citizen":
        citizen = session.get(Citizen, ticket.citizen_id) if ticket.citizen_id else None
        if citizen is None:
            raise ProblemError(404, "not-found", "This ticket is not linked to a citizen.")
        log_reveal(session=session, agent=agent, ticket=ticket, target="citizen",
                   kinds="citizen", now=now)
        return RevealOut(citizen=citizen_view(citizen, reveal=True))
    if body.target == "summary":
        if not ticket.summary:
            raise ProblemError(404, "not-found", "This ticket has no summary.")
        raw, message_id = ticket.summary, None
    else:
        message = session.get(TicketMessage, body.message_id) if body.message_id else None
        if message is None or message.ticket_id != ticket.id:
            raise ProblemError(404, "not-found", "No such message in this ticket.")
        raw, message_id = message.text, message.id
    kinds = masked(raw).kinds
    if kinds:
        log_reveal(session=session, agent=agent, ticket=ticket, target=body.target,
                   kinds=" ".join(kinds), now=now, message_id=message_id)
    return RevealOut(text=raw)
