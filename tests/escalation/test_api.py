"""The bot-facing ticket API: open, idempotency, access, messages, cancel, rating, events."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from backend.core.domain import Language
from escalation.domain import AgentRole
from tests.backend.helpers import assert_problem, issue_token, make_citizen
from tests.escalation.helpers import (
    Console,
    Esc,
    make_agent,
    open_ticket,
    ticket_body,
    ticket_events,
)

MONDAY_10 = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)  # 10:00 in Nairobi, office open


@pytest.fixture(autouse=True)
def _office_open(esc: Esc) -> None:
    esc.set_now(MONDAY_10)


def test_create_ticket_returns_contract_shape(client: httpx.Client) -> None:
    response = client.post("/api/v1/tickets", json=ticket_body("webchat:abc", language="sw"),
                           headers={"Idempotency-Key": "k1"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"].startswith("T-") and len(body["number"]) == 8
    assert body | {"number": "x", "sla_due_at": "x", "created_at": "x"} == {
        "number": "x", "status": "pending", "priority": "normal", "category": "general",
        "language": "sw", "queue": "general", "queue_position": 1,
        "expected_wait_minutes": body["expected_wait_minutes"], "office_open": True,
        "next_open_at": None, "sla_due_at": "x", "agent_name": None,
        "conversation_id": "webchat:abc", "created_at": "x", "resolved_at": None,
        "resolution_summary": None, "rating": None}
    assert body["expected_wait_minutes"] >= 1


def test_create_ticket_same_key_replays_and_open_ticket_is_reused(client: httpx.Client) -> None:
    body = ticket_body("telegram:42")
    first = client.post("/api/v1/tickets", json=body, headers={"Idempotency-Key": "same"})
    again = client.post("/api/v1/tickets", json=body, headers={"Idempotency-Key": "same"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    other_key = client.post("/api/v1/tickets", json=body, headers={"Idempotency-Key": "other"})
    assert other_key.status_code == 200
    assert other_key.json()["number"] == first.json()["number"]


def test_create_ticket_refusals(client: httpx.Client, esc: Esc) -> None:
    assert_problem(client.post("/api/v1/tickets", json=ticket_body()), 400,
                   "idempotency-key-required")
    assert_problem(client.post("/api/v1/tickets", json=ticket_body(channel="whatsapp"),
                               headers={"Idempotency-Key": "x"}), 422, "validation-error")
    assert_problem(client.post("/api/v1/tickets", json=ticket_body(reason="bored"),
                               headers={"Idempotency-Key": "y"}), 422, "validation-error")
    with httpx.Client(base_url=esc.url) as anonymous:
        assert_problem(anonymous.post("/api/v1/tickets", json=ticket_body(),
                                      headers={"Idempotency-Key": "z"}), 401,
                       "service-key-invalid")


def test_security_report_goes_urgent_to_security_queue(client: httpx.Client) -> None:
    body = open_ticket(client, category="account", reason="security_report", priority="normal",
                       security_report_reference="SR-2025-000001")
    assert (body["queue"], body["priority"]) == ("security", "urgent")
    assert open_ticket(client, reason="frustration", priority="urgent")["priority"] == "urgent"
    assert open_ticket(client, reason="payment_failed")["priority"] == "high"


def test_read_ticket_only_from_its_conversation(client: httpx.Client) -> None:
    number = open_ticket(client, "telegram:1")["number"]
    mine = client.get(f"/api/v1/tickets/{number}", params={"conversation_id": "telegram:1"})
    assert mine.status_code == 200 and mine.json()["number"] == number
    lowercase = client.get(f"/api/v1/tickets/{number.lower().replace('-', '')}",
                           params={"conversation_id": "telegram:1"})
    assert lowercase.json()["number"] == number
    assert_problem(client.get(f"/api/v1/tickets/{number}",
                              params={"conversation_id": "telegram:2"}), 404, "not-found")
    assert_problem(client.get(f"/api/v1/tickets/{number}"), 404, "not-found")
    assert_problem(client.get("/api/v1/tickets/T-999999",
                              params={"conversation_id": "telegram:1"}), 404, "not-found")


def test_linked_ticket_follows_the_citizen_not_another_citizen(
    client: httpx.Client, esc: Esc
) -> None:
    wanjiru = make_citizen(esc.container, language=Language.SW)
    john = make_citizen(esc.container)
    on_telegram = issue_token(esc.container, wanjiru, "telegram:77")
    on_web = issue_token(esc.container, wanjiru, "webchat:w77")
    johns = issue_token(esc.container, john, "webchat:j1")
    number = open_ticket(client, "telegram:77", headers=on_telegram)["number"]

    found = client.get("/api/v1/tickets/open", params={"conversation_id": "webchat:w77"},
                       headers=on_web)
    assert found.status_code == 200 and found.json()["number"] == number
    assert client.get(f"/api/v1/tickets/{number}", params={"conversation_id": "webchat:w77"},
                      headers=on_web).status_code == 200
    assert_problem(client.get(f"/api/v1/tickets/{number}",
                              params={"conversation_id": "webchat:j1"}, headers=johns),
                   404, "not-found")
    assert_problem(client.get("/api/v1/tickets/open", params={"conversation_id": "webchat:j1"},
                              headers=johns), 404, "not-found")
    assert_problem(client.get("/api/v1/tickets/open",
                              params={"conversation_id": "webchat:w77"}), 404, "not-found")

    # writing from the web chat moves the ticket there: agent replies now go to the web chat
    posted = client.post(f"/api/v1/tickets/{number}/messages", headers=on_web, json={
        "conversation_id": "webchat:w77", "text": "Niko hapa sasa", "client_message_id": "m1"})
    assert posted.status_code == 201
    assert client.get("/api/v1/tickets/open", params={"conversation_id": "webchat:w77"}
                      ).json()["conversation_id"] == "webchat:w77"
    # a stolen token of another chat does not work
    assert_problem(client.get("/api/v1/tickets/open", params={"conversation_id": "webchat:w77"},
                              headers={**on_web, "X-Chat-Identity": "webchat:other"}),
                   401, "token-invalid")


def test_open_ticket_lookup_by_conversation(client: httpx.Client) -> None:
    assert_problem(client.get("/api/v1/tickets/open", params={"conversation_id": "telegram:5"}),
                   404, "not-found")
    number = open_ticket(client, "telegram:5")["number"]
    assert client.get("/api/v1/tickets/open",
                      params={"conversation_id": "telegram:5"}).json()["number"] == number


def test_citizen_messages_are_ordered_and_idempotent(client: httpx.Client) -> None:
    number = open_ticket(client, "telegram:9")["number"]
    acks = []
    for i in range(5):
        response = client.post(f"/api/v1/tickets/{number}/messages", json={
            "conversation_id": "telegram:9", "text": f"message {i}", "client_message_id": f"c{i}"})
        assert response.status_code == 201
        acks.append(response.json())
    seqs = [a["seq"] for a in acks]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    again = client.post(f"/api/v1/tickets/{number}/messages", json={
        "conversation_id": "telegram:9", "text": "message 0", "client_message_id": "c0"})
    assert again.status_code == 201 and again.json() == acks[0]
    assert_problem(client.post(f"/api/v1/tickets/{number}/messages", json={
        "conversation_id": "telegram:10", "text": "hi", "client_message_id": "x"}), 404,
        "not-found")
    assert_problem(client.post(f"/api/v1/tickets/{number}/messages", json={
        "conversation_id": "telegram:9", "text": "   ", "client_message_id": "y"}), 422,
        "validation-error")


def test_cancel_while_waiting(client: httpx.Client, esc: Esc) -> None:
    number = open_ticket(client, "telegram:11")["number"]
    cancelled = client.post(f"/api/v1/tickets/{number}/cancel",
                            json={"conversation_id": "telegram:11"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.post(f"/api/v1/tickets/{number}/cancel",
                       json={"conversation_id": "telegram:11"}).status_code == 200
    assert_problem(client.post(f"/api/v1/tickets/{number}/messages", json={
        "conversation_id": "telegram:11", "text": "hello?", "client_message_id": "z"}), 409,
        "ticket-closed")
    # a new request opens a new ticket
    assert open_ticket(client, "telegram:11")["number"] != number



def test_the_citizen_ends_a_chat_an_agent_has(client: httpx.Client, esc: Esc,
                                              console: Callable[..., Console]) -> None:
    agent = make_agent(esc, max_open=1)
    taken = open_ticket(client, "telegram:12")
    assert taken["status"] == "open"
    ended = client.post(f"/api/v1/tickets/{taken['number']}/cancel",
                        json={"conversation_id": "telegram:12"})
    assert ended.status_code == 200 and ended.json()["status"] == "cancelled"
    desk = console(agent)
    lines = desk.get(f"/tickets/{taken['number']}/messages").json()
    lines = lines["messages"] if isinstance(lines, dict) else lines
    assert any("The citizen ended the chat" in str(m.get("text")) for m in lines)
    late = desk.say(taken["number"], "Are you still there?")  # written as the citizen left
    assert late.status_code == 201  # kept in the ticket as a note, never sent to the chat
    lines = desk.get(f"/tickets/{taken['number']}/messages").json()
    lines = lines["messages"] if isinstance(lines, dict) else lines
    assert lines[-1]["kind"] == "note"
    assert lines[-1]["text"] == "Not sent, the citizen had left: Are you still there?"
    events = client.get("/api/v1/service/events").json()["events"]
    assert not [e for e in events if e["type"] == "ticket.agent_message"
                and e["payload"]["conversation_id"] == "telegram:12"]
    # the agent's one slot is free again: the next citizen is routed to them
    assert open_ticket(client, "telegram:14")["status"] == "open"


def test_rating_after_resolution_only(client: httpx.Client, esc: Esc,
                                     console: Callable[..., Console]) -> None:
    agent = make_agent(esc, name="Achieng Odhiambo")
    ticket = open_ticket(client, "telegram:13")
    assert (ticket["status"], ticket["agent_name"]) == ("open", "Achieng")
    number = ticket["number"]
    rate = {"conversation_id": "telegram:13", "rating": 5, "comment": "Asante"}
    assert_problem(client.post(f"/api/v1/tickets/{number}/rating", json=rate), 409,
                   "ticket-not-resolved")
    agent_console = console(agent)
    assert agent_console.post(f"/tickets/{number}/resolve", {"summary": "Passport ready"}
                        ).status_code == 200
    assert_problem(client.post(f"/api/v1/tickets/{number}/rating", json=rate | {"rating": 6}),
                   422, "validation-error")
    rated = client.post(f"/api/v1/tickets/{number}/rating", json=rate)
    assert rated.status_code == 200
    assert (rated.json()["rating"], rated.json()["status"]) == (5, "resolved")
    assert rated.json()["resolution_summary"] == "Passport ready"


def test_events_carry_conversation_and_citizen(client: httpx.Client, esc: Esc,
                                              console: Callable[..., Console]) -> None:
    citizen = make_citizen(esc.container)
    headers = issue_token(esc.container, citizen, "telegram:14")
    supervisor = make_agent(esc, role=AgentRole.SUPERVISOR, name="Grace Wambui",
                            queues="general payment security account application")
    achieng = make_agent(esc, name="Achieng Odhiambo", present=False)
    number = open_ticket(client, "telegram:14", headers=headers)["number"]
    boss = console(supervisor)
    assert boss.post(f"/tickets/{number}/assign", {"agent_id": achieng.id}).status_code == 200
    achieng_console = console(achieng)
    reply = achieng_console.say(number, "Habari, nimeona ombi lako.")
    assert reply.status_code == 201
    achieng_console.say(number, "internal: check DCI", internal=True)
    assert achieng_console.post(f"/tickets/{number}/transfer",
                                {"queue": "payment"}).status_code == 200
    assert boss.post(f"/tickets/{number}/claim").status_code == 200
    assert boss.post(f"/tickets/{number}/resolve", {"summary": "Done"}).status_code == 200

    events = ticket_events(client)
    assert [e["type"] for e in events] == [
        "ticket.assigned", "ticket.agent_message", "ticket.transferred", "ticket.assigned",
        "ticket.resolved"]
    for event in events:
        assert event["citizen_id"] == citizen.id
        assert event["payload"]["conversation_id"] == "telegram:14"
        assert event["payload"]["number"] == number
        assert event["payload"]["language"] == "en"
    assigned, message, transferred, _, resolved = (e["payload"] for e in events)
    assert assigned["agent_name"] == "Achieng"
    assert message["text"] == "Habari, nimeona ombi lako." and message["agent_name"] == "Achieng"
    assert message["message_id"] == reply.json()["messages"][0]["id"]
    assert (transferred["queue"], transferred["status"], transferred["agent_name"]) == (
        "payment", "pending", None)
    assert resolved == resolved | {"summary": "Done", "agent_name": "Grace"}
    assert not any("internal" in str(e["payload"]) for e in events)  # notes never leave


def test_unlinked_ticket_events_have_no_citizen(client: httpx.Client, esc: Esc) -> None:
    make_agent(esc)
    open_ticket(client, "webchat:" + uuid.uuid4().hex[:8])
    (event,) = ticket_events(client)
    assert event["type"] == "ticket.assigned" and event["citizen_id"] is None


def test_transcript_lines_without_time_or_text_are_tolerated(client: httpx.Client,
                                                             esc: Esc) -> None:
    from sqlalchemy import select

    from escalation.models import TicketMessage

    body = open_ticket(client, transcript=[
        {"role": "citizen", "text": "hello", "at": ""},
        {"role": "bot", "text": "   "},
        {"role": "citizen", "text": "a person please", "at": "2025-01-06T06:59:00+00:00"},
    ])
    with esc.container.session_factory() as session:
        lines = session.scalars(select(TicketMessage).order_by(TicketMessage.seq)).all()
    assert [(m.seq, m.kind.value, m.text) for m in lines][:2] == [
        (1, "citizen", "hello"), (2, "citizen", "a person please")]
    assert lines[0].sent_at >= MONDAY_10  # no time given: when it was stored
    assert lines[1].sent_at == datetime(2025, 1, 6, 6, 59, tzinfo=UTC)
    assert body["status"] == "pending"
