"""Citizens: look-ups and the sign-in lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Citizen
from backend.services.identifiers import Identifier


def get_citizen(*, session: Session, citizen_id: int) -> Citizen | None:
    """Return the citizen with primary key `citizen_id`."""
    return session.get(Citizen, citizen_id)


def find_by_identifier(*, session: Session, identifier: Identifier) -> Citizen | None:
    """Find a citizen by canonical phone or ID number."""
    column = Citizen.phone if identifier.kind == "phone" else Citizen.id_number
    return session.scalar(select(Citizen).where(column == identifier.value))


def get_by_id_number(*, session: Session, id_number: str) -> Citizen | None:
    """Find a citizen by ID number."""
    return session.scalar(select(Citizen).where(Citizen.id_number == id_number))


def lock_signin(*, session: Session, citizen: Citizen, reason: str, now: datetime) -> None:
    """Stop sign-in by one-time code until `unlock_signin` is called."""
    citizen.signin_locked_at = now
    citizen.signin_lock_reason = reason


def unlock_signin(*, session: Session, citizen: Citizen) -> None:
    """Allow sign-in again (support staff do this after checking the citizen's identity)."""
    citizen.signin_locked_at = None
    citizen.signin_lock_reason = None
