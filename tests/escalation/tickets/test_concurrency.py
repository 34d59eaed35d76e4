"""Many agents and chats at once: no deadlock, no 5xx, capacity kept, transcripts in order."""

from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from escalation.domain import TicketStatus
from escalation.models import Ticket, TicketMessage
from tests.backend.helpers import SERVICE_HEADERS
from tests.escalation.helpers import Console, Esc, make_agent, ticket_body

MONDAY_10 = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)


def test_mixed_concurrent_work_stays_consistent(esc: Esc) -> None:
    esc.set_now(MONDAY_10)
    agents = [make_agent(esc, max_open=2, present=False) for _ in range(3)]
    failures: list[str] = []

    def check(response: httpx.Response) -> httpx.Response:
        if response.status_code >= 500:
            failures.append(f"{response.request.method} {response.request.url}: {response.text}")
        return response

    def citizen(i: int) -> None:
        cid = f"webchat:load{i}"
        with httpx.Client(base_url=esc.url, headers=SERVICE_HEADERS, timeout=30) as http:
            opened = check(http.post("/api/v1/tickets", json=ticket_body(cid),
                                     headers={"Idempotency-Key": uuid.uuid4().hex}))
            number = opened.json()["number"]
            for j in range(3):
                check(http.post(f"/api/v1/tickets/{number}/messages", json={
                    "conversation_id": cid, "text": f"line {j}", "client_message_id": f"{j}"}))
            if i % 4 == 0:
                check(http.post(f"/api/v1/tickets/{number}/cancel",
                                json={"conversation_id": cid}))

    def agent_loop(index: int) -> None:
        console = Console(esc, agents[index].email)
        rng = random.Random(index)
        try:
            for _ in range(12):
                rows = check(console.get("/queue")).json()["tickets"]
                for row in rows:
                    if row["status"] == "pending":
                        check(console.post(f"/tickets/{row['number']}/claim"))
                    elif row["agent"] and row["agent"]["id"] == agents[index].id:
                        check(console.say(row["number"], "working on it"))
                        check(console.post(f"/tickets/{row['number']}/resolve",
                                           {"summary": "done"}))
                if rng.random() < 0.3:
                    check(console.put("/me/availability", {"accepting": rng.random() < 0.7}))
        finally:
            console.close()

    with ThreadPoolExecutor(max_workers=9) as pool:
        jobs = [pool.submit(citizen, i) for i in range(12)]
        jobs += [pool.submit(agent_loop, i) for i in range(3)]
        for job in jobs:
            job.result()
    assert failures == []
    with esc.container.session_factory() as session:
        loads = session.execute(select(Ticket.agent_id, func.count()).where(
            Ticket.status == TicketStatus.OPEN).group_by(Ticket.agent_id)).all()
        assert all(count <= 2 for _, count in loads)
        for ticket in session.scalars(select(Ticket)):
            seqs = list(session.scalars(select(TicketMessage.seq).where(
                TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.seq)))
            assert seqs == list(range(1, ticket.last_seq + 1))
