"""The development outbox where the 'sent' SMS and emails land."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import OutboxMessage


def add_message(*, session: Session, to: str, channel: str, text: str, now: datetime) -> int:
    """Store one outgoing message; return its id."""
    row = OutboxMessage(to=to, channel=channel, text=text, created_at=now)
    session.add(row)
    session.flush()
    return row.id


def messages_to(*, session: Session, to: str | None, limit: int = 50) -> Sequence[OutboxMessage]:
    """Return messages (to one address, or all), newest first."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if to is not None:
        stmt = stmt.where(OutboxMessage.to == to)
    return session.scalars(stmt).all()
