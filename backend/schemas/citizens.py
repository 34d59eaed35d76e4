"""The citizen's own profile and data export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from backend.core.domain import IdType, Language


class ProfileOut(BaseModel):
    """The citizen's profile as the chat shows it (identifiers masked)."""

    id: int
    first_name: str
    last_name: str
    id_type: IdType
    id_number_masked: str
    phone_masked: str
    email_masked: str | None
    preferred_language: Language
    signin_locked: bool
    created_at: datetime


class ChatSessionOut(BaseModel):
    """One token ever issued to the citizen (never the token itself)."""

    chat_identity: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None


class MyDataOut(BaseModel):
    """Everything held about the citizen (Data Protection Act 2019, s.26 right of access)."""

    generated_at: datetime
    profile: dict[str, Any]
    applications: list[dict[str, Any]]
    bills: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    receipts: list[dict[str, Any]]
    security_reports: list[dict[str, Any]]
    chat_sessions: list[ChatSessionOut]
    audit_log: list[dict[str, Any]]
