"""Citizens and the tokens the assistant holds for them: the identity escalation shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.columns import StrEnumType, enum_check
from backend.core.db import Base
from backend.core.domain import IdType, Language
from common.sqltypes import UTCDateTime
from common.timezone import utcnow


class Citizen(Base):
    """A registered citizen or foreign resident."""

    __tablename__ = "citizens"
    __table_args__ = (
        enum_check("id_type", IdType),
        enum_check("preferred_language", Language),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(16), unique=True)
    id_type: Mapped[IdType] = mapped_column(StrEnumType(IdType), default=IdType.NATIONAL)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(12), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    preferred_language: Mapped[Language] = mapped_column(StrEnumType(Language), default=Language.EN)
    signin_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signin_lock_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CitizenToken(Base):
    """A bearer token the assistant holds for one citizen in one chat."""

    __tablename__ = "citizen_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    chat_identity: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(64))

    @property
    def scope_set(self) -> frozenset[str]:
        """Return the scopes as a set."""
        return frozenset(self.scopes.split())
