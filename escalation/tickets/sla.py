"""SLA due times, queue position and expected wait.

* SLA (time to the first agent reply): urgent 15 minutes round the clock, high 1 office hour,
  normal 4 office hours (configurable). Office time skips nights, Sundays and holidays.
* Queue position: 1 + the pending tickets of the same queue and language ahead of this one
  (higher priority first, then first come, first served).
* Expected wait: position x median handling time / the skilled agents' total capacity,
  rounded up, plus the time until the office opens when it is closed. Handling time is the
  median of recent resolved tickets of the queue, or a default while there are too few.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.domain import Language
from escalation.domain import (
    HANDLING_ROLES,
    PRIORITY_RANK,
    Priority,
    Queue,
    TicketStatus,
)
from escalation.models import Agent, Ticket
from escalation.runtime import Escalation
from escalation.tickets.skills import skilled


def answered_round_the_clock(esc: Escalation, priority: Priority) -> bool:
    """Tell whether tickets of this priority are answered outside office hours too."""
    return priority is Priority.URGENT and esc.settings.urgent_round_the_clock


def sla_due_at(esc: Escalation, priority: Priority, created_at: datetime) -> datetime:
    """Return when the first agent reply is due for a ticket opened at `created_at`."""
    minutes = {
        Priority.URGENT: esc.settings.sla_urgent_minutes,
        Priority.HIGH: esc.settings.sla_high_minutes,
        Priority.NORMAL: esc.settings.sla_normal_minutes,
    }[priority]
    if answered_round_the_clock(esc, priority):
        return created_at + timedelta(minutes=minutes)
    return esc.calendar.add_office_time(created_at, timedelta(minutes=minutes))


def is_breached(ticket: Ticket, now: datetime) -> bool:
    """Tell whether the first reply came, or is still missing, after the SLA due time."""
    if ticket.first_response_at is not None:
        return ticket.first_response_at > ticket.sla_due_at
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CANCELLED):
        return (ticket.resolved_at or ticket.cancelled_at or now) > ticket.sla_due_at
    return now > ticket.sla_due_at


def queue_position(session: Session, ticket: Ticket) -> int:
    """Return the place among waiting tickets of the same queue and language (0: not waiting)."""
    if ticket.status is not TicketStatus.PENDING:
        return 0
    rows = session.execute(
        select(Ticket.id, Ticket.priority, Ticket.created_at).where(
            Ticket.status == TicketStatus.PENDING,
            Ticket.queue == ticket.queue,
            Ticket.language == ticket.language,
        )
    ).all()
    mine = (-PRIORITY_RANK[ticket.priority], ticket.created_at, ticket.id)
    return 1 + sum(1 for tid, prio, at in rows if (-PRIORITY_RANK[prio], at, tid) < mine)


def handling_minutes(session: Session, esc: Escalation, queue: Queue, now: datetime) -> float:
    """Return the median minutes from first assignment to resolution of recent tickets."""
    rows = session.execute(
        select(Ticket.first_assigned_at, Ticket.resolved_at)
        .where(
            Ticket.queue == queue,
            Ticket.status == TicketStatus.RESOLVED,
            Ticket.first_assigned_at.is_not(None),
            Ticket.resolved_at >= now - esc.settings.handling_window,
        )
        .order_by(Ticket.resolved_at.desc())
        .limit(esc.settings.handling_sample_size)
    ).all()
    samples = [(done - start).total_seconds() / 60 for start, done in rows if start and done]
    if len(samples) < esc.settings.handling_min_samples:
        return float(esc.settings.default_handling_minutes)
    return max(1.0, median(samples))


def skilled_capacity(session: Session, queue: Queue, language: Language) -> int:
    """Return how many tickets the active agents skilled for this queue can hold at once."""
    agents = session.scalars(
        select(Agent).where(Agent.active.is_(True), Agent.role.in_(HANDLING_ROLES))
    ).all()
    return sum(a.max_open for a in agents if skilled(a, queue, language))


@dataclass(frozen=True, slots=True)
class Outlook:
    """What the citizen is told about waiting."""

    queue_position: int
    expected_wait_minutes: int
    office_open: bool
    next_open_at: datetime | None


def outlook(session: Session, esc: Escalation, ticket: Ticket, now: datetime) -> Outlook:
    """Compute position, expected wait and office hours for a ticket."""
    # An urgent ticket is answered around the clock when so configured: telling its citizen
    # "someone will answer from Monday 08:00" would contradict its 15-minute target.
    office_open = answered_round_the_clock(esc, ticket.priority) or esc.calendar.is_open(now)
    next_open_at = None if office_open else esc.calendar.next_open(now)
    position = queue_position(session, ticket)
    if position == 0:
        return Outlook(0, 0, office_open, next_open_at)
    per_ticket = handling_minutes(session, esc, ticket.queue, now)
    capacity = max(1, skilled_capacity(session, ticket.queue, ticket.language))
    minutes = math.ceil(position * per_ticket / capacity)
    if next_open_at is not None:
        minutes += math.ceil((next_open_at - now).total_seconds() / 60)
    return Outlook(position, max(1, minutes), office_open, next_open_at)

