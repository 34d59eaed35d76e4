"""The kernel's tables: citizens and their tokens, the event outbox, audit log and bookkeeping."""

from __future__ import annotations

from backend.core.models.citizens import Citizen, CitizenToken
from backend.core.models.records import AuditEntry, Event, IdempotencyRecord, ReferenceCounter

__all__ = [
    "AuditEntry",
    "Citizen",
    "CitizenToken",
    "Event",
    "IdempotencyRecord",
    "ReferenceCounter",
]
