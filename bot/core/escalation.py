"""The escalation port: human support tickets as the assistant uses them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.backend import ChatAuth


@dataclass(frozen=True, slots=True)
class Ticket:
    """A support ticket as the citizen may see it."""

    number: str
    status: str
    priority: str = "normal"
    queue_position: int = 0
    expected_wait_minutes: int = 0
    office_open: bool = True
    next_open_at: datetime | None = None
    agent_name: str | None = None


@dataclass(frozen=True, slots=True)
class TicketRequest:
    """What the assistant hands over when it brings in a person."""

    conversation_id: str
    channel: str
    language: str
    category: str
    reason: str
    transcript: Sequence[dict[str, str]]
    priority: str | None = None
    summary: str | None = None
    security_report_reference: str | None = None


class EscalationClient(Protocol):
    """Open tickets, pass citizens' messages on, read a ticket's status, rate and cancel."""

    async def open_ticket(self, request: TicketRequest, auth: ChatAuth | None,
                          idempotency_key: str) -> Ticket:
        """Open a ticket (or return the conversation's open one)."""
        ...

    async def post_message(self, number: str, conversation_id: str, text: str,
                           client_message_id: str, auth: ChatAuth | None) -> None:
        """Add the citizen's message to the ticket."""
        ...

    async def ticket(self, number: str, conversation_id: str, auth: ChatAuth | None) -> Ticket:
        """Return a ticket of this conversation (or citizen); NotFound otherwise."""
        ...

    async def open_ticket_for(self, conversation_id: str, auth: ChatAuth | None) -> Ticket | None:
        """Return the open ticket of this conversation or signed-in citizen, if any."""
        ...

    async def rate(self, number: str, conversation_id: str, rating: int,
                   comment: str | None = None) -> None:
        """Record the citizen's 1-5 rating of the help, with their comment if they wrote one."""
        ...

    async def cancel(self, number: str, conversation_id: str) -> None:
        """Leave the queue before an agent takes the ticket."""
        ...
