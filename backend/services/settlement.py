"""Recording payment outcomes: success (receipt, bill paid, application submitted) or failure.

Every function runs in the caller's transaction and writes its outbox event there too.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.core.domain import EventType
from backend.core.events import append_event
from backend.domain import (
    MPESA_RESULT_REASONS,
    ApplicationStatus,
    BillStatus,
    FailureReason,
    PaymentStatus,
)
from backend.models import Bill, Payment, Receipt
from backend.services.applications import PAYMENT_RECEIVED_NOTE, change_status
from backend.services.references import OWN_RECEIPT_PREFIX, new_reference

logger = logging.getLogger(__name__)


def apply_result(
    *,
    session: Session,
    payment: Payment,
    result_code: int,
    result_desc: str,
    receipt: str | None,
    now: datetime,
    confirmed_by_daraja: bool,
) -> bool:
    """Apply a verified final ResultCode once; return False when nothing changed.

    A success for an attempt already failed is recorded only when Daraja's own query says so
    (the money moved); a callback alone never turns a failure into a payment.
    """
    late_success = (
        result_code == 0 and payment.status == PaymentStatus.FAILED and confirmed_by_daraja
    )
    if payment.status != PaymentStatus.PENDING and not late_success:
        if payment.status == PaymentStatus.SUCCEEDED and receipt and not payment.mpesa_receipt:
            payment.mpesa_receipt = receipt  # a query settled it first, without a receipt
        return False
    if result_code != 0:
        reason = MPESA_RESULT_REASONS.get(result_code, FailureReason.OTHER)
        record_failure(
            session=session,
            payment=payment,
            reason=reason,
            result_code=result_code,
            result_desc=result_desc,
            now=now,
        )
        return True
    if late_success:
        logger.warning("Payment %s: Daraja confirms a success after a failure", payment.id)
    payment.mpesa_receipt = receipt
    record_success(
        session=session,
        payment=payment,
        receipt_no=receipt,
        result_code=0,
        result_desc=result_desc,
        now=now,
    )
    return True


def record_success(
    *,
    session: Session,
    payment: Payment,
    receipt_no: str | None,
    result_code: int | None,
    result_desc: str,
    now: datetime,
) -> None:
    """Mark paid: receipt, bill paid, other attempts cancelled, application submitted, event."""
    payment.status = PaymentStatus.SUCCEEDED
    payment.failure_reason = None
    payment.result_code, payment.result_desc = result_code, result_desc[:300]
    payment.completed_at = now
    payment.next_check_at = None
    number = receipt_no or new_reference(session=session, prefix=OWN_RECEIPT_PREFIX, now=now)
    session.add(
        Receipt(
            receipt_no=number,
            payment_id=payment.id,
            bill_id=payment.bill_id,
            citizen_id=payment.citizen_id,
            amount_kes=payment.amount_kes,
            method=payment.method,
            issued_at=now,
        )
    )
    bill = session.scalar(select(Bill).where(Bill.id == payment.bill_id).with_for_update(of=Bill))
    assert bill is not None
    if bill.status == BillStatus.PAID:
        logger.warning("Bill %s paid twice (payment %s): refund needed", bill.id, payment.id)
    else:
        bill.status, bill.paid_at = BillStatus.PAID, now
        session.execute(
            update(Payment)
            .where(Payment.bill_id == bill.id, Payment.status == PaymentStatus.AWAITING_TRANSFER)
            .values(status=PaymentStatus.CANCELLED)
        )
    session.flush()
    append_event(
        session=session,
        type=EventType.PAYMENT_SUCCEEDED,
        citizen_id=payment.citizen_id,
        payload={
            "payment_id": payment.id,
            "bill_id": bill.id,
            "application_reference": bill.application.reference,
            "amount_kes": payment.amount_kes,
            "method": payment.method,
            "receipt_no": number,
            "conversation_id": payment.chat_identity,
        },
        now=now,
    )
    application = bill.application
    if application.status == ApplicationStatus.PENDING_PAYMENT:
        change_status(
            session=session,
            application=application,
            to=ApplicationStatus.SUBMITTED,
            note=PAYMENT_RECEIVED_NOTE,
            now=now,
            actor="system",
        )


def record_failure(
    *,
    session: Session,
    payment: Payment,
    reason: FailureReason,
    result_code: int | None,
    result_desc: str,
    now: datetime,
) -> None:
    """Mark the attempt failed with a reason the assistant can explain, and write the event."""
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = reason
    payment.result_code, payment.result_desc = result_code, result_desc[:300]
    payment.completed_at = now
    payment.next_check_at = None
    session.flush()
    append_event(
        session=session,
        type=EventType.PAYMENT_FAILED,
        citizen_id=payment.citizen_id,
        payload={
            "payment_id": payment.id,
            "bill_id": payment.bill_id,
            "application_reference": payment.bill.application.reference,
            "amount_kes": payment.amount_kes,
            "method": payment.method,
            "reason": reason.value,
            "result_code": result_code,
            "conversation_id": payment.chat_identity,
        },
        now=now,
    )
