"""Reconciliation: every M-Pesa payment that is not final is settled by asking Daraja.

The job is durable (its schedule is `payments.next_check_at`), resumes after a restart, and
may run in every worker at once: a payment is claimed by bumping its `check_attempts` with a
compare-and-set before Daraja is asked, so no two workers check the same payment together.
An attempt is never given up on time alone: it ends on Daraja's STK query, or, when the
CheckoutRequestID is unknown (lost to a crash, or forgotten by Daraja), on the shortcode's
statement after the prompt's lifetime has passed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.config import BackendSettings
from backend.domain import CallbackVerdict, FailureReason, PaymentMethod, PaymentStatus, PushStage
from backend.models import MpesaCallback, Payment
from backend.services.callback_review import success_problem
from backend.services.callbacks import parse_stk_callback_text
from backend.services.daraja import DarajaError, StkGateway, StkQueryResult
from backend.services.settlement import apply_result, record_failure

logger = logging.getLogger(__name__)

STATEMENT_SLACK = timedelta(minutes=2)  # clock differences between Daraja and us
MIN_FORCED_INTERVAL = timedelta(seconds=5)  # a citizen's "check now" asks Daraja at most this often


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What one check of one payment found."""

    payment_id: int
    status: PaymentStatus
    note: str


class Reconciler:
    """Asks Daraja about payments that are due, with back-off, until each one is final."""

    def __init__(
        self,
        *,
        settings: BackendSettings,
        gateway: StkGateway,
        clock: Callable[[], datetime],
        session_factory: sessionmaker[Session],
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._gateway = gateway
        self._clock = clock
        self._factory = session_factory
        self._rng = rng
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        seconds = settings.mpesa_timeout_seconds * (settings.mpesa_retries + 1) + 15
        self._lease = timedelta(seconds=seconds)  # a worker that died mid-check lets go

    # ----------------------------------------------------------------- schedule
    def due(self, *, limit: int = 50, include_future: bool = False) -> list[int]:
        """Return M-Pesa payments whose check is due (all unsettled ones with include_future)."""
        query = select(Payment.id).where(
            Payment.method == PaymentMethod.MPESA, Payment.next_check_at.is_not(None)
        )
        if not include_future:
            query = query.where(Payment.next_check_at <= self._clock())
        with self._factory() as session:
            return list(session.scalars(query.order_by(Payment.next_check_at).limit(limit)))

    def run_pass(self, *, limit: int = 50) -> list[CheckOutcome]:
        """Check every payment that is due now; return what was found."""
        outcomes = []
        for payment_id in self.due(limit=limit):
            outcome = self.check(payment_id)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def wake(self) -> None:
        """Run the next pass now rather than after the interval (callable from any thread)."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Run passes until `stop` is set; errors delay the job, they never end it."""
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        while not stop.is_set():
            self._wake.clear()
            try:
                await asyncio.to_thread(self.run_pass)
            except Exception:
                logger.exception("Payment reconciliation pass failed")
            waits = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())}
            _, pending = await asyncio.wait(
                waits, timeout=self._settings.reconcile_interval_seconds,
                return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()

    # -------------------------------------------------------------------- check
    def check(self, payment_id: int, *, force: bool = False) -> CheckOutcome | None:
        """Check one payment if it is due (or now, with force); None when another worker has it."""
        with self._factory() as session:
            payment = self._claim(session, payment_id, force=force)
            if payment is None:
                return None
            try:
                note = self._decide(session, payment)
            except DarajaError as exc:
                session.rollback()
                note = f"Daraja did not answer: {type(exc).__name__}"
                logger.info("Reconciling payment %s: %s", payment_id, exc)
                self._later(session, payment_id)
            session.commit()
            settled = session.get(Payment, payment_id)
            assert settled is not None
            return CheckOutcome(payment_id, settled.status, note)

    def _claim(self, session: Session, payment_id: int, *, force: bool) -> Payment | None:
        now = self._clock()
        payment = session.get(Payment, payment_id)
        if payment is None or payment.method != PaymentMethod.MPESA:
            return None
        if payment.next_check_at is None:
            return None
        if not force and payment.next_check_at > now:
            return None
        if force and payment.last_checked_at and now - payment.last_checked_at < (
            MIN_FORCED_INTERVAL
        ):
            return None
        claimed = session.execute(
            update(Payment)
            .where(Payment.id == payment_id, Payment.check_attempts == payment.check_attempts)
            .values(check_attempts=payment.check_attempts + 1, next_check_at=now + self._lease,
                    last_checked_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        session.refresh(payment)
        return payment

    def _decide(self, session: Session, payment: Payment) -> str:
        """Find the payment's outcome from Daraja; every path leaves it final or rescheduled."""
        now = self._clock()
        if payment.status != PaymentStatus.PENDING:  # a callback contradicted a final result
            if payment.checkout_request_id:
                answer = self._query(session, payment.checkout_request_id)
                if answer.final:
                    assert answer.result_code is not None
                    apply_result(session=session, payment=self._lock(session, payment.id),
                                 result_code=answer.result_code, result_desc=answer.result_desc
                                 or "", receipt=None, now=now, confirmed_by_daraja=True)
            self._lock(session, payment.id).next_check_at = None
            return "rechecked a settled payment"
        if payment.push_stage == PushStage.RESERVED:
            if now < payment.created_at + self._settings.payment_reserve_lease:
                self._at(session, payment.id, payment.created_at
                         + self._settings.payment_reserve_lease)
                return "prompt not sent yet"
            record_failure(session=session, payment=self._lock(session, payment.id),
                           reason=FailureReason.NOT_SENT, result_code=None,
                           result_desc="The prompt was never sent.", now=now)
            return "the prompt was never sent"
        if payment.push_stage == PushStage.ACCEPTED and payment.checkout_request_id:
            return self._from_query(session, payment, payment.checkout_request_id, None)
        held = session.scalars(
            select(MpesaCallback)
            .where(MpesaCallback.payment_id == payment.id,
                   MpesaCallback.verdict == CallbackVerdict.HELD)
            .order_by(MpesaCallback.id.desc())
        ).first()
        if held is not None and held.checkout_request_id:
            return self._from_query(session, payment, held.checkout_request_id, held)
        return self._from_statement(session, payment)

    def _from_query(self, session: Session, payment: Payment, checkout: str,
                    held: MpesaCallback | None) -> str:
        answer = self._query(session, checkout)
        if answer.pending:
            self._later(session, payment.id)
            return "the prompt is still on the phone"
        if not answer.final:  # Daraja does not know this CheckoutRequestID
            if held is not None:
                held.verdict = CallbackVerdict.SUSPICIOUS
                held.reason = "Daraja does not know this CheckoutRequestID"
            return self._from_statement(session, payment)
        locked = self._lock(session, payment.id)
        receipt = None
        if held is not None:  # Daraja confirmed the id a callback gave us: adopt it
            locked.checkout_request_id = checkout
            locked.merchant_request_id = held.merchant_request_id or answer.merchant_request_id
            locked.push_stage = PushStage.ACCEPTED
            held.verdict, held.reason = CallbackVerdict.APPLIED, "confirmed by Daraja's query"
            receipt = _held_receipt(session, locked, held, answer)
        assert answer.result_code is not None
        apply_result(session=session, payment=locked, result_code=answer.result_code,
                     result_desc=answer.result_desc or "", receipt=receipt, now=self._clock(),
                     confirmed_by_daraja=True)
        return f"Daraja's query: ResultCode {answer.result_code}"

    def _from_statement(self, session: Session, payment: Payment) -> str:
        """Settle an attempt Daraja cannot be asked about by id, from the shortcode's payments."""
        now = self._clock()
        sent = payment.push_sent_at or payment.created_at
        deadline = sent + self._settings.mpesa_prompt_lifetime
        if now < deadline:  # the prompt may still be on the phone
            self._at(session, payment.id, deadline)
            return "waiting for the prompt to end"
        session.commit()  # no transaction open while Daraja answers
        entries = self._gateway.statement(start=sent - STATEMENT_SLACK, end=now)
        locked = self._lock(session, payment.id)
        if locked.status != PaymentStatus.PENDING:
            return "settled meanwhile"
        taken = set(session.scalars(select(Payment.mpesa_receipt).where(
            Payment.mpesa_receipt.in_([e.transaction_id for e in entries]))))
        for entry in entries:
            if (entry.bill_reference == locked.account_reference
                    and entry.amount == locked.amount_kes and entry.transaction_id not in taken):
                apply_result(session=session, payment=locked, result_code=0,
                             result_desc="Found in the M-Pesa statement", now=now,
                             receipt=entry.transaction_id, confirmed_by_daraja=True)
                return "found in the statement"
        record_failure(session=session, payment=locked, reason=FailureReason.EXPIRED,
                       result_code=None, now=now,
                       result_desc="No payment reached M-Pesa before the prompt ended.")
        return "not in the statement after the prompt ended"

    # ------------------------------------------------------------------ helpers
    def _query(self, session: Session, checkout: str) -> StkQueryResult:
        session.commit()  # hold no transaction (or lock) while Daraja answers
        return self._gateway.stk_query(checkout_request_id=checkout)

    @staticmethod
    def _lock(session: Session, payment_id: int) -> Payment:
        payment = session.scalar(
            select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment)
        )
        assert payment is not None
        return payment

    def _at(self, session: Session, payment_id: int, moment: datetime) -> None:
        locked = self._lock(session, payment_id)
        if locked.next_check_at is not None:
            locked.next_check_at = moment

    def _later(self, session: Session, payment_id: int) -> None:
        """Schedule the next check with exponential back-off and jitter."""
        locked = self._lock(session, payment_id)
        if locked.next_check_at is None:
            return
        first = self._settings.mpesa_query_after.total_seconds()
        cap = self._settings.mpesa_recheck_max.total_seconds()
        delay = min(first * 2 ** max(locked.check_attempts - 1, 0), cap)
        locked.next_check_at = self._clock() + timedelta(seconds=delay * (0.8 + 0.4 * self._rng()))


def _held_receipt(session: Session, payment: Payment, held: MpesaCallback,
                  answer: StkQueryResult) -> str | None:
    """Use a held callback's receipt number only when it agrees with what Daraja confirmed."""
    callback = parse_stk_callback_text(held.raw_body)
    if answer.result_code != 0 or callback is None or callback.result_code != 0:
        return None
    return callback.receipt_number if success_problem(session, payment, callback) is None else None
