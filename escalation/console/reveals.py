"""Personal data in the console: masked by default, revealed on request, every reveal logged.

Opening a security-queue ticket is logged the same way (target "view").

The reveal log is hash-chained, so a row edited or deleted afterwards shows up when a
supervisor looks at it. A reveal of a linked citizen's data is also written to the backend's
audit log, which is what the citizen's data-access requests read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backend.core import audit
from escalation.models import Agent, PiiReveal, Ticket
from privacy.redact import find, mask

GENESIS = "0" * 64
_REVEALS_LOCK_KEY = 7_310_421_003  # chain writers one at a time on PostgreSQL


@dataclass(frozen=True, slots=True)
class Masked:
    """A text as the console shows it before any reveal."""

    text: str
    kinds: tuple[str, ...]

    @property
    def has_pii(self) -> bool:
        """Tell whether anything was masked."""
        return bool(self.kinds)


def masked(raw: str) -> Masked:
    """Mask ID numbers, phones, M-Pesa codes and e-mails in a text."""
    kinds = tuple(sorted({kind for kind, _, _ in find(raw)}))
    return Masked(mask(raw) if kinds else raw, kinds)


def _digest(previous: str, row: PiiReveal) -> str:
    fields = (previous, row.agent_id, row.ticket_id, row.message_id, row.target, row.kinds,
              row.at.isoformat())
    return hashlib.sha256("|".join(str(f) for f in fields).encode()).hexdigest()


def log_reveal(*, session: Session, agent: Agent, ticket: Ticket, target: str, kinds: str,
               now: datetime, message_id: int | None = None) -> PiiReveal:
    """Append a reveal to the chained log (and to the citizen's audit trail when linked)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REVEALS_LOCK_KEY})
    previous = session.scalar(select(PiiReveal.chain_hash).order_by(PiiReveal.id.desc()).limit(1))
    row = PiiReveal(agent_id=agent.id, ticket_id=ticket.id, message_id=message_id,
                    target=target, kinds=kinds[:64], at=now, chain_hash="")
    row.chain_hash = _digest(previous or GENESIS, row)
    session.add(row)
    if ticket.citizen_id is not None:
        audit.record(session=session, service=f"console:agent:{agent.id}", action="reveal",
                     resource=f"ticket:{ticket.number}:{target}", citizen_id=ticket.citizen_id,
                     now=now)
    session.flush()
    return row


def verify_chain(rows: Sequence[PiiReveal]) -> int | None:
    """Return the id of the first row whose hash does not follow (None when intact).

    `rows` must be the whole log in id order.
    """
    previous = GENESIS
    for row in rows:
        if _digest(previous, row) != row.chain_hash:
            return row.id
        previous = row.chain_hash
    return None
