"""SLA due times by priority and office hours; queue position and expected wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from escalation.config import EscalationSettings
from escalation.domain import Priority, Queue, TicketStatus
from escalation.models import Ticket
from escalation.runtime import Escalation
from escalation.tickets.sla import is_breached, sla_due_at
from tests.escalation.helpers import TEST_SETTINGS, Esc, make_agent, open_ticket, ticket_row

EAT = timezone(timedelta(hours=3))
RUNTIME = Escalation(settings=TEST_SETTINGS, clock=lambda: datetime.now(UTC))


def eat(*args: int) -> datetime:
    return datetime(*args, tzinfo=EAT)  # type: ignore[misc]


@pytest.mark.parametrize(("priority", "created", "due"), [
    (Priority.URGENT, eat(2025, 1, 12, 3, 0), eat(2025, 1, 12, 3, 15)),    # round the clock
    (Priority.HIGH, eat(2025, 1, 6, 10, 0), eat(2025, 1, 6, 11, 0)),
    (Priority.HIGH, eat(2025, 1, 10, 16, 30), eat(2025, 1, 11, 9, 30)),    # over the night
    (Priority.NORMAL, eat(2025, 1, 6, 10, 0), eat(2025, 1, 6, 14, 0)),
    (Priority.NORMAL, eat(2025, 1, 11, 12, 0), eat(2025, 1, 13, 11, 0)),   # over Sunday
    (Priority.NORMAL, eat(2025, 12, 11, 16, 0), eat(2025, 12, 13, 12, 0)),  # over Jamhuri Day
])
def test_sla_due_by_priority_and_office_hours(priority: Priority, created: datetime,
                                               due: datetime) -> None:
    assert sla_due_at(RUNTIME, priority, created) == due


def test_urgent_in_office_time_when_configured() -> None:
    runtime = Escalation(settings=EscalationSettings(urgent_round_the_clock=False),
                         clock=lambda: datetime.now(UTC))
    assert sla_due_at(runtime, Priority.URGENT, eat(2025, 1, 12, 3, 0)) == eat(2025, 1, 13, 8, 15)


def _ticket(**values: object) -> Ticket:
    base: dict[str, object] = {"status": TicketStatus.PENDING, "sla_due_at": eat(2025, 1, 6, 11),
                               "first_response_at": None, "resolved_at": None,
                               "cancelled_at": None}
    return Ticket(**(base | values))


def test_breach_is_about_the_first_reply() -> None:
    before, after = eat(2025, 1, 6, 10, 30), eat(2025, 1, 6, 11, 30)
    assert not is_breached(_ticket(), before)
    assert is_breached(_ticket(), after)
    assert not is_breached(_ticket(status=TicketStatus.OPEN, first_response_at=before), after)
    assert is_breached(_ticket(status=TicketStatus.OPEN, first_response_at=after), after)
    assert is_breached(_ticket(status=TicketStatus.CANCELLED, cancelled_at=after), after)


MONDAY_10 = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)


def _status(client: httpx.Client, ticket: dict[str, object]) -> dict[str, object]:
    response = client.get(f"/api/v1/tickets/{ticket['number']}",
                          params={"conversation_id": ticket["conversation_id"]})
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def test_queue_position_priority_then_arrival_per_language(client: httpx.Client, esc: Esc
                                                            ) -> None:
    esc.set_now(MONDAY_10)
    first, second, third = (open_ticket(client) for _ in range(3))
    assert [t["queue_position"] for t in (first, second, third)] == [1, 2, 3]
    swahili = open_ticket(client, language="sw")
    assert swahili["queue_position"] == 1
    other_queue = open_ticket(client, category="payment")
    assert other_queue["queue_position"] == 1
    esc.set_now(MONDAY_10 + timedelta(minutes=5))
    high = open_ticket(client, reason="frustration")
    assert high["queue_position"] == 1
    assert [_status(client, t)["queue_position"] for t in (first, second, third)] == [2, 3, 4]
    client.post(f"/api/v1/tickets/{first['number']}/cancel",
                json={"conversation_id": first["conversation_id"]})
    assert [_status(client, t)["queue_position"] for t in (second, third)] == [2, 3]


def test_expected_wait_from_default_capacity_and_history(client: httpx.Client, esc: Esc) -> None:
    esc.set_now(MONDAY_10)
    first, second = open_ticket(client), open_ticket(client)
    # nobody skilled yet: one slot, default 12 minutes per ticket
    assert (first["expected_wait_minutes"], second["expected_wait_minutes"]) == (12, 24)
    make_agent(esc, present=False, max_open=4, languages="en", queues="general")
    assert _status(client, second)["expected_wait_minutes"] == 6  # ceil(2 * 12 / 4)
    make_agent(esc, present=False, max_open=4, languages="sw", queues="general")  # wrong language
    assert _status(client, second)["expected_wait_minutes"] == 6
    # three recent tickets took 40 minutes each: the median replaces the default
    done = [ticket_row(esc, open_ticket(client)["number"]) for _ in range(3)]
    now = esc.now()
    with esc.container.session_factory() as session:
        for minutes, ticket in zip((30, 40, 60), done, strict=True):
            row = session.get(Ticket, ticket.id)
            assert row is not None
            row.status, row.active_conversation = TicketStatus.RESOLVED, None
            row.first_assigned_at = now - timedelta(minutes=minutes)
            row.resolved_at = now
        session.commit()
    assert _status(client, second)["expected_wait_minutes"] == 20  # ceil(2 * 40 / 4)


def test_out_of_hours_the_wait_includes_the_opening(client: httpx.Client, esc: Esc) -> None:
    esc.set_now(datetime(2025, 1, 12, 7, 0, tzinfo=UTC))  # Sunday 10:00 in Nairobi
    ticket = open_ticket(client)
    assert ticket["office_open"] is False
    assert ticket["next_open_at"] == "2025-01-13T05:00:00Z"  # Monday 08:00 EAT
    assert ticket["expected_wait_minutes"] == 22 * 60 + 12
    assert ticket["sla_due_at"] == "2025-01-13T09:00:00Z"  # 4 office hours after opening
    assert ticket_row(esc, ticket["number"]).queue is Queue.GENERAL


def test_an_urgent_ticket_out_of_hours_is_not_told_to_wait_for_the_office(
    client: httpx.Client, esc: Esc,
) -> None:
    esc.set_now(datetime(2025, 1, 12, 7, 0, tzinfo=UTC))  # Sunday 10:00 in Nairobi
    ticket = open_ticket(client, reason="security_report", category="security")
    assert ticket["priority"] == "urgent"
    assert (ticket["office_open"], ticket["next_open_at"]) == (True, None)
    assert ticket["expected_wait_minutes"] == 12  # one slot, the default 12 minutes
    assert ticket["sla_due_at"].startswith("2025-01-12T07:15:00")  # 15 minutes, at any hour
