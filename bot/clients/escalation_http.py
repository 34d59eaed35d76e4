"""The escalation port over HTTP: the same backend service, its /tickets endpoints."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.clients.backend_http import API, HttpBackendClient
from bot.core.backend import ChatAuth, NotFound
from bot.core.escalation import Ticket, TicketRequest


class HttpEscalationClient(HttpBackendClient):
    """Backend client that also opens and follows support tickets."""

    async def open_ticket(self, request: TicketRequest, auth: ChatAuth | None,
                          idempotency_key: str) -> Ticket:
        """Open a ticket (or get the conversation's open one back)."""
        body = {
            "conversation_id": request.conversation_id, "channel": request.channel,
            "language": request.language, "category": request.category,
            "reason": request.reason, "transcript": list(request.transcript),
            "priority": request.priority, "summary": request.summary,
            "security_report_reference": request.security_report_reference,
        }
        data = await self._call("POST", f"{API}/tickets", auth=auth,
                                json={k: v for k, v in body.items() if v is not None},
                                headers={"Idempotency-Key": idempotency_key})
        return _ticket(data)

    async def post_message(self, number: str, conversation_id: str, text: str,
                           client_message_id: str, auth: ChatAuth | None) -> None:
        """Add the citizen's message to the ticket."""
        await self._call("POST", f"{API}/tickets/{number}/messages", auth=auth, json={
            "conversation_id": conversation_id, "text": text,
            "client_message_id": client_message_id})

    async def ticket(self, number: str, conversation_id: str, auth: ChatAuth | None) -> Ticket:
        """Return one of this conversation's (or citizen's) tickets."""
        return _ticket(await self._call("GET", f"{API}/tickets/{number}", auth=auth,
                                        params={"conversation_id": conversation_id}))

    async def open_ticket_for(self, conversation_id: str, auth: ChatAuth | None) -> Ticket | None:
        """Return the open ticket of this conversation or citizen, if any."""
        try:
            data = await self._call("GET", f"{API}/tickets/open", auth=auth,
                                    params={"conversation_id": conversation_id})
        except NotFound:
            return None
        return _ticket(data)

    async def rate(self, number: str, conversation_id: str, rating: int,
                   comment: str | None = None) -> None:
        """Record the citizen's rating (and comment)."""
        await self._call("POST", f"{API}/tickets/{number}/rating",
                         json={"conversation_id": conversation_id, "rating": rating,
                               "comment": comment})

    async def cancel(self, number: str, conversation_id: str) -> None:
        """Leave the queue."""
        await self._call("POST", f"{API}/tickets/{number}/cancel",
                         json={"conversation_id": conversation_id})


def _ticket(data: Mapping[str, Any]) -> Ticket:
    next_open = data.get("next_open_at")
    return Ticket(
        number=data["number"], status=data["status"], priority=data.get("priority", "normal"),
        queue_position=int(data.get("queue_position") or 0),
        expected_wait_minutes=int(data.get("expected_wait_minutes") or 0),
        office_open=bool(data.get("office_open", True)),
        next_open_at=(datetime.fromisoformat(next_open.replace("Z", "+00:00"))
                      if next_open else None),
        agent_name=data.get("agent_name"),
    )
