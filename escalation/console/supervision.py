"""The supervisor view: queues, waiting times, SLA breaches, ratings, agents and reveals."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from statistics import mean

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.deps import SessionDep
from backend.core.problems import ProblemError
from escalation.agents.auth import CurrentUserDep
from escalation.console.reveals import masked, verify_chain
from escalation.console.schemas import AgentOut, TicketSummary
from escalation.console.views import agent_names, agent_out, previews, summary
from escalation.domain import ACTIVE_STATUSES, PRIORITY_RANK, AgentRole, TicketStatus
from escalation.models import Agent, PiiReveal, Ticket, TicketMessage
from escalation.runtime import EscalationDep
from escalation.tickets.routing import open_loads
from escalation.tickets.sla import is_breached

router = APIRouter()
RECENT = timedelta(days=30)


class QueueStat(BaseModel):
    """Waiting and open tickets of one queue and language."""

    queue: str
    language: str
    pending: int
    open: int
    longest_wait_minutes: int


class RatingRow(BaseModel):
    """One rated ticket."""

    number: str
    rating: int
    comment: str | None
    agent: str | None
    rated_at: datetime


class RevealRow(BaseModel):
    """One logged reveal of personal data."""

    at: datetime
    agent: str
    ticket: str
    target: str
    message_seq: int | None
    kinds: str


class Overview(BaseModel):
    """Everything a supervisor watches."""

    generated_at: datetime
    office_open: bool
    next_open_at: datetime | None
    queues: list[QueueStat]
    active: list[TicketSummary]
    breached_active: int
    breached_recent: int
    resolved_recent: int
    avg_first_response_minutes: float | None
    avg_handling_minutes: float | None
    rating_average: float | None
    rating_count: int
    rating_distribution: dict[int, int]
    ratings: list[RatingRow]
    agents: list[AgentOut]
    reveals: list[RevealRow]
    reveal_log_intact: bool
    reveal_log_broken_at: int | None


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _queues(active: list[Ticket], now: datetime) -> list[QueueStat]:
    keys = sorted({(t.queue.value, t.language.value) for t in active})
    out = []
    for queue, language in keys:
        group = [t for t in active if (t.queue.value, t.language.value) == (queue, language)]
        waiting = [t for t in group if t.status is TicketStatus.PENDING]
        longest = max((now - t.created_at for t in waiting), default=timedelta(0))
        out.append(QueueStat(queue=queue, language=language, pending=len(waiting),
                             open=len(group) - len(waiting),
                             longest_wait_minutes=int(longest.total_seconds() // 60)))
    return out


def _reveals(session: Session) -> tuple[list[RevealRow], int | None]:
    rows = session.scalars(select(PiiReveal).order_by(PiiReveal.id)).all()
    broken = verify_chain(rows)
    recent = list(reversed(rows[-100:]))
    names = agent_names(session, (r.agent_id for r in recent))
    numbers = {tid: number for tid, number in session.execute(select(Ticket.id, Ticket.number)
               .where(Ticket.id.in_({r.ticket_id for r in recent})))}
    seqs = {mid: seq for mid, seq in session.execute(select(TicketMessage.id, TicketMessage.seq)
            .where(TicketMessage.id.in_({r.message_id for r in recent if r.message_id})))}
    return [RevealRow(at=r.at, agent=names.get(r.agent_id, "?"),
                      ticket=numbers.get(r.ticket_id, "?"), target=r.target,
                      message_seq=seqs.get(r.message_id or 0), kinds=r.kinds)
            for r in recent], broken


@router.get("/api/supervisor")
def overview(user: CurrentUserDep, esc: EscalationDep, session: SessionDep) -> Overview:
    """Return the supervisor's overview (supervisors only)."""
    if user.agent.role is not AgentRole.SUPERVISOR:
        raise ProblemError(403, "role-forbidden", "Only supervisors see the overview.")
    now = esc.clock()
    active = list(session.scalars(select(Ticket).where(Ticket.status.in_(ACTIVE_STATUSES))))
    active.sort(key=lambda t: (-PRIORITY_RANK[t.priority], t.created_at, t.id))
    recent = list(session.scalars(select(Ticket).where(
        Ticket.created_at >= now - RECENT, Ticket.status.not_in(ACTIVE_STATUSES))))
    resolved = [t for t in recent if t.status is TicketStatus.RESOLVED]
    names = agent_names(session, [t.agent_id for t in active + resolved])
    texts = previews(session, [t.id for t in active])
    firsts = [_minutes(t.first_response_at - t.created_at) for t in resolved if t.first_response_at]
    handled = [_minutes(t.resolved_at - t.first_assigned_at) for t in resolved
               if t.resolved_at and t.first_assigned_at]
    rated = sorted((t for t in resolved if t.rating is not None and t.rated_at is not None),
                   key=lambda t: t.rated_at or now, reverse=True)
    loads = open_loads(session)
    agents = session.scalars(select(Agent).where(Agent.active.is_(True)).order_by(Agent.name))
    reveals, broken = _reveals(session)
    office_open = esc.calendar.is_open(now)
    return Overview(
        generated_at=now, office_open=office_open,
        next_open_at=None if office_open else esc.calendar.next_open(now),
        queues=_queues(active, now),
        active=[summary(t, names, texts.get(t.id, ""), now) for t in active],
        breached_active=sum(1 for t in active if is_breached(t, now)),
        breached_recent=sum(1 for t in recent if is_breached(t, now)),
        resolved_recent=len(resolved),
        avg_first_response_minutes=round(mean(firsts), 1) if firsts else None,
        avg_handling_minutes=round(mean(handled), 1) if handled else None,
        rating_average=round(mean(t.rating or 0 for t in rated), 2) if rated else None,
        rating_count=len(rated),
        rating_distribution=dict(sorted(Counter(t.rating or 0 for t in rated).items())),
        ratings=[RatingRow(number=t.number, rating=t.rating or 0,
                           comment=masked(t.rating_comment).text if t.rating_comment else None,
                           agent=names.get(t.agent_id) if t.agent_id else None,
                           rated_at=t.rated_at or now) for t in rated[:50]],
        agents=[agent_out(a, esc, now, loads.get(a.id, 0)) for a in agents],
        reveals=reveals, reveal_log_intact=broken is None, reveal_log_broken_at=broken,
    )
