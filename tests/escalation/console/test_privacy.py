"""Personal data masked in the console until revealed; reveals logged; markup stays text."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlalchemy import select

from backend.core.domain import Language
from backend.models import AuditEntry
from escalation.console.reveals import verify_chain
from escalation.domain import AgentRole
from escalation.models import PiiReveal
from tests.backend.helpers import assert_problem, issue_token, make_citizen
from tests.escalation.helpers import Console, Esc, make_agent, open_ticket

SignIn = Callable[..., Console]
PII = ("My ID is 12345678, phone 0712 345 678, M-Pesa SJK4XY12AB, "
       "mail wanjiru.kamau@example.com")
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>&amp; <b>bold</b>'


def test_transcript_is_masked_until_revealed_and_reveals_are_logged(
    client: httpx.Client, esc: Esc, console: SignIn
) -> None:
    agent = console(make_agent(esc, name="Achieng Odhiambo"))
    number = open_ticket(client, "telegram:300", summary="Caller gave ID 12345678",
                         transcript=[{"role": "citizen", "text": PII}])["number"]
    detail = agent.get(f"/tickets/{number}").json()
    line = detail["messages"][0]
    assert line["has_pii"] is True
    for secret in ("12345678", "0712 345 678", "SJK4XY12AB", "wanjiru.kamau@"):
        assert secret not in line["text"]
        assert secret not in detail["summary"]
        assert secret not in agent.get("/queue").json()["tickets"][0]["preview"]
    assert "0712***678" in line["text"] and "w***@example.com" in line["text"]
    assert detail["summary_has_pii"] is True

    revealed = agent.post(f"/tickets/{number}/reveal",
                          {"target": "message", "message_id": line["id"]})
    assert revealed.json() == {"text": PII, "citizen": None}
    assert agent.post(f"/tickets/{number}/reveal", {"target": "summary"}).json()["text"] == (
        "Caller gave ID 12345678")
    plain = detail["messages"][-1]  # the system line holds nothing personal: nothing logged
    assert agent.post(f"/tickets/{number}/reveal",
                      {"target": "message", "message_id": plain["id"]}).status_code == 200

    boss = console(make_agent(esc, role=AgentRole.SUPERVISOR, present=False))
    overview = boss.get("/supervisor").json()
    assert overview["reveal_log_intact"] is True
    rows = [(r["agent"], r["ticket"], r["target"], r["message_seq"], r["kinds"])
            for r in overview["reveals"]]
    assert rows == [("Achieng Odhiambo", number, "summary", None, "id"),
                    ("Achieng Odhiambo", number, "message", 1, "email id mpesa phone")]


def test_reveal_refuses_other_tickets_messages(client: httpx.Client, esc: Esc,
                                               console: SignIn) -> None:
    agent = console(make_agent(esc, max_open=2))
    first = open_ticket(client)["number"]
    second = open_ticket(client)["number"]
    other_line = agent.get(f"/tickets/{second}").json()["messages"][0]
    assert_problem(agent.post(f"/tickets/{first}/reveal",
                              {"target": "message", "message_id": other_line["id"]}),
                   404, "not-found")
    assert_problem(agent.post(f"/tickets/{first}/reveal", {"target": "citizen"}), 404,
                   "not-found")


def test_linked_citizen_masked_and_reveal_reaches_their_audit_trail(
    client: httpx.Client, esc: Esc, console: SignIn
) -> None:
    citizen = make_citizen(esc.container, language=Language.SW, first_name="Wanjiru",
                           email="wanjiru@example.com")
    headers = issue_token(esc.container, citizen, "telegram:301")
    agent = console(make_agent(esc))
    number = open_ticket(client, "telegram:301", headers=headers)["number"]
    shown = agent.get(f"/tickets/{number}").json()["citizen"]
    assert shown["name"] == "Wanjiru C." and citizen.id_number not in shown["id_number"]
    assert citizen.phone not in shown["phone"]
    full = agent.post(f"/tickets/{number}/reveal", {"target": "citizen"}).json()["citizen"]
    assert (full["id_number"], full["phone"]) == (citizen.id_number, citizen.phone)
    with esc.container.session_factory() as session:
        trail = session.scalars(select(AuditEntry).where(AuditEntry.citizen_id == citizen.id)
                                .order_by(AuditEntry.id)).all()
    assert [(a.action, a.resource) for a in trail] == [
        ("link", f"ticket:{number}"), ("reveal", f"ticket:{number}:citizen")]


def test_reveal_log_is_tamper_evident(client: httpx.Client, esc: Esc, console: SignIn) -> None:
    agent = console(make_agent(esc))
    number = open_ticket(client, transcript=[{"role": "citizen", "text": PII}])["number"]
    line = agent.get(f"/tickets/{number}").json()["messages"][0]
    for _ in range(3):
        agent.post(f"/tickets/{number}/reveal", {"target": "message", "message_id": line["id"]})
    with esc.container.session_factory() as session:
        rows = session.scalars(select(PiiReveal).order_by(PiiReveal.id)).all()
        assert verify_chain(rows) is None
        rows[1].kinds = "nothing"  # someone edits the log
        session.flush()
        assert verify_chain(rows) == rows[1].id
        session.commit()
    boss = console(make_agent(esc, role=AgentRole.SUPERVISOR, present=False))
    overview = boss.get("/supervisor").json()
    assert overview["reveal_log_intact"] is False


def test_markup_is_stored_and_returned_as_text(client: httpx.Client, esc: Esc,
                                               console: SignIn) -> None:
    agent = console(make_agent(esc))
    number = open_ticket(client, "telegram:302", summary=XSS,
                         transcript=[{"role": "citizen", "text": XSS}])["number"]
    client.post(f"/api/v1/tickets/{number}/messages", json={
        "conversation_id": "telegram:302", "text": XSS, "client_message_id": "x1"})
    agent.say(number, XSS)
    detail = agent.get(f"/tickets/{number}").json()
    texts = [m["text"] for m in detail["messages"] if m["kind"] != "system"]
    assert texts == [XSS, XSS, XSS] and detail["summary"] == XSS
    assert detail["messages"][0]["text"].startswith("<img")  # not escaped twice, not stripped


def test_console_page_has_a_strict_content_security_policy(esc: Esc) -> None:
    with httpx.Client(base_url=esc.url) as browser:
        page = browser.get("/console")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert 'content="/console"' in page.text and "<script src=\"/console/static/" in page.text
        script = browser.get("/console/static/console.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
        assert browser.get("/console/static/../models.py").status_code == 404
        assert browser.get("/console/static/console.html").status_code == 404
        assert browser.get("/console/", follow_redirects=False).headers["location"] == "/console"


def test_old_closed_transcripts_are_masked_for_good(client: httpx.Client, esc: Esc,
                                                    console: SignIn) -> None:
    from datetime import timedelta

    from escalation.models import Ticket, TicketMessage
    from escalation.tickets.retention import redact_closed_tickets

    agent = console(make_agent(esc, max_open=2))
    old = open_ticket(client, summary="ID 12345678",
                      transcript=[{"role": "citizen", "text": PII}])["number"]
    live = open_ticket(client, transcript=[{"role": "citizen", "text": PII}])["number"]
    agent.post(f"/tickets/{old}/resolve", {"summary": "Called back on 0712345678"})
    later = esc.now() + timedelta(days=400)
    with esc.container.session_factory() as session:
        changed = redact_closed_tickets(session=session, older_than=timedelta(days=365),
                                        now=later)
        session.commit()
        assert changed == 3  # summary, resolution summary, the citizen's line
        assert redact_closed_tickets(session=session, older_than=timedelta(days=365),
                                     now=later) == 0
        texts = {number: [m.text for m in session.scalars(
            select(TicketMessage).join(Ticket).where(Ticket.number == number))]
            for number in (old, live)}
        resolved = session.scalars(select(Ticket).where(Ticket.number == old)).one()
    assert "12345678" not in " ".join(texts[old]) and "0712345678" not in (
        resolved.resolution_summary or "")
    assert PII in texts[live]  # open tickets are never touched


def test_opening_a_security_report_is_logged(client: httpx.Client, esc: Esc,
                                             console: SignIn) -> None:
    officer = console(make_agent(esc, role=AgentRole.SECURITY_OFFICER, queues="security",
                                 name="Fatuma Ali", present=False))
    report = open_ticket(client, reason="security_report")["number"]
    general = open_ticket(client)["number"]
    officer.get(f"/tickets/{report}")
    officer.get(f"/tickets/{report}/messages")  # live polling is not logged again
    boss = console(make_agent(esc, role=AgentRole.SUPERVISOR, present=False))
    boss.get(f"/tickets/{general}")
    rows = [(r["agent"], r["ticket"], r["target"]) for r in
            boss.get("/supervisor").json()["reveals"]]
    assert rows == [("Fatuma Ali", report, "view")]
