"""Counts operators watch, read from the backend's database at scrape time (tickets, payments)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.domain import PaymentStatus
from backend.models.billing import Payment
from escalation.domain import Queue, TicketStatus
from escalation.models import Ticket

Sample = tuple[str, Mapping[str, str], float]
GAUGE_HELP = {
    "msaidizi_tickets_queued": "Support tickets waiting for an agent, by queue.",
    "msaidizi_tickets_open": "Support tickets an agent is handling.",
    "msaidizi_tickets_sla_breached": "Live tickets past their first-response due time with no "
                                     "reply yet.",
    "msaidizi_payments": "Payment attempts by status (succeeded, failed, ...).",
}


def operational_samples(factory: sessionmaker[Session], now: datetime) -> Sequence[Sample]:
    """Return tickets queued (by queue) and open, SLA breaches, and payments by status."""
    with factory() as session:
        queued = {queue: count for queue, count in session.execute(
            select(Ticket.queue, func.count()).where(Ticket.status == TicketStatus.PENDING)
            .group_by(Ticket.queue))}
        open_count = session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status == TicketStatus.OPEN)) or 0
        breached = session.scalar(
            select(func.count()).select_from(Ticket).where(
                Ticket.status.in_((TicketStatus.PENDING, TicketStatus.OPEN)),
                Ticket.first_response_at.is_(None), Ticket.sla_due_at < now)) or 0
        payments = {status: count for status, count in session.execute(
            select(Payment.status, func.count()).group_by(Payment.status))}
    samples: list[Sample] = [
        ("msaidizi_tickets_queued", {"queue": str(queue)}, float(queued.get(queue, 0)))
        for queue in Queue]
    samples += [("msaidizi_tickets_open", {}, float(open_count)),
                ("msaidizi_tickets_sla_breached", {}, float(breached))]
    samples += [("msaidizi_payments", {"status": str(status)}, float(payments.get(status, 0)))
                for status in PaymentStatus]
    return samples
