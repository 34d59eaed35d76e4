"""The status table, ticket numbers, priorities and queues; races on one conversation."""

from __future__ import annotations

import itertools
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest

from backend.core.problems import ProblemError
from escalation.domain import (
    TICKET_TRANSITIONS,
    Category,
    Priority,
    Queue,
    Reason,
    TicketAction,
    TicketStatus,
    priority_for,
    queue_for,
)
from escalation.models import Agent, Ticket
from escalation.tickets.service import normalize_number, transition
from tests.escalation.helpers import Esc, open_ticket, ticket_body

NOW = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
EXPECTED = {
    (TicketStatus.PENDING, TicketAction.ASSIGN): TicketStatus.OPEN,
    (TicketStatus.PENDING, TicketAction.REQUEUE): TicketStatus.PENDING,
    (TicketStatus.PENDING, TicketAction.CANCEL): TicketStatus.CANCELLED,
    (TicketStatus.OPEN, TicketAction.TRANSFER): TicketStatus.OPEN,
    (TicketStatus.OPEN, TicketAction.REQUEUE): TicketStatus.PENDING,
    (TicketStatus.OPEN, TicketAction.RESOLVE): TicketStatus.RESOLVED,
    (TicketStatus.OPEN, TicketAction.CANCEL): TicketStatus.CANCELLED,
}


def _ticket(status: TicketStatus) -> Ticket:
    return Ticket(status=status, conversation_id="telegram:1", agent_id=None, number="T-000001",
                  first_assigned_at=None)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(TicketStatus, TicketAction)))
def test_every_status_and_action_follows_the_table(status: TicketStatus,
                                                   action: TicketAction) -> None:
    ticket, agent = _ticket(status), Agent(id=7)
    target = EXPECTED.get((status, action))
    if target is None:
        with pytest.raises(ProblemError) as refused:
            transition(ticket, action, now=NOW, agent=agent)
        assert (refused.value.status, refused.value.kind) == (409, "invalid-transition")
        assert ticket.status is status
        return
    assert transition(ticket, action, now=NOW, agent=agent) is target
    assert ticket.status is target
    live = target in (TicketStatus.PENDING, TicketStatus.OPEN)
    assert ticket.active_conversation == ("telegram:1" if live else None)
    assert ticket.agent_id == (7 if target is TicketStatus.OPEN else None)


def test_table_is_what_the_docs_say() -> None:
    assert dict(TICKET_TRANSITIONS) == EXPECTED


def test_resolved_and_cancelled_are_final() -> None:
    final = {TicketStatus.RESOLVED, TicketStatus.CANCELLED}
    assert not [key for key in TICKET_TRANSITIONS if key[0] in final]


@pytest.mark.parametrize(("raw", "number"), [
    ("T-000123", "T-000123"), ("t123", "T-000123"), ("T 42", "T-000042"),
    (" T-1234567 ", "T-1234567"), ("X-000123", None), ("T-", None), ("open", None),
])
def test_ticket_numbers_are_normalised(raw: str, number: str | None) -> None:
    assert normalize_number(raw) == number


def test_priority_floor_and_queue() -> None:
    assert priority_for(Reason.SECURITY_REPORT, Priority.NORMAL) is Priority.URGENT
    assert priority_for(Reason.EXPLICIT, None) is Priority.NORMAL
    assert priority_for(Reason.EXPLICIT, Priority.HIGH) is Priority.HIGH
    assert priority_for(Reason.PAYMENT_FAILED, None) is Priority.HIGH
    assert queue_for(Category.PAYMENT, Reason.SECURITY_REPORT) is Queue.SECURITY
    assert queue_for(Category.APPLICATION, Reason.MISSES) is Queue.APPLICATION


def test_concurrent_opens_for_one_conversation_make_one_ticket(client: httpx.Client,
                                                               esc: Esc) -> None:
    body = ticket_body("whatsapp:254700000001")

    def post(_: int) -> httpx.Response:
        return client.post("/api/v1/tickets", json=body,
                           headers={"Idempotency-Key": uuid.uuid4().hex})

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(6)))
    assert sorted(r.status_code for r in responses) == [200] * 5 + [201]
    assert len({r.json()["number"] for r in responses}) == 1


def test_concurrent_messages_get_distinct_ordered_seqs(client: httpx.Client, esc: Esc) -> None:
    number = open_ticket(client, "webchat:race")["number"]

    def post(i: int) -> httpx.Response:
        return client.post(f"/api/v1/tickets/{number}/messages", json={
            "conversation_id": "webchat:race", "text": f"m{i}", "client_message_id": f"id{i % 10}"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(20)))  # each client id sent twice
    assert all(r.status_code == 201 for r in responses)
    acks = {(r.json()["id"], r.json()["seq"]) for r in responses}
    assert len(acks) == 10 and len({seq for _, seq in acks}) == 10
