"""The event outbox the assistant reads to notify citizens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backend.core.domain import EventType
from backend.core.models import Event

# Any constant works; it only has to be the same for every writer of the events table.
_EVENTS_LOCK_KEY = 7_310_421_001


def append_event(
    *,
    session: Session,
    type: EventType,
    citizen_id: int | None,
    payload: dict[str, Any],
    now: datetime,
) -> Event:
    """Add an event in the caller's transaction.

    Readers page with `after=<last id seen>`, which is only safe if ids become visible in
    order. A PostgreSQL sequence hands out ids at insert time, not at commit, so two
    transactions could commit ids 8 and 7 in that order and a reader between them would skip
    7 for ever. The transaction-scoped advisory lock makes event writers take ids and commit
    one after another. SQLite already serialises writers (BEGIN IMMEDIATE).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EVENTS_LOCK_KEY})
    event = Event(type=type.value, citizen_id=citizen_id, payload=payload, created_at=now)
    session.add(event)
    session.flush()
    return event


def events_after(*, session: Session, after: int, limit: int) -> Sequence[Event]:
    """Return up to `limit` events with an id above `after`, oldest first."""
    return session.scalars(
        select(Event).where(Event.id > after).order_by(Event.id).limit(limit)
    ).all()
