"""Security reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field, field_validator

from backend.domain import ContactPreference, ReportCategory, ReportStatus, Severity
from common.timezone import NAIROBI

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # eCitizen did not exist before; older is a typo


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
        """Read a time without a zone as Kenyan time (NAIROBI); refuse moments that cannot be."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=NAIROBI)
        try:  # at the calendar's edges the conversion to UTC overflows
            in_utc = value.astimezone(UTC)
        except OverflowError:
            raise ValueError("must be a real date and time") from None
        if not EARLIEST <= in_utc <= datetime.now(UTC) + timedelta(days=1):
            raise ValueError("must be a date between 2000 and today")
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
