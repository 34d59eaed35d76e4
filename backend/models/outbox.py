"""The development outbox: SMS and e-mails the development sender 'sent'."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from common.sqltypes import UTCDateTime
from common.timezone import utcnow


class OutboxMessage(Base):
    """An SMS or email the development sender 'sent' (read it at /dev/outbox)."""

    __tablename__ = "dev_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
