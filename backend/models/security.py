"""Security reports filed by citizens (or anonymously) through the assistant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.columns import StrEnumType, enum_check
from backend.core.db import Base
from backend.domain import ContactPreference, ReportCategory, ReportStatus, Severity
from common.sqltypes import UTCDateTime
from common.timezone import utcnow


class SecurityReport(Base):
    """A report of account takeover, unauthorised payment, phishing, a data leak or other."""

    __tablename__ = "security_reports"
    __table_args__ = (
        enum_check("category", ReportCategory),
        enum_check("severity", Severity),
        enum_check("status", ReportStatus),
        enum_check("contact_preference", ContactPreference),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    category: Mapped[ReportCategory] = mapped_column(StrEnumType(ReportCategory))
    severity: Mapped[Severity] = mapped_column(StrEnumType(Severity))
    status: Mapped[ReportStatus] = mapped_column(StrEnumType(ReportStatus))
    description: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    occurred_text: Mapped[str | None] = mapped_column(String(200))
    transaction_reference: Mapped[str | None] = mapped_column(String(40))
    contact_preference: Mapped[ContactPreference] = mapped_column(StrEnumType(ContactPreference))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    chat_channel: Mapped[str | None] = mapped_column(String(32))
    protection_applied: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
