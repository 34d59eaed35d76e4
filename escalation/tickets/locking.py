"""One lock for ticket writes on PostgreSQL, so concurrent requests never deadlock.

Assigning a ticket updates agent rows and appends an event (which takes the event outbox's
own advisory lock). If a claim locked an agent row and then waited for the outbox lock while
routing held the outbox lock and waited for that agent row, PostgreSQL would abort one of
them. Every escalation transaction that assigns or notifies therefore takes this lock first,
after at most the row of the ticket it works on; routing skips locked ticket rows instead of
waiting for them. SQLite serialises writers anyway (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

_TICKETS_LOCK_KEY = 7_310_421_002


def lock_ticket_writes(session: Session) -> None:
    """Take the transaction-scoped ticket-writes lock (re-entrant; PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _TICKETS_LOCK_KEY})
