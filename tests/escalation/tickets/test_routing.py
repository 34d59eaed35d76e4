"""Routing: language and queue skills, security officers, capacity, presence, least busy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from escalation.domain import AgentRole
from escalation.models import Agent
from tests.escalation.helpers import Console, Esc, make_agent, open_ticket, ticket_row

MONDAY_10 = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _office_open(esc: Esc) -> None:
    esc.set_now(MONDAY_10)


def _holder(esc: Esc, ticket: dict[str, object]) -> int | None:
    return ticket_row(esc, str(ticket["number"])).agent_id


def test_swahili_goes_only_to_agents_who_read_swahili(client: httpx.Client, esc: Esc) -> None:
    english = make_agent(esc, languages="en")
    ticket = open_ticket(client, language="sw")
    assert ticket["status"] == "pending" and _holder(esc, ticket) is None
    swahili = make_agent(esc, languages="sw")
    assert open_ticket(client, language="sw")["agent_name"] == swahili.display_name
    assert open_ticket(client, language="en")["agent_name"] == english.display_name


def test_queue_skills_and_security_officers(client: httpx.Client, esc: Esc) -> None:
    make_agent(esc, queues="general")
    make_agent(esc, role=AgentRole.SUPERVISOR,
               queues="general payment security account application")
    assert open_ticket(client, category="payment")["status"] == "pending"
    # an ordinary agent listing "security" still does not get security reports
    make_agent(esc, queues="security payment")
    security = open_ticket(client, reason="security_report", category="account")
    assert security["status"] == "pending"
    officer = make_agent(esc, role=AgentRole.SECURITY_OFFICER, queues="security")
    report = open_ticket(client, reason="security_report", category="account")
    assert (report["status"], report["agent_name"]) == ("open", officer.display_name)


def test_capacity_and_least_busy_first(client: httpx.Client, esc: Esc) -> None:
    busy = make_agent(esc, name="Busy One", max_open=2)
    first = open_ticket(client)
    assert _holder(esc, first) == busy.id
    idle = make_agent(esc, name="Idle Two", max_open=2)
    assert _holder(esc, open_ticket(client)) == idle.id      # 1 vs 0 open
    third = open_ticket(client)                               # 1 vs 1: longest idle wins
    assert _holder(esc, third) == busy.id
    assert _holder(esc, open_ticket(client)) == idle.id
    overflow = open_ticket(client)                            # both at capacity
    assert overflow["status"] == "pending" and overflow["queue_position"] == 1


def test_absent_or_away_agents_and_supervisors_are_not_routed_to(client: httpx.Client,
                                                                 esc: Esc) -> None:
    make_agent(esc, present=False)
    make_agent(esc, accepting=False)
    make_agent(esc, role=AgentRole.SUPERVISOR)
    make_agent(esc, role=AgentRole.EDITOR)
    assert open_ticket(client)["status"] == "pending"


def test_waiting_tickets_reach_an_agent_who_signs_in_or_returns(
    client: httpx.Client, esc: Esc, console: Callable[..., Console]
) -> None:
    agent = make_agent(esc, present=False, max_open=2)
    waiting = [open_ticket(client) for _ in range(3)]
    assert all(t["status"] == "pending" for t in waiting)
    signed_in = console(agent)
    assert [_holder(esc, t) for t in waiting] == [agent.id, agent.id, None]
    assert signed_in.put("/me/availability", {"accepting": False}).json()["accepting"] is False
    assert signed_in.post(f"/tickets/{waiting[0]['number']}/resolve",
                          {"summary": "done"}).status_code == 200
    assert _holder(esc, waiting[2]) is None  # away: nothing new
    assert signed_in.put("/me/availability", {"accepting": True}).status_code == 200
    assert _holder(esc, waiting[2]) == agent.id


def test_queue_poll_is_the_routing_heartbeat(client: httpx.Client, esc: Esc,
                                             console: Callable[..., Console]) -> None:
    agent = make_agent(esc, present=False)
    signed_in = console(agent)
    esc.set_now(MONDAY_10 + timedelta(minutes=30))  # presence lapsed: not routed to
    ticket = open_ticket(client)
    assert ticket["status"] == "pending"
    rows = signed_in.get("/queue").json()["tickets"]
    assert [(r["number"], r["status"]) for r in rows] == [(ticket["number"], "open")]


def test_requeued_ticket_is_not_routed_back_to_its_sender(
    client: httpx.Client, esc: Esc, console: Callable[..., Console]
) -> None:
    first = make_agent(esc, queues="general payment")
    ticket = open_ticket(client)
    assert _holder(esc, ticket) == first.id
    response = console(first).post(f"/tickets/{ticket['number']}/transfer", {"queue": "payment"})
    assert response.status_code == 200 and response.json()["status"] == "pending"
    second = make_agent(esc, queues="payment")
    assert console(second).get("/queue").status_code == 200  # heartbeat
    assert _holder(esc, ticket) == second.id


def test_routing_order_urgent_first(client: httpx.Client, esc: Esc,
                                    console: Callable[..., Console]) -> None:
    normal = open_ticket(client)
    urgent = open_ticket(client, reason="frustration", priority="urgent")
    agent: Agent = make_agent(esc, present=False, max_open=1)
    console(agent)
    assert (_holder(esc, urgent), _holder(esc, normal)) == (agent.id, None)
