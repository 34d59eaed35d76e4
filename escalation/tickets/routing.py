"""Automatic assignment: skilled, present agents with spare capacity, least busy first.

`dispatch` walks the pending tickets (urgent first, then oldest) and gives each to the
eligible agent with the fewest open tickets; ties go to whoever waited longest since their
last assignment. Eligible means: active, accepting work, seen by the console within the
presence window (so tickets never go to agents who left), skilled for the ticket's queue and
language (`skills.skilled`), and below their `max_open`. Supervisors and editors are never
auto-assigned, and a ticket sent back to a queue is not routed straight back to the agent
who sent it. Tickets nobody can take stay pending in their queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from escalation.domain import HANDLING_ROLES, PRIORITY_RANK, TicketStatus
from escalation.models import Agent, Ticket
from escalation.runtime import Escalation
from escalation.tickets.handling import assign
from escalation.tickets.locking import lock_ticket_writes
from escalation.tickets.skills import skilled

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def available_agents(session: Session, esc: Escalation, now: datetime) -> Sequence[Agent]:
    """Return the agents routing may give tickets to right now."""
    return session.scalars(
        select(Agent)
        .where(
            Agent.active.is_(True),
            Agent.accepting.is_(True),
            Agent.role.in_(HANDLING_ROLES),
            Agent.last_seen_at >= now - esc.settings.presence_window,
        )
        .order_by(Agent.id)
    ).all()


def open_loads(session: Session) -> dict[int, int]:
    """Return how many open tickets each agent holds."""
    rows = session.execute(
        select(Ticket.agent_id, func.count())
        .where(Ticket.status == TicketStatus.OPEN, Ticket.agent_id.is_not(None))
        .group_by(Ticket.agent_id)
    ).all()
    return {int(agent_id or 0): int(count) for agent_id, count in rows}


def pick_agent(ticket: Ticket, candidates: Sequence[Agent], loads: dict[int, int]
               ) -> Agent | None:
    """Return the least busy skilled candidate with spare capacity, or None."""
    eligible = [
        a for a in candidates
        if skilled(a, ticket.queue, ticket.language) and loads.get(a.id, 0) < a.max_open
        and a.id != ticket.requeued_by_id
    ]
    return min(
        eligible,
        key=lambda a: (loads.get(a.id, 0), a.last_assigned_at or _EPOCH, a.id),
        default=None,
    )


def dispatch(session: Session, esc: Escalation, now: datetime, limit: int = 200) -> list[Ticket]:
    """Assign every pending ticket an available agent can take; return the ones assigned."""
    candidates = available_agents(session, esc, now)
    if not candidates:
        return []
    lock_ticket_writes(session)
    # Locked rows are being claimed or answered right now: leave them to that request.
    pending = list(session.scalars(
        select(Ticket)
        .where(Ticket.status == TicketStatus.PENDING)
        .order_by(Ticket.created_at, Ticket.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all())
    pending.sort(key=lambda t: (-PRIORITY_RANK[t.priority], t.created_at, t.id))
    loads = open_loads(session)
    assigned = []
    for ticket in pending:
        agent = pick_agent(ticket, candidates, loads)
        if agent is None:
            continue
        assign(session=session, esc=esc, ticket=ticket, agent=agent, by=None, now=now)
        loads[agent.id] = loads.get(agent.id, 0) + 1
        assigned.append(ticket)
    return assigned
