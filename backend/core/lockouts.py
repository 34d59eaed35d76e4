"""One lockout mechanism for wrong one-time codes and wrong console passwords.

A counter row per subject is read with a row lock (SELECT ... FOR UPDATE on PostgreSQL; the
write lock SQLite takes at BEGIN IMMEDIATE), so parallel wrong guesses are all counted and
the lock engages exactly at the limit. What a subject is decides who a lock can hurt: callers
key it so a stranger's guesses lock the stranger (their chat, their device), never the owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from common.sqltypes import UTCDateTime
from common.timezone import utcnow


class ThrottleRow:
    """Columns of a counter: failures since the last success, and the lock they caused."""

    subject: Mapped[str] = mapped_column(String(64), unique=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Row = TypeVar("Row", bound=ThrottleRow)


@dataclass(frozen=True, slots=True)
class LockPolicy:
    """How many failures lock, and for how long."""

    max_failures: int
    lockout: timedelta


def counter(session: Session, model: type[Row], subject: str, now: datetime) -> Row:
    """Return the subject's counter row, locked for this transaction (created if missing)."""
    query = select(model).where(model.subject == subject).with_for_update()
    row = session.scalar(query)
    if row is not None:
        return row
    fresh = model()
    fresh.subject, fresh.failed_attempts, fresh.updated_at = subject, 0, now
    try:
        with session.begin_nested():
            session.add(fresh)
    except IntegrityError:
        pass  # a parallel request created it: read theirs, under the lock
    row = session.scalar(query)
    assert row is not None
    return row


def locked_until(row: ThrottleRow, now: datetime) -> datetime | None:
    """Return until when the subject is locked, or None when it is not."""
    until = row.locked_until
    return until if until is not None and until > now else None


def fail(row: ThrottleRow, policy: LockPolicy, now: datetime) -> datetime | None:
    """Count one failure; return the lock's end when this failure engages it."""
    row.failed_attempts += 1
    row.updated_at = now
    if row.failed_attempts < policy.max_failures:
        return None
    row.failed_attempts, row.locked_until = 0, now + policy.lockout
    return row.locked_until


def succeed(row: ThrottleRow, now: datetime) -> None:
    """Forget past failures after a success."""
    row.failed_attempts, row.locked_until, row.updated_at = 0, None, now
