"""Console ticket work: access by skill, claim, reply, notes, transfer, assign, resolve."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from escalation.domain import AgentRole
from tests.backend.helpers import assert_problem
from tests.escalation.helpers import Console, Esc, make_agent, open_ticket, ticket_events

MONDAY_10 = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
SignIn = Callable[..., Console]


@pytest.fixture(autouse=True)
def _office_open(esc: Esc) -> None:
    esc.set_now(MONDAY_10)


def test_agent_without_the_skill_cannot_open_or_claim(client: httpx.Client, esc: Esc,
                                                      console: SignIn) -> None:
    english = console(make_agent(esc, languages="en", present=False))
    payments_only = console(make_agent(esc, queues="payment", present=False))
    plain = console(make_agent(esc, queues="general security", present=False))
    swahili = open_ticket(client, language="sw")["number"]
    report = open_ticket(client, reason="security_report")["number"]
    general = open_ticket(client)["number"]
    for who, number in ((english, swahili), (payments_only, general), (plain, report)):
        assert_problem(who.get(f"/tickets/{number}"), 404, "not-found")
        assert_problem(who.get(f"/tickets/{number}/messages"), 404, "not-found")
        assert_problem(who.post(f"/tickets/{number}/claim"), 404, "not-found")
        assert_problem(who.say(number, "hello"), 404, "not-found")
        assert number not in {t["number"] for t in who.get("/queue").json()["tickets"]}
    officer = console(make_agent(esc, role=AgentRole.SECURITY_OFFICER, queues="security",
                                 present=False))
    assert officer.post(f"/tickets/{report}/claim").json()["status"] == "open"


def test_claim_reply_note_and_resolve(client: httpx.Client, esc: Esc, console: SignIn) -> None:
    agent = console(make_agent(esc, name="Achieng Odhiambo", present=False, accepting=False))
    ticket = open_ticket(client, "telegram:200")
    number = ticket["number"]
    queue = agent.get("/queue").json()
    assert [t["number"] for t in queue["tickets"]] == [number] and queue["pending"] == 1
    detail = agent.get(f"/tickets/{number}").json()
    assert [m["kind"] for m in detail["messages"]] == ["citizen", "bot", "citizen", "system"]
    assert detail["can"] == {"claim": True, "reply": True, "note": True, "transfer": False,
                             "assign": False, "resolve": False}
    claimed = agent.post(f"/tickets/{number}/claim").json()
    assert claimed["status"] == "open" and claimed["agent"]["name"] == "Achieng Odhiambo"
    assert claimed["can"]["resolve"] and not claimed["can"]["claim"]
    assert agent.post(f"/tickets/{number}/claim").status_code == 200  # again: no change

    reply = agent.say(number, "Hello, I am checking.")
    note = agent.say(number, "Looks like a DCI backlog", internal=True)
    assert (reply.status_code, note.status_code) == (201, 201)
    client.post(f"/api/v1/tickets/{number}/messages", json={
        "conversation_id": "telegram:200", "text": "Thank you", "client_message_id": "t1"})
    lines = agent.get(f"/tickets/{number}/messages",
                      params={"after": reply.json()["messages"][0]["seq"] - 1}).json()["messages"]
    assert [(m["kind"], m["text"]) for m in lines] == [
        ("agent", "Hello, I am checking."), ("note", "Looks like a DCI backlog"),
        ("citizen", "Thank you")]
    assert [m["seq"] for m in lines] == sorted(m["seq"] for m in lines)

    assert_problem(agent.post(f"/tickets/{number}/resolve", {"summary": "  "}), 422,
                   "validation-error")
    resolved = agent.post(f"/tickets/{number}/resolve", {"summary": "Your passport is ready."})
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution_summary"] == "Your passport is ready."
    assert_problem(agent.say(number, "one more thing"), 409, "ticket-closed")
    assert agent.say(number, "follow-up note", internal=True).status_code == 201
    assert_problem(agent.post(f"/tickets/{number}/claim"), 409, "invalid-transition")
    assert_problem(agent.post(f"/tickets/{number}/resolve", {"summary": "again"}), 409,
                   "invalid-transition")
    kinds = [e["type"] for e in ticket_events(client)]
    assert kinds == ["ticket.assigned", "ticket.agent_message", "ticket.resolved"]


def test_repeated_client_message_id_sends_once(client: httpx.Client, esc: Esc,
                                               console: SignIn) -> None:
    agent = console(make_agent(esc))
    number = open_ticket(client)["number"]
    body = {"text": "Once only", "client_message_id": "abc", "internal": False}
    first = agent.post(f"/tickets/{number}/messages", body).json()["messages"][0]
    second = agent.post(f"/tickets/{number}/messages", body).json()["messages"][0]
    assert first["id"] == second["id"]
    assert [e["type"] for e in ticket_events(client)].count("ticket.agent_message") == 1


def test_answering_a_waiting_ticket_claims_it(client: httpx.Client, esc: Esc,
                                              console: SignIn) -> None:
    agent = console(make_agent(esc, present=False, accepting=False))
    number = open_ticket(client)["number"]
    answered = agent.say(number, "Hi, I can help")
    assert answered.status_code == 201 and answered.json()["status"] == "open"


def test_only_the_holder_or_a_supervisor_answers(client: httpx.Client, esc: Esc,
                                                 console: SignIn) -> None:
    holder = console(make_agent(esc, name="Holder One"))
    number = open_ticket(client)["number"]
    colleague = console(make_agent(esc, present=False))
    assert colleague.get(f"/tickets/{number}").status_code == 200
    assert_problem(colleague.say(number, "let me"), 403, "not-assigned")
    assert_problem(colleague.post(f"/tickets/{number}/resolve", {"summary": "x"}), 403,
                   "not-assigned")
    assert_problem(colleague.post(f"/tickets/{number}/transfer", {"queue": "general"}), 403,
                   "not-assigned")
    assert colleague.say(number, "FYI", internal=True).status_code == 201
    boss = console(make_agent(esc, role=AgentRole.SUPERVISOR, present=False))
    assert boss.say(number, "Supervisor here").status_code == 201
    assert holder.get(f"/tickets/{number}").json()["agent"]["name"] == "Holder One"


def test_at_capacity_cannot_claim_more(client: httpx.Client, esc: Esc, console: SignIn) -> None:
    agent = console(make_agent(esc, max_open=1, present=False, accepting=False))
    first, second = open_ticket(client)["number"], open_ticket(client)["number"]
    assert agent.post(f"/tickets/{first}/claim").status_code == 200
    assert_problem(agent.post(f"/tickets/{second}/claim"), 409, "at-capacity")


def test_transfer_to_agent_needs_the_language(client: httpx.Client, esc: Esc,
                                              console: SignIn) -> None:
    holder = console(make_agent(esc, languages="en sw"))
    number = open_ticket(client, language="sw")["number"]
    english = make_agent(esc, languages="en", present=False)
    swahili = make_agent(esc, languages="sw", name="Juma Said", present=False)
    assert_problem(holder.post(f"/tickets/{number}/transfer", {"agent_id": english.id}), 422,
                   "agent-not-eligible")
    assert_problem(holder.post(f"/tickets/{number}/transfer", {}), 422, "validation-error")
    moved = holder.post(f"/tickets/{number}/transfer", {"agent_id": swahili.id}).json()
    assert (moved["status"], moved["agent"]["name"]) == ("open", "Juma Said")
    event = ticket_events(client)[-1]
    assert (event["type"], event["payload"]["agent_name"]) == ("ticket.transferred", "Juma")


def test_supervisor_assigns_and_sees_everything(client: httpx.Client, esc: Esc,
                                                console: SignIn) -> None:
    boss = console(make_agent(esc, role=AgentRole.SUPERVISOR, languages="en sw", present=False))
    report = open_ticket(client, reason="security_report")["number"]
    general = open_ticket(client)["number"]
    numbers = {t["number"] for t in boss.get("/queue").json()["tickets"]}
    assert {report, general} <= numbers
    officer = make_agent(esc, role=AgentRole.SECURITY_OFFICER, queues="security", present=False)
    plain = make_agent(esc, present=False)
    assert_problem(boss.post(f"/tickets/{report}/assign", {"agent_id": plain.id}), 422,
                   "agent-not-eligible")
    assigned = boss.post(f"/tickets/{report}/assign", {"agent_id": officer.id}).json()
    assert assigned["status"] == "open" and assigned["agent"]["id"] == officer.id
    agents = {a["id"]: a for a in boss.get("/agents").json()}
    assert agents[officer.id]["open_tickets"] == 1 and agents[officer.id]["present"] is False


def test_ticket_numbers_and_bad_input(client: httpx.Client, esc: Esc, console: SignIn) -> None:
    boss = console(make_agent(esc, role=AgentRole.SUPERVISOR))
    number = open_ticket(client)["number"]
    assert boss.get(f"/tickets/{number.lower()}").json()["number"] == number
    assert_problem(boss.get("/tickets/not-a-ticket"), 404, "not-found")
    assert_problem(boss.say(number, "x" * 4001), 422, "validation-error")
    assert_problem(boss.get(f"/tickets/{number}/messages", params={"after": -1}), 422,
                   "validation-error")


def test_typing_is_announced_to_the_citizen_at_most_every_few_seconds(
        client: httpx.Client, esc: Esc, console: SignIn) -> None:
    agent = console(make_agent(esc, name="Achieng Odhiambo", present=False, accepting=False))
    number = open_ticket(client, "telegram:300")["number"]
    assert_problem(agent.post(f"/tickets/{number}/typing"), 409, "ticket-closed")  # waiting
    agent.post(f"/tickets/{number}/claim")
    colleague = console(make_agent(esc, present=False))
    assert_problem(colleague.post(f"/tickets/{number}/typing"), 403, "not-assigned")

    assert agent.post(f"/tickets/{number}/typing").status_code == 204
    assert agent.post(f"/tickets/{number}/typing").status_code == 204  # moments later: quiet
    esc.set_now(MONDAY_10 + timedelta(seconds=5))
    assert agent.post(f"/tickets/{number}/typing").status_code == 204
    typing = [e for e in ticket_events(client) if e["type"] == "ticket.agent_typing"]
    assert [(e["payload"]["agent_name"], e["payload"]["conversation_id"]) for e in typing] == [
        ("Achieng", "telegram:300")] * 2

    boss = console(make_agent(esc, role=AgentRole.SUPERVISOR, present=False))
    esc.set_now(MONDAY_10 + timedelta(seconds=20))
    assert boss.post(f"/tickets/{number}/typing").status_code == 204  # stepping in: unannounced
    assert len([e for e in ticket_events(client) if e["type"] == "ticket.agent_typing"]) == 2

    agent.post(f"/tickets/{number}/resolve", {"summary": "Done."})
    assert_problem(agent.post(f"/tickets/{number}/typing"), 409, "ticket-closed")


def test_typing_needs_the_session_csrf_token(client: httpx.Client, esc: Esc,
                                             console: SignIn) -> None:
    agent = console(make_agent(esc, present=False, accepting=False))
    number = open_ticket(client)["number"]
    agent.post(f"/tickets/{number}/claim")
    forged = agent.http.post(f"/tickets/{number}/typing")
    assert_problem(forged, 403, "csrf-invalid")
