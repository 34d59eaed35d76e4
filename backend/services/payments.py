"""Payments: start (one attempt at a time per bill), the M-Pesa prompt, card and bank."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.config import BackendSettings
from backend.core.problems import ProblemError
from backend.domain import BillStatus, FailureReason, PaymentMethod, PaymentStatus, PushStage
from backend.models import Bill, Payment
from backend.services.callback_review import CallbackReview
from backend.services.daraja import (
    DarajaRejected,
    DarajaUnavailable,
    DarajaUncertain,
    StkAck,
    StkGateway,
)
from backend.services.settlement import record_failure, record_success
from privacy import mask

logger = logging.getLogger(__name__)

# What the citizen sees on the M-Pesa prompt next to the account (Daraja allows 1-13 characters).
TRANSACTION_DESC = "eCitizen bill"


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
        self.callbacks = CallbackReview(settings=settings, clock=clock)

    def callback_url(self, nonce: str) -> str:
        """Return the CallBackURL for one attempt: the secret token, then the attempt's nonce.

        The nonce lets a callback find its attempt even when Daraja's acknowledgement (with
        the CheckoutRequestID) was lost to a crash.
        """
        token = self._settings.callback_token.get_secret_value()
        return self._settings.url(f"/api/v1/mpesa/callback/{token}/{nonce}")

    # ------------------------------------------------------------------ start
    def start(
        self,
        *,
        session: Session,
        citizen_id: int,
        bill_id: int,
        method: PaymentMethod,
        phone: str | None,
        chat_identity: str | None = None,
    ) -> StartResult:
        """Start paying a bill, or return the attempt already under way.

        The bill row is locked (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on
        SQLite) while we look for an open attempt and insert one, so concurrent starts for
        one bill create one payment and send one STK push. Each step of the push is committed
        before the next one starts, so a crash leaves a stage the reconciler can finish.
        """
        result = self._reserve(
            session=session,
            citizen_id=citizen_id,
            bill_id=bill_id,
            method=method,
            phone=phone,
            chat_identity=chat_identity,
            now=self._clock(),
        )
        if result.created and method is PaymentMethod.MPESA:
            self._push(session=session, payment=result.payment)
        return result

    def _reserve(
        self,
        *,
        session: Session,
        citizen_id: int,
        bill_id: int,
        method: PaymentMethod,
        phone: str | None,
        chat_identity: str | None,
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
        # An attempt that is not final stays the bill's attempt until Daraja (or the
        # reconciler asking Daraja) says how it ended: no second prompt, however old it is.
        open_attempt = session.scalar(
            select(Payment).where(
                Payment.bill_id == bill.id, Payment.status == PaymentStatus.PENDING
            )
        )
        if open_attempt is None and method is PaymentMethod.BANK:
            open_attempt = session.scalar(
                select(Payment).where(
                    Payment.bill_id == bill.id,
                    Payment.status == PaymentStatus.AWAITING_TRANSFER,
                )
            )
        if open_attempt is not None:
            session.commit()
            return StartResult(open_attempt, created=False)
        if method is PaymentMethod.CARD and self._settings.is_production:
            raise ProblemError(409, "payment-method-unavailable", "Card payments are not set up.")
        mpesa = method is PaymentMethod.MPESA
        payment = Payment(
            bill_id=bill.id,
            bill=bill,
            citizen_id=citizen_id,
            method=method,
            status=PaymentStatus.AWAITING_TRANSFER
            if method is PaymentMethod.BANK
            else PaymentStatus.PENDING,
            amount_kes=bill.total_kes,
            phone=phone if mpesa else None,
            created_at=now,
            chat_identity=chat_identity,
            push_stage=PushStage.RESERVED if mpesa else None,
            callback_nonce=secrets.token_hex(16) if mpesa else None,
            account_reference=bill.account_number[:12] if mpesa else None,
            next_check_at=now + self._settings.payment_reserve_lease if mpesa else None,
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

    def _push(self, *, session: Session, payment: Payment) -> None:
        """Send the prompt; record SENDING before it leaves and Daraja's ids when they come."""
        now = self._clock()
        payment.push_stage = PushStage.SENDING
        payment.push_sent_at = now
        payment.next_check_at = now + self._settings.mpesa_query_after
        session.commit()
        assert payment.phone is not None
        assert payment.callback_nonce is not None
        try:
            ack = self._gateway.stk_push(
                amount=payment.amount_kes,
                phone=payment.phone,
                account_reference=payment.account_reference or "",
                description=TRANSACTION_DESC,
                callback_url=self.callback_url(payment.callback_nonce),
            )
        except DarajaUncertain as exc:
            # The prompt may be on the phone: never send another. The reconciler finds out.
            logger.warning("STK push for payment %s has no answer: %s", payment.id, exc)
            return
        except (DarajaRejected, DarajaUnavailable) as exc:
            self._refused(session=session, payment=payment, why=str(exc))
            raise ProblemError(
                502, "payment-gateway-error", "M-Pesa did not accept the request; try again."
            ) from exc
        self.record_ack(session=session, payment_id=payment.id, ack=ack)

    def _refused(self, *, session: Session, payment: Payment, why: str) -> None:
        """Fail an attempt Daraja certainly did not accept (nothing reached the phone)."""
        locked = _lock(session, payment.id)
        if locked.status == PaymentStatus.PENDING and locked.push_stage == PushStage.SENDING:
            logger.warning("STK push for payment %s refused: %s", locked.id, why)
            locked.push_stage = PushStage.REFUSED
            record_failure(
                session=session,
                payment=locked,
                reason=FailureReason.GATEWAY_ERROR,
                result_code=None,
                result_desc=why,
                now=self._clock(),
            )
        session.commit()

    def record_ack(self, *, session: Session, payment_id: int, ack: StkAck) -> None:
        """Keep Daraja's ids for the attempt, then apply any callback that came before them."""
        locked = _lock(session, payment_id)
        taken = session.scalar(
            select(Payment.id).where(
                Payment.checkout_request_id == ack.checkout_request_id, Payment.id != payment_id
            )
        )
        if taken is not None:  # Daraja never reuses ids: something is badly wrong
            logger.error("CheckoutRequestID %s already belongs to payment %s",
                         mask(ack.checkout_request_id), taken)
            session.commit()
            return
        if locked.push_stage in (PushStage.RESERVED, PushStage.SENDING):
            locked.push_stage = PushStage.ACCEPTED
            locked.merchant_request_id = ack.merchant_request_id
            locked.checkout_request_id = ack.checkout_request_id
            session.flush()
            self.callbacks.apply_held(session=session, payment=locked)
        session.commit()

    # ------------------------------------------------------------------ card
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


def _lock(session: Session, payment_id: int) -> Payment:
    payment = session.scalar(
        select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment)
    )
    assert payment is not None
    return payment
