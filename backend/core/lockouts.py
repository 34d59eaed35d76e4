"""One lockout mechanism: wrong one-time codes, wrong console passwords, and whatever comes next.

A counter row per subject is read with a row lock (SELECT ... FOR UPDATE on PostgreSQL; the
write lock SQLite takes at BEGIN IMMEDIATE), so parallel wrong guesses are all counted and
the lock engages exactly at the limit; lifting locks takes the same row locks. What a subject
is decides who a lock can hurt: callers key it so a stranger's guesses lock the stranger
(their chat, their device), never the owner. Every lock answers the same way: 429 with a
`Retry-After` rounded up to whole seconds, from the failure that engages it onwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.core.problems import ProblemError, too_many
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


class Locked(Exception):
    """The subject is locked out until `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


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


def release(session: Session, model: type[Row], subjects: Iterable[str], now: datetime) -> int:
    """Lift the locks of `subjects` under the same row locks; return how many rows changed."""
    wanted = sorted(set(subjects))  # one lock order for every caller: no deadlocks
    rows = session.scalars(
        select(model).where(model.subject.in_(wanted)).order_by(model.subject).with_for_update()
    ).all()
    for row in rows:
        succeed(row, now)
    return len(rows)


def locked_problem(kind: str, until: datetime, now: datetime, detail: str | None = None
                   ) -> ProblemError:
    """Return the 429 problem of a lock, with `Retry-After` and `retry_after_seconds`."""
    return too_many(kind, (until - now).total_seconds(), detail)


@dataclass(frozen=True, slots=True)
class Lockout(Generic[Row]):
    """One use of the mechanism: its counter table and its policy."""

    model: type[Row]
    policy: LockPolicy

    def enter(self, session: Session, subject: str, now: datetime) -> Row:
        """Return the subject's counter, row-locked until the transaction ends.

        Raises:
            Locked: while the subject is locked; the transaction is rolled back first, so the
                row lock is not held while the caller answers.
        """
        row = counter(session, self.model, subject, now)
        until = locked_until(row, now)
        if until is not None:
            session.rollback()
            raise Locked(until)
        return row

    def fail(self, row: Row, now: datetime) -> datetime | None:
        """Count one failure; return the lock's end when this failure engages it."""
        return fail(row, self.policy, now)

    def succeed(self, row: Row, now: datetime) -> None:
        """Forget past failures after a success."""
        succeed(row, now)

    def release(self, session: Session, subjects: Iterable[str], now: datetime) -> int:
        """Lift the locks of `subjects`; return how many counters changed."""
        return release(session, self.model, subjects, now)
