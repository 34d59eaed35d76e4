"""Payments: start (once per bill), record outcomes (once per payment), receipts, events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.config import BackendSettings
from backend.domain import (
    BillStatus,
    FailureReason,
    PaymentMethod,
    PaymentStatus,
)
from backend.models import Bill, Payment
from backend.problems import ProblemError
from backend.services.callbacks import StkCallback
from backend.services.daraja import DarajaError, StkGateway
from backend.services.settlement import apply_result, record_failure, record_success
from privacy import mask

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StartResult:
    """The payment a start request resolved to, and whether it was created just now."""

    payment: Payment
    created: bool


class PaymentService:
    """Runs payments against the bill rules; the M-Pesa gateway is injected."""

    def __init__(
        self,
        *,
        settings: BackendSettings,
        gateway: StkGateway,
        clock: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._gateway = gateway
        self._clock = clock

    def callback_url(self) -> str:
        """Return the CallBackURL given to Daraja, with the secret path segment."""
        token = self._settings.callback_token.get_secret_value()
        return self._settings.url(f"/api/v1/mpesa/callback/{token}")

    # ------------------------------------------------------------------ start
    def start(
        self,
        *,
        session: Session,
        citizen_id: int,
        bill_id: int,
        method: PaymentMethod,
        phone: str | None,
    ) -> StartResult:
        """Start paying a bill, or return the attempt already under way.

        The bill row is locked (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on
        SQLite) while we look for a pending attempt and insert one, so concurrent starts for
        one bill create one payment and send one STK push. The push itself happens after the
        commit: no lock is held while Daraja is called.
        """
        now = self._clock()
        result = self._reserve(
            session=session,
            citizen_id=citizen_id,
            bill_id=bill_id,
            method=method,
            phone=phone,
            now=now,
        )
        if not result.created or method is not PaymentMethod.MPESA:
            return result
        payment = result.payment
        assert payment.phone is not None
        try:
            ack = self._gateway.stk_push(
                amount=payment.amount_kes,
                phone=payment.phone,
                account_reference=payment.bill.account_number,
                description=f"Bill {payment.bill.account_number}",
                callback_url=self.callback_url(),
            )
        except DarajaError as exc:
            logger.warning("STK push for payment %s failed: %s", payment.id, exc)
            payment.status = PaymentStatus.FAILED
            payment.failure_reason = FailureReason.GATEWAY_ERROR
            payment.result_desc = str(exc)[:300]
            payment.completed_at = self._clock()
            session.commit()
            raise ProblemError(
                502, "payment-gateway-error", "M-Pesa did not accept the request; try again."
            ) from exc
        payment.merchant_request_id = ack.merchant_request_id
        payment.checkout_request_id = ack.checkout_request_id
        session.commit()
        return result

    def _reserve(
        self,
        *,
        session: Session,
        citizen_id: int,
        bill_id: int,
        method: PaymentMethod,
        phone: str | None,
        now: datetime,
    ) -> StartResult:
        bill = session.scalar(
            select(Bill)
            .where(Bill.id == bill_id, Bill.citizen_id == citizen_id)
            .with_for_update(of=Bill)
        )
        if bill is None:
            raise ProblemError(404, "not-found", "No such bill.")
        if bill.status == BillStatus.PAID:
            raise ProblemError(409, "bill-already-paid", "This bill is already paid.")
        if bill.status != BillStatus.UNPAID:
            raise ProblemError(409, "bill-not-payable", "This bill was cancelled.")
        pending = self._open_attempt(session=session, bill=bill, now=now)
        if pending is not None:
            session.commit()
            return StartResult(pending, created=False)
        if method is PaymentMethod.BANK:
            existing = session.scalar(
                select(Payment).where(
                    Payment.bill_id == bill.id,
                    Payment.status == PaymentStatus.AWAITING_TRANSFER,
                )
            )
            if existing is not None:
                session.commit()
                return StartResult(existing, created=False)
        if method is PaymentMethod.CARD and self._settings.is_production:
            raise ProblemError(409, "payment-method-unavailable", "Card payments are not set up.")
        payment = Payment(
            bill_id=bill.id,
            bill=bill,
            citizen_id=citizen_id,
            method=method,
            status=PaymentStatus.AWAITING_TRANSFER
            if method is PaymentMethod.BANK
            else PaymentStatus.PENDING,
            amount_kes=bill.total_kes,
            phone=phone if method is PaymentMethod.MPESA else None,
            created_at=now,
        )
        session.add(payment)
        try:
            session.commit()
        except IntegrityError:  # the partial unique index caught a parallel start
            session.rollback()
            pending = session.scalar(
                select(Payment).where(
                    Payment.bill_id == bill_id, Payment.status == PaymentStatus.PENDING
                )
            )
            if pending is None:
                raise
            session.commit()
            return StartResult(pending, created=False)
        return StartResult(payment, created=True)

    def _open_attempt(self, *, session: Session, bill: Bill, now: datetime) -> Payment | None:
        """Return the bill's pending attempt, expiring it first if it is too old."""
        pending = session.scalar(
            select(Payment).where(
                Payment.bill_id == bill.id, Payment.status == PaymentStatus.PENDING
            )
        )
        if pending is None:
            return None
        if pending.created_at + self._settings.payment_pending_ttl > now:
            return pending
        # Daraja gives up on a prompt after about a minute; an attempt this old lost its
        # callback. A late success callback is still honoured (see record_callback).
        record_failure(
            session=session,
            payment=pending,
            reason=FailureReason.EXPIRED,
            result_code=None,
            result_desc="No answer from the payment provider.",
            now=now,
        )
        session.flush()
        return None

    # ---------------------------------------------------------------- outcomes
    def record_callback(self, *, session: Session, callback: StkCallback) -> bool:
        """Apply a Daraja callback once; return False for unknown ids and replays."""
        now = self._clock()
        payment = session.scalar(
            select(Payment)
            .where(Payment.checkout_request_id == callback.checkout_request_id)
            .with_for_update(of=Payment)
        )
        if payment is None:
            logger.warning(
                "Callback for unknown CheckoutRequestID %s (ResultCode %s)",
                mask(callback.checkout_request_id),
                callback.result_code,
            )
            session.rollback()
            return False
        changed = apply_result(
            session=session,
            payment=payment,
            result_code=callback.result_code,
            result_desc=callback.result_desc,
            receipt=callback.receipt_number,
            amount=callback.amount,
            now=now,
        )
        session.commit()
        return changed

    def settle_card(self, *, session: Session, payment_id: int, success: bool) -> Payment | None:
        """Finish a simulated card checkout; replays change nothing."""
        now = self._clock()
        payment = session.scalar(
            select(Payment)
            .where(Payment.id == payment_id, Payment.method == PaymentMethod.CARD)
            .with_for_update(of=Payment)
        )
        if payment is None:
            return None
        if payment.status == PaymentStatus.PENDING:
            if success:
                record_success(
                    session=session,
                    payment=payment,
                    receipt_no=None,
                    result_code=None,
                    result_desc="Card payment approved",
                    now=now,
                )
            else:
                record_failure(
                    session=session,
                    payment=payment,
                    reason=FailureReason.CARD_DECLINED,
                    result_code=None,
                    result_desc="Card declined",
                    now=now,
                )
        session.commit()
        return payment

    def record_external_payment(
        self,
        *,
        session: Session,
        bill: Bill,
        method: PaymentMethod,
        receipt_no: str | None,
        phone: str | None,
        now: datetime,
    ) -> Payment:
        """Record money received outside a start request (seed data, PayBill reconciliation)."""
        payment = Payment(
            bill_id=bill.id,
            bill=bill,
            citizen_id=bill.citizen_id,
            method=method,
            status=PaymentStatus.PENDING,
            amount_kes=bill.total_kes,
            phone=phone,
            mpesa_receipt=receipt_no if method is PaymentMethod.MPESA else None,
            created_at=now,
        )
        session.add(payment)
        session.flush()
        record_success(
            session=session,
            payment=payment,
            receipt_no=receipt_no,
            result_code=0 if method is PaymentMethod.MPESA else None,
            result_desc="The service request is processed successfully.",
            now=now,
        )
        return payment

    def refresh(self, *, session: Session, payment: Payment) -> Payment:
        """Ask Daraja about a pending M-Pesa payment whose callback is late (STK query)."""
        now = self._clock()
        if (
            payment.method != PaymentMethod.MPESA
            or payment.status != PaymentStatus.PENDING
            or payment.checkout_request_id is None
            or now - payment.created_at < self._settings.mpesa_query_after
        ):
            return payment
        checkout = payment.checkout_request_id
        session.commit()  # hold no transaction while Daraja answers
        try:
            answer = self._gateway.stk_query(checkout_request_id=checkout)
        except DarajaError as exc:
            logger.info("STK query for payment %s failed: %s", payment.id, exc)
            return payment
        if answer.pending or answer.result_code is None:
            return payment
        locked = session.scalar(
            select(Payment).where(Payment.id == payment.id).with_for_update(of=Payment)
        )
        assert locked is not None
        apply_result(
            session=session,
            payment=locked,
            result_code=answer.result_code,
            result_desc=answer.result_desc or "",
            receipt=None,
            amount=None,
            now=self._clock(),
        )
        session.commit()
        return locked

    # ----------------------------------------------------------------- helpers
