"""Bills, payment attempts and receipts. Money is in whole Kenya shillings (integers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.columns import StrEnumType, enum_check
from backend.core.db import Base
from backend.domain import (
    BillStatus,
    CallbackVerdict,
    FailureReason,
    PaymentMethod,
    PaymentStatus,
    PushStage,
)
from backend.models.applications import Application
from common.sqltypes import UTCDateTime
from common.timezone import utcnow


class Bill(Base):
    """The invoice for one application: service fee plus the convenience fee."""

    __tablename__ = "bills"
    __table_args__ = (
        enum_check("status", BillStatus),
        CheckConstraint("total_kes = amount_kes + convenience_fee_kes", name="total_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    account_number: Mapped[str] = mapped_column(String(10), unique=True)
    paybill: Mapped[str] = mapped_column(String(10))
    amount_kes: Mapped[int] = mapped_column(Integer)
    convenience_fee_kes: Mapped[int] = mapped_column(Integer)
    total_kes: Mapped[int] = mapped_column(Integer)
    status: Mapped[BillStatus] = mapped_column(StrEnumType(BillStatus), default=BillStatus.UNPAID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    application: Mapped[Application] = relationship(lazy="joined")


class Payment(Base):
    """One attempt to pay a bill, by M-Pesa STK push, card or bank."""

    __tablename__ = "payments"
    __table_args__ = (
        enum_check("method", PaymentMethod),
        enum_check("status", PaymentStatus),
        enum_check("failure_reason", FailureReason),
        enum_check("push_stage", PushStage),
        # The database itself refuses a second pending attempt for one bill; the bill row
        # lock in the service makes the normal path never hit this.
        Index(
            "uq_payments_one_pending_per_bill",
            "bill_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(StrEnumType(PaymentMethod))
    status: Mapped[PaymentStatus] = mapped_column(StrEnumType(PaymentStatus))
    amount_kes: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(12))
    merchant_request_id: Mapped[str | None] = mapped_column(String(64))
    checkout_request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    result_code: Mapped[int | None] = mapped_column(Integer)
    result_desc: Mapped[str | None] = mapped_column(String(300))
    failure_reason: Mapped[FailureReason | None] = mapped_column(StrEnumType(FailureReason))
    mpesa_receipt: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # M-Pesa only: how far the prompt got, the per-attempt secret in its callback URL (so a
    # callback is matched even when Daraja's acknowledgement was never recorded), and when
    # the reconciler should next ask Daraja. `next_check_at` is NULL once the payment is final.
    push_stage: Mapped[PushStage | None] = mapped_column(StrEnumType(PushStage))
    callback_nonce: Mapped[str | None] = mapped_column(String(32), unique=True)
    account_reference: Mapped[str | None] = mapped_column(String(12))
    push_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    check_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    chat_identity: Mapped[str | None] = mapped_column(String(200))

    bill: Mapped[Bill] = relationship(lazy="joined")


class MpesaCallback(Base):
    """Every M-Pesa result callback received, kept raw: a claim until it is verified."""

    __tablename__ = "mpesa_callbacks"
    __table_args__ = (enum_check("verdict", CallbackVerdict),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str | None] = mapped_column(String(64))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    checkout_request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    merchant_request_id: Mapped[str | None] = mapped_column(String(64))
    result_code: Mapped[int | None] = mapped_column(Integer)
    verdict: Mapped[CallbackVerdict] = mapped_column(StrEnumType(CallbackVerdict))
    reason: Mapped[str | None] = mapped_column(String(200))
    raw_body: Mapped[str] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(120))


class Receipt(Base):
    """Proof of a successful payment, with the number the citizen quotes."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(20), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    amount_kes: Mapped[int] = mapped_column(Integer)
    method: Mapped[PaymentMethod] = mapped_column(StrEnumType(PaymentMethod))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    payment: Mapped[Payment] = relationship(lazy="joined")
