"""Endpoints for the assistant as a service: events and chat identities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from backend.core.domain import Language


class EventOut(BaseModel):
    """One event from the outbox."""

    id: int
    type: str
    citizen_id: int | None
    payload: dict[str, Any]
    created_at: datetime


class EventsPage(BaseModel):
    """Events after the cursor, oldest first."""

    events: list[EventOut]
    next_after: int
    latest_id: int


class ChatIdentityOut(BaseModel):
    """A chat where the citizen holds a live token."""

    chat_identity: str
    channel: str
    sender_id: str
    last_used_at: datetime


class ChatIdentitiesOut(BaseModel):
    """Where to push notifications for a citizen, most recently used first."""

    citizen_id: int
    preferred_language: Language
    chat_identities: list[ChatIdentityOut]


class OutboxMessageOut(BaseModel):
    """A message the development sender stored."""

    to: str
    channel: str
    text: str
    created_at: datetime
