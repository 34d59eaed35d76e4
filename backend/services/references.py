"""Reference numbers: PP-2025-000123 for applications, SR-... for reports, bill accounts."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models import Bill, ReferenceCounter

# Uppercase letters and digits without look-alikes (0/O, 1/I), so a citizen can type it.
ACCOUNT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACCOUNT_LENGTH = 8
REPORT_PREFIX = "SR"
OWN_RECEIPT_PREFIX = "RC"  # receipts we number ourselves (card, query-settled)


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


def format_reference(prefix: str, year: int, number: int) -> str:
    """Format a reference such as PP-2025-000123."""
    return f"{prefix}-{year}-{number:06d}"


def new_reference(*, session: Session, prefix: str, now: datetime) -> str:
    """Allocate the next reference for `prefix` in `now`'s year."""
    number = next_number(session=session, name=f"{prefix}-{now.year}")
    return format_reference(prefix, now.year, number)


def new_account_number(*, session: Session) -> str:
    """Return a fresh PayBill account number, never used by another bill."""
    while True:
        candidate = "".join(secrets.choice(ACCOUNT_ALPHABET) for _ in range(ACCOUNT_LENGTH))
        exists = session.scalar(select(Bill.id).where(Bill.account_number == candidate))
        if exists is None:
            return candidate
