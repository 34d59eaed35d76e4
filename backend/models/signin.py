"""Sign-in by one-time code: the issued challenges and the wrong-code counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.lockouts import ThrottleRow
from common.sqltypes import UTCDateTime
from common.timezone import utcnow


class OtpChallenge(Base):
    """One issued code; only its HMAC is kept.

    Challenges are written for unknown identifiers too (with no citizen and a code nobody
    receives), so both cases do the same work and take the same time.
    """

    __tablename__ = "otp_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    # The identifier as typed and the chat, keyed (HMAC): what the visible rate limit counts.
    request_key: Mapped[str | None] = mapped_column(String(64), index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    chat_identity: Mapped[str] = mapped_column(String(200))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SigninThrottle(ThrottleRow, Base):
    """Wrong-code counter and lock per sign-in subject and chat (see backend.core.lockouts)."""

    __tablename__ = "signin_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
