"""The audit log of personal-data reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from backend.core.models import AuditEntry


def record(
    *,
    session: Session,
    service: str,
    action: str,
    resource: str,
    now: datetime,
    citizen_id: int | None = None,
    token_id: int | None = None,
) -> None:
    """Add an audit entry in the caller's transaction."""
    session.add(
        AuditEntry(
            service=service,
            action=action,
            resource=resource[:120],
            citizen_id=citizen_id,
            token_id=token_id,
            at=now,
        )
    )
