"""Agencies and the services they offer, with fees in whole Kenya shillings."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import Base


class Agency(Base):
    """A government agency on the portal (Immigration, DCI, NTSA, ...)."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_sw: Mapped[str] = mapped_column(String(200))

    services: Mapped[list[Service]] = relationship(back_populates="agency")


class Service(Base):
    """A service citizens apply and pay for."""

    __tablename__ = "services"
    __table_args__ = (CheckConstraint("fee_kes >= 0", name="fee_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_sw: Mapped[str] = mapped_column(String(200))
    fee_kes: Mapped[int] = mapped_column(Integer)
    reference_prefix: Mapped[str] = mapped_column(String(4))
    requires_biometrics: Mapped[bool] = mapped_column(Boolean, default=False)
    processing_days: Mapped[int] = mapped_column(Integer)

    agency: Mapped[Agency] = relationship(back_populates="services", lazy="joined")
