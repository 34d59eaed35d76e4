"""Security reports."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from backend.domain import ContactPreference, ReportCategory, ReportStatus, Severity
from backend.services.daraja import EAT


class SecurityReportIn(BaseModel):
    """A report the citizen made in the chat."""

    category: ReportCategory
    description: str = Field(min_length=1, max_length=4000)
    occurred_at: datetime | None = Field(default=None, description="When it happened, if known")
    occurred_text: str | None = Field(
        default=None, max_length=200, description="When it happened, in the citizen's words"
    )
    transaction_reference: str | None = Field(
        default=None, max_length=40, description="M-Pesa code, receipt or application reference"
    )
    contact_preference: ContactPreference = ContactPreference.CHAT
    anonymous: bool = False

    @field_validator("occurred_at")
    @classmethod
    def _assume_kenyan_time(cls, value: datetime | None) -> datetime | None:
        """Read a time without a zone as Kenyan time (EAT), as the citizen meant it."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=EAT)
        return value

    @field_validator("description", "occurred_text", "transaction_reference")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class SecurityReportOut(BaseModel):
    """A filed report and what was done at once."""

    reference: str
    category: ReportCategory
    severity: Severity
    status: ReportStatus
    anonymous: bool
    contact_preference: ContactPreference
    protection_applied: list[str]
    created_at: datetime
    updated_at: datetime
