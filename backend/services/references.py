"""Reference numbers: PP-2025-000123 for applications, SR-... for reports, bill accounts."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.sequences import next_number
from backend.models import Bill

# Uppercase letters and digits without look-alikes (0/O, 1/I), so a citizen can type it.
ACCOUNT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACCOUNT_LENGTH = 8
REPORT_PREFIX = "SR"
OWN_RECEIPT_PREFIX = "RC"  # receipts we number ourselves (card, query-settled)


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
