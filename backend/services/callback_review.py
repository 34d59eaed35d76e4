"""M-Pesa result callbacks are claims: match them to what we sent, then settle or hold for review.

A callback settles a payment only when it names the CheckoutRequestID and MerchantRequestID
Daraja gave us for that attempt, the result is final and, for a success, the amount is the
amount we asked for, the paying phone is the one we prompted and the receipt number is new.
Anything else is kept with its raw body as a suspicious callback for supervisors, and the
payment is settled by asking Daraja (the reconciler's STK query), never by the callback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.config import BackendSettings
from backend.domain import CallbackVerdict, PaymentStatus
from backend.models import MpesaCallback, Payment
from backend.services.callbacks import StkCallback, parse_stk_callback_text
from backend.services.settlement import apply_result
from common.phones import parse_kenyan_mobile
from privacy import mask

logger = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 16_384  # Daraja's callbacks are well under 1 KB
_RECEIPT = re.compile(r"^[A-Z0-9]{10}$")
Judgement = tuple[CallbackVerdict, str | None]


class CallbackReview:
    """Receives callbacks, keeps every one, and applies only those that match."""

    def __init__(self, *, settings: BackendSettings, clock: Callable[[], datetime]) -> None:
        self._settings = settings
        self._clock = clock

    def receive(
        self, *, session: Session, raw: bytes, nonce: str | None, source: str | None
    ) -> CallbackVerdict:
        """Record one callback and apply it if it checks out; return what became of it."""
        callback = _parse(raw)
        record = MpesaCallback(
            received_at=self._clock(),
            source=(source or "")[:64] or None,
            raw_body=raw[:MAX_CALLBACK_BYTES].decode("utf-8", errors="replace"),
            verdict=CallbackVerdict.SUSPICIOUS,
        )
        if callback is None:
            record.reason = "not an STK result callback"
            return _store(session, record)
        record.checkout_request_id = callback.checkout_request_id[:64]
        record.merchant_request_id = callback.merchant_request_id[:64] or None
        record.result_code = callback.result_code
        payment = _find(session, nonce, callback.checkout_request_id)
        if payment is None:
            record.reason = "no payment of ours has these ids"
            logger.warning("Callback for unknown CheckoutRequestID %s (ResultCode %s)",
                           mask(callback.checkout_request_id), callback.result_code)
            return _store(session, record)
        record.payment_id = payment.id
        record.verdict, record.reason = self._judge(session, payment, callback)
        if record.verdict is CallbackVerdict.SUSPICIOUS:
            logger.warning("Suspicious M-Pesa callback for payment %s: %s", payment.id,
                           record.reason)
        return _store(session, record)

    def keep_refused(
        self, *, session: Session, raw: bytes, nonce: str | None, source: str | None
    ) -> None:
        """Keep a callback from outside the allow-list for review, applying nothing."""
        callback = _parse(raw)
        payment = _find(session, nonce, callback.checkout_request_id if callback else "")
        _store(session, MpesaCallback(
            received_at=self._clock(), source=(source or "")[:64] or None,
            payment_id=payment.id if payment else None,
            checkout_request_id=callback.checkout_request_id[:64] if callback else None,
            result_code=callback.result_code if callback else None,
            raw_body=raw[:MAX_CALLBACK_BYTES].decode("utf-8", errors="replace"),
            verdict=CallbackVerdict.SUSPICIOUS, reason="sent from outside the allow-list",
        ))

    def apply_held(self, *, session: Session, payment: Payment) -> None:
        """Judge callbacks that arrived before Daraja's acknowledgement was recorded."""
        held = session.scalars(
            select(MpesaCallback)
            .where(MpesaCallback.payment_id == payment.id,
                   MpesaCallback.verdict == CallbackVerdict.HELD)
            .order_by(MpesaCallback.id)
        ).all()
        for record in held:
            callback = _parse(record.raw_body.encode())
            if callback is None:  # pragma: no cover - it parsed when it was held
                continue
            record.verdict, record.reason = self._judge(session, payment, callback)

    def _judge(self, session: Session, payment: Payment, callback: StkCallback) -> Judgement:
        """Decide and apply (in the caller's transaction) what one callback means."""
        now = self._clock()
        if payment.checkout_request_id is None:
            if _belongs_elsewhere(session, payment, callback.checkout_request_id):
                return CallbackVerdict.SUSPICIOUS, "CheckoutRequestID of another payment"
            # Daraja's acknowledgement was not recorded yet (or was lost to a crash): keep it
            # and let the reconciler ask Daraja about this CheckoutRequestID now.
            payment.next_check_at = now
            return CallbackVerdict.HELD, "before Daraja's acknowledgement was recorded"
        if callback.checkout_request_id != payment.checkout_request_id:
            return self._doubt(payment, now, "CheckoutRequestID does not match the payment")
        if payment.merchant_request_id and callback.merchant_request_id != (
            payment.merchant_request_id
        ):
            return self._doubt(payment, now, "MerchantRequestID does not match")
        if payment.status != PaymentStatus.PENDING:
            if _same_outcome(payment, callback):
                return CallbackVerdict.DUPLICATE, None
            return self._doubt(payment, now, "contradicts the recorded result")
        if callback.result_code != 0:
            apply_result(session=session, payment=payment, result_code=callback.result_code,
                         result_desc=callback.result_desc, receipt=None, now=now,
                         confirmed_by_daraja=False)
            return CallbackVerdict.APPLIED, None
        problem = success_problem(session, payment, callback)
        if problem is not None:
            return self._doubt(payment, now, problem)
        apply_result(session=session, payment=payment, result_code=0,
                     result_desc=callback.result_desc, receipt=callback.receipt_number,
                     now=now, confirmed_by_daraja=False)
        return CallbackVerdict.APPLIED, None

    @staticmethod
    def _doubt(payment: Payment, now: datetime, reason: str) -> Judgement:
        """Keep the claim for review and have Daraja asked about the payment at once."""
        payment.next_check_at = now
        return CallbackVerdict.SUSPICIOUS, reason


