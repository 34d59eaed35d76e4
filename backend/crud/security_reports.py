"""Security reports as one citizen sees them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import SecurityReport


def list_for_citizen(*, session: Session, citizen_id: int) -> Sequence[SecurityReport]:
    """Return the reports linked to the citizen, newest first."""
    return session.scalars(
        select(SecurityReport)
        .where(SecurityReport.citizen_id == citizen_id)
        .order_by(SecurityReport.id.desc())
    ).all()


def get_for_citizen(*, session: Session, citizen_id: int, reference: str) -> SecurityReport | None:
    """Return one of the citizen's reports."""
    return session.scalar(
        select(SecurityReport).where(
            SecurityReport.citizen_id == citizen_id, SecurityReport.reference == reference.upper()
        )
    )


def get_by_reference(*, session: Session, reference: str) -> SecurityReport | None:
    """Return a report by reference."""
    return session.scalar(select(SecurityReport).where(SecurityReport.reference == reference))
