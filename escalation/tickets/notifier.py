"""How citizens hear about their ticket: a port, and the event-outbox adapter used by default.

The assistant polls the backend's event outbox (`GET /api/v1/service/events`) and pushes each
ticket event into the citizen's chat, routed by the payload's `conversation_id`. Writing the
event in the same transaction as the change means an agent's reply is never acknowledged
without its notification, and never notified without being stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from backend.core.domain import EventType
from backend.core.events import append_event
from escalation.models import Ticket


class TicketNotifier(Protocol):
    """Sends ticket events toward the citizen's channel."""

    def notify(
        self,
        *,
        session: Session,
        kind: EventType,
        ticket: Ticket,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        """Record or send one event; runs inside the caller's transaction."""
        ...


class OutboxNotifier:
    """Appends ticket events to the backend's event outbox."""

    def notify(
        self,
        *,
        session: Session,
        kind: EventType,
        ticket: Ticket,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        """Append the event; every payload names the ticket, conversation and language."""
        body = {
            "number": ticket.number,
            "conversation_id": ticket.conversation_id,
            "language": ticket.language.value,
            **payload,
        }
        append_event(
            session=session, type=kind, citizen_id=ticket.citizen_id, payload=body, now=now
        )