def _parse(raw: bytes) -> StkCallback | None:
    if len(raw) > MAX_CALLBACK_BYTES:
        return None
    return parse_stk_callback_text(raw)


def _find(session: Session, nonce: str | None, checkout: str) -> Payment | None:
    query = select(Payment).with_for_update(of=Payment)
    if nonce:
        return session.scalar(query.where(Payment.callback_nonce == nonce))
    return session.scalar(query.where(Payment.checkout_request_id == checkout))


def _belongs_elsewhere(session: Session, payment: Payment, checkout: str) -> bool:
    other = session.scalar(
        select(Payment.id).where(Payment.checkout_request_id == checkout, Payment.id != payment.id)
    )
    return other is not None


def _same_outcome(payment: Payment, callback: StkCallback) -> bool:
    if payment.status == PaymentStatus.SUCCEEDED:
        return callback.result_code == 0 and (
            payment.mpesa_receipt is None or callback.receipt_number == payment.mpesa_receipt
        )
    return payment.status == PaymentStatus.FAILED and callback.result_code == payment.result_code


def success_problem(session: Session, payment: Payment, callback: StkCallback) -> str | None:
    """Return why a success callback cannot be taken at its word, or None when it can."""
    amount = _decimal(callback.metadata.get("Amount"))
    if amount is None or amount != Decimal(payment.amount_kes):
        return f"amount {callback.metadata.get('Amount')!r}, we asked for {payment.amount_kes}"
    paid_from = callback.metadata.get("PhoneNumber")
    masked = paid_from is None or "*" in str(paid_from)  # Daraja may leave it out or mask it
    if not masked and parse_kenyan_mobile(str(paid_from)) != payment.phone:
        return "paid from another phone than the one prompted"
    receipt = callback.receipt_number
    if receipt is None or not _RECEIPT.match(receipt):
        return "receipt number missing or malformed"
    used = session.scalar(
        select(Payment.id).where(Payment.mpesa_receipt == receipt, Payment.id != payment.id)
    )
    if used is not None:
        return "receipt number already used by another payment"
    return None


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _store(session: Session, record: MpesaCallback) -> CallbackVerdict:
    session.add(record)
    session.commit()
    return record.verdict
