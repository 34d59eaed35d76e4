"""Applications for services and their status history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.columns import StrEnumType, enum_check
from backend.core.db import Base
from backend.domain import ApplicationStatus, RequiredAction
from backend.models.catalogue import Service
from common.sqltypes import UTCDateTime
from common.timezone import utcnow


class Application(Base):
    """A citizen's application for one service, with its agency reference number."""

    __tablename__ = "applications"
    __table_args__ = (
        enum_check("status", ApplicationStatus),
        enum_check("required_action", RequiredAction),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    status: Mapped[ApplicationStatus] = mapped_column(StrEnumType(ApplicationStatus))
    required_action: Mapped[RequiredAction | None] = mapped_column(StrEnumType(RequiredAction))
    required_document: Mapped[str | None] = mapped_column(String(200))
    collection_office: Mapped[str | None] = mapped_column(String(200))
    collection_from: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    service: Mapped[Service] = relationship(lazy="joined")
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="application", order_by="StatusChange.id", lazy="selectin"
    )


class StatusChange(Base):
    """One step in an application's history, with a note the citizen can read."""

    __tablename__ = "application_status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_status: Mapped[ApplicationStatus | None] = mapped_column(StrEnumType(ApplicationStatus))
    to_status: Mapped[ApplicationStatus] = mapped_column(StrEnumType(ApplicationStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(32), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="history")
