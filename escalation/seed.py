"""Demo console users for development; refused in production.

Their passwords are public (they are in this file and in docs/escalation.md), so production
refuses to create them and refuses to sign anyone in with one of them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from escalation.agents.passwords import Passwords
from escalation.config import EscalationSettings
from escalation.domain import AgentRole, Queue
from escalation.models import Agent

logger = logging.getLogger(__name__)

ALL_QUEUES = tuple(q.value for q in Queue)
TICKET_QUEUES = ("general", "payment", "account", "application")


@dataclass(frozen=True, slots=True)
class DemoAgent:
    """One documented demo console user."""

    email: str
    password: str
    name: str
    role: AgentRole
    languages: tuple[str, ...]
    queues: tuple[str, ...]


DEMO_AGENTS: tuple[DemoAgent, ...] = (
    DemoAgent("agent@example.go.ke", "demo-agent-2025", "Achieng Odhiambo", AgentRole.AGENT,
              ("en", "sw"), TICKET_QUEUES),
    DemoAgent("agent.en@example.go.ke", "demo-agent-en-2025", "Brian Kiprop", AgentRole.AGENT,
              ("en",), ("general", "payment")),
    DemoAgent("security@example.go.ke", "demo-security-2025", "Fatuma Ali",
              AgentRole.SECURITY_OFFICER, ("en", "sw"), ("security",)),
    DemoAgent("supervisor@example.go.ke", "demo-supervisor-2025", "Grace Wambui",
              AgentRole.SUPERVISOR, ("en", "sw"), ALL_QUEUES),
    DemoAgent("editor@example.go.ke", "demo-editor-2025", "Daniel Mutua", AgentRole.EDITOR,
              ("en", "sw"), ()),
)
DEMO_PASSWORDS = frozenset(a.password for a in DEMO_AGENTS)


def seed_demo_agents(
    *, session: Session, production: bool, now: datetime, passwords: Passwords | None = None
) -> int:
    """Create the demo users that do not exist yet; return how many were added.

    Without `passwords`, cheap Argon2 parameters are used: the passwords are public anyway,
    and the first sign-in rehashes them with the console's parameters.

    Raises:
        RuntimeError: in production, where public passwords must never work.
    """
    if production:
        raise RuntimeError("demo agents are for development only")
    hasher = passwords or _demo_hasher()
    added = 0
    for demo in DEMO_AGENTS:
        exists = session.scalar(select(Agent.id).where(func.lower(Agent.email) == demo.email))
        if exists is not None:
            continue
        session.add(
            Agent(
                email=demo.email,
                name=demo.name,
                display_name=demo.name.split()[0],
                role=demo.role,
                languages=" ".join(demo.languages),
                categories=" ".join(demo.queues),
                max_open=4,
                password_hash=hasher.hash(demo.password),
                active=True,
                accepting=True,
                created_at=now,
            )
        )
        added += 1
    session.flush()
    if added:
        logger.info("Demo agents added: %d (development only)", added)
    return added


def _demo_hasher() -> Passwords:
    return Passwords(
        EscalationSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
    )


def active_demo_agents(session: Session) -> list[str]:
    """Return the demo users that can still sign in with their public password.

    An empty list when the console's tables do not exist yet (nothing to refuse).
    """
    if not inspect(session.get_bind()).has_table(Agent.__tablename__):
        return []
    hasher = _demo_hasher()  # verification reads the parameters from each stored hash
    found = []
    for demo in DEMO_AGENTS:
        agent = session.scalar(select(Agent).where(func.lower(Agent.email) == demo.email))
        if agent is not None and agent.active and hasher.verify(agent.password_hash,
                                                                demo.password):
            found.append(demo.email)
    return found


def demo_agents_refusal(database_url: str) -> str | None:
    """Say why production must not start (demo users still open), or None when it may."""
    from backend.core.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            demo = active_demo_agents(session)
    finally:
        engine.dispose()
    if not demo:
        return None
    return (f"demo console users are active: {', '.join(demo)} (their passwords are public: "
            "`msaidizi agents deactivate <email>`)")
