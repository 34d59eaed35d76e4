"""Security reports."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from backend.domain import ContactPreference, ReportCategory, ReportStatus, Severity


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
