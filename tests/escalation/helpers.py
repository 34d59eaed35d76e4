"""Factories for escalation tests: agents, tickets through the API, signed-in console clients."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from backend.container import Container
from common.timezone import utcnow
from escalation.config import EscalationSettings
from escalation.domain import AgentRole
from escalation.models import Agent, Ticket
from escalation.runtime import Escalation

# Cheap Argon2 so tests stay fast; production parameters are the settings' defaults.
TEST_SETTINGS = EscalationSettings(argon2_time_cost=1, argon2_memory_kib=1024,
                                   argon2_parallelism=1)
PASSWORD = "correct horse battery"
_ids = itertools.count(1)


@dataclass
class Esc:
    """A running backend app with escalation, and its base URL."""

    app: FastAPI
    url: str

    @property
    def container(self) -> Container:
        container: Container = self.app.state.container
        return container

    @property
    def runtime(self) -> Escalation:
        runtime: Escalation = self.app.state.escalation
        return runtime

    def use_settings(self, settings: EscalationSettings) -> Escalation:
        """Swap the app's escalation runtime for one with `settings` (same clock)."""
        old = self.runtime
        self.app.state.escalation = Escalation(settings=settings, clock=old.clock,
                                               production=old.production,
                                               secure_cookies=old.secure_cookies)
        return self.runtime

    def now(self) -> datetime:
        return self.container.clock()

    def set_now(self, when: datetime) -> None:
        """Move the backend's clock so that it reads `when` now."""
        self.container.clock.offset = when - utcnow()


def make_agent(esc: Esc, *, role: AgentRole = AgentRole.AGENT, languages: str = "en sw",
               queues: str = "general payment account application", max_open: int = 4,
               present: bool = True, accepting: bool = True, name: str | None = None,
               email: str | None = None, password: str = PASSWORD) -> Agent:
    """Insert a console user directly (present = seen by the console just now)."""
    n = next(_ids)
    with esc.container.session_factory() as session:
        agent = Agent(
            email=email or f"agent{n}@example.go.ke", name=name or f"Agent {n}",
            display_name=(name or f"Agent{n}").split()[0], role=role, languages=languages,
            categories=queues, max_open=max_open,
            password_hash=esc.runtime.passwords.hash(password), active=True,
            accepting=accepting, created_at=esc.now(),
            last_seen_at=esc.now() if present else esc.now() - timedelta(hours=1),
        )
        session.add(agent)
        session.commit()
        return agent


def ticket_body(conversation_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid POST /api/v1/tickets body."""
    cid = conversation_id or f"telegram:{uuid.uuid4().hex[:10]}"
    body: dict[str, Any] = {
        "conversation_id": cid,
        "channel": cid.split(":", 1)[0],
        "language": "en",
        "category": "general",
        "reason": "explicit",
        "summary": "Citizen asks about a passport delay.",
        "transcript": [
            {"role": "citizen", "text": "Where is my passport?", "at": "2025-01-06T07:00:00Z"},
            {"role": "bot", "text": "I could not find that.", "at": "2025-01-06T07:00:01Z"},
            {"role": "citizen", "text": "I want a person", "at": "2025-01-06T07:00:05Z"},
        ],
    }
    body.update(overrides)
    return body


def open_ticket(client: httpx.Client, conversation_id: str | None = None,
                headers: dict[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
    """Open a ticket through the bot-facing API and return its JSON."""
    response = client.post("/api/v1/tickets", json=ticket_body(conversation_id, **overrides),
                           headers={"Idempotency-Key": uuid.uuid4().hex, **(headers or {})})
    assert response.status_code in (200, 201), response.text
    data: dict[str, Any] = response.json()
    return data


def ticket_row(esc: Esc, number: str) -> Ticket:
    """Read a ticket row."""
    with esc.container.session_factory() as session:
        return session.scalars(select(Ticket).where(Ticket.number == number)).one()


class Console:
    """A signed-in console browser: session cookie and CSRF header."""

    def __init__(self, esc: Esc, email: str, password: str = PASSWORD) -> None:
        self.http = httpx.Client(base_url=esc.url + "/console/api", timeout=30)
        pre = self.http.get("/csrf").json()["csrf"]
        response = self.http.post("/session", json={"email": email, "password": password},
                                  headers={"X-CSRF-Token": pre})
        assert response.status_code == 200, response.text
        self.csrf: str = response.json()["csrf"]
        self.agent: dict[str, Any] = response.json()["agent"]

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, json: Any = None) -> httpx.Response:
        return self.http.post(path, json=json, headers={"X-CSRF-Token": self.csrf})

    def put(self, path: str, json: Any = None) -> httpx.Response:
        return self.http.put(path, json=json, headers={"X-CSRF-Token": self.csrf})

    def say(self, number: str, text: str, internal: bool = False) -> httpx.Response:
        return self.post(f"/tickets/{number}/messages",
                         {"text": text, "client_message_id": uuid.uuid4().hex,
                          "internal": internal})

    def close(self) -> None:
        self.http.close()


def sign_in(esc: Esc, agent: Agent, password: str = PASSWORD) -> Console:
    """Sign an agent in to the console."""
    return Console(esc, agent.email, password)


def ticket_events(client: httpx.Client, after: int = 0) -> list[dict[str, Any]]:
    """Return the ticket.* events of the outbox."""
    body = client.get("/api/v1/service/events", params={"after": after, "limit": 500}).json()
    return [e for e in body["events"] if e["type"].startswith("ticket.")]
