"""Numbered series (PP-2025, T for tickets...): each number handed out once, even under races."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.models import ReferenceCounter


def _bump(session: Session, name: str) -> int | None:
    stmt = (
        update(ReferenceCounter)
        .where(ReferenceCounter.name == name)
        .values(value=ReferenceCounter.value + 1)
        .returning(ReferenceCounter.value)
    )
    return session.execute(stmt).scalar_one_or_none()


def next_number(*, session: Session, name: str) -> int:
    """Hand out the next number of series `name`; the row update serialises concurrent callers."""
    value = _bump(session, name)
    if value is not None:
        return value
    try:
        with session.begin_nested():
            session.add(ReferenceCounter(name=name, value=1))
        return 1
    except IntegrityError:  # another transaction created the series first
        value = _bump(session, name)
        assert value is not None
        return value


def reserve_number(*, session: Session, name: str, at_least: int) -> None:
    """Make sure series `name` continues after `at_least` (used by seed data)."""
    counter = session.get(ReferenceCounter, name)
    if counter is None:
        session.add(ReferenceCounter(name=name, value=at_least))
    elif counter.value < at_least:
        counter.value = at_least
    session.flush()
