"""Bills, payments and receipts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from backend.domain import BillStatus, FailureReason, PaymentMethod, PaymentStatus


class BillOut(BaseModel):
    """An invoice: service fee + convenience fee, payable to PayBill with the account number."""

    id: int
    application_reference: str
    service_code: str
    amount_kes: int
    convenience_fee_kes: int
    total_kes: int
    paybill: str
    account_number: str
    status: BillStatus
    created_at: datetime
    paid_at: datetime | None


class PaymentStartIn(BaseModel):
    """Start paying a bill."""

    method: PaymentMethod
    phone: str | None = Field(
        default=None,
        description="M-Pesa phone; the phone on file when left out",
        examples=["0712345678"],
    )


class BankInstructions(BaseModel):
    """How to pay at a bank or by PayBill without a prompt."""

    paybill: str
    account_number: str
    amount_kes: int
    note: str


class PaymentOut(BaseModel):
    """One payment attempt."""

    id: int
    bill_id: int
    application_reference: str
    method: PaymentMethod
    status: PaymentStatus
    status_message: str
    amount_kes: int
    phone_masked: str | None
    merchant_request_id: str | None
    checkout_request_id: str | None
    checkout_url: str | None
    bank_instructions: BankInstructions | None
    result_code: int | None
    result_desc: str | None
    failure_reason: FailureReason | None
    receipt_no: str | None
    created_at: datetime
    completed_at: datetime | None


class ReceiptOut(BaseModel):
    """A receipt, with a signed link the citizen can open in a browser."""

    receipt_no: str
    payment_id: int
    bill_id: int
    application_reference: str
    service_code: str
    service_name_en: str
    service_name_sw: str
    amount_kes: int
    method: PaymentMethod
    issued_at: datetime
    download_url: str
    download_expires_at: datetime
