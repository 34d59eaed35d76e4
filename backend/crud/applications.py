"""Applications as one citizen sees them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Application, Bill


def list_for_citizen(*, session: Session, citizen_id: int) -> Sequence[Application]:
    """Return the citizen's applications, newest first."""
    return session.scalars(
        select(Application)
        .where(Application.citizen_id == citizen_id)
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()


def get_for_citizen(*, session: Session, citizen_id: int, reference: str) -> Application | None:
    """Return one of the citizen's applications; another citizen's reference gives None."""
    return session.scalar(
        select(Application).where(
            Application.citizen_id == citizen_id, Application.reference == reference.upper()
        )
    )


def get_by_reference(*, session: Session, reference: str) -> Application | None:
    """Return an application by reference, whoever owns it (seed and admin use)."""
    return session.scalar(select(Application).where(Application.reference == reference))


def bills_by_application(*, session: Session, citizen_id: int) -> dict[int, Bill]:
    """Return the citizen's bills keyed by application id."""
    bills = session.scalars(select(Bill).where(Bill.citizen_id == citizen_id))
    return {b.application_id: b for b in bills}
