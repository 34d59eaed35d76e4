"""Reconciliation: every crash window and every Daraja answer ends in one final, verified result."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from backend.domain import (
    BillStatus,
    CallbackVerdict,
    FailureReason,
    PaymentMethod,
    PaymentStatus,
    PushStage,
)
from backend.models import MpesaCallback, Payment, Receipt
from backend.services.daraja import DarajaUnavailable, DarajaUncertain, StatementEntry
from backend.services.reconcile import Reconciler
from tests.backend.gateway import PENDING, UNKNOWN, paid
from tests.backend.helpers import make_application, make_citizen, stk_callback
from tests.backend.payment_world import CHAT, World


def _entry(world: World, receipt: str = "TQR4ST5UV6", amount: int | None = None,
           reference: str | None = None) -> StatementEntry:
    bill = world.bill()
    return StatementEntry(receipt, world.container.clock(), reference or bill.account_number,
                          Decimal(amount if amount is not None else bill.total_kes),
                          "254712345678")


def test_reconcile_accepted_push_is_settled_by_the_stk_query(world: World) -> None:
    pid = world.start()
    checkout = world.payment(pid).checkout_request_id
    assert checkout is not None
    world.gateway.queries[checkout] = [PENDING, paid()]
    assert world.reconciler.run_pass() == []  # not due before mpesa_query_after
    world.later(1)
    [first] = world.reconciler.run_pass()
    assert first.status is PaymentStatus.PENDING  # the prompt is still on the phone
    world.later(60)
    [second] = world.reconciler.run_pass()
    assert second.status is PaymentStatus.SUCCEEDED
    assert world.bill().status is BillStatus.PAID
    assert world.results() == ["payment.succeeded"]
    assert world.payment(pid).next_check_at is None


def test_reconcile_back_off_grows_and_is_capped(world: World) -> None:
    pid = world.start()
    checkout = world.payment(pid).checkout_request_id
    assert checkout is not None
    world.gateway.queries[checkout] = [PENDING]
    waits = []
    for _ in range(12):
        world.later(1000)
        before = world.container.clock()
        world.reconciler.check(pid)
        next_at = world.payment(pid).next_check_at
        assert next_at is not None
        waits.append((next_at - before).total_seconds())
    assert [round(w) for w in waits[:4]] == [1, 2, 4, 8]  # doubling (jitter fixed at 0)
    assert round(max(waits)) == world.container.settings.mpesa_recheck_max.total_seconds()
    assert world.payment(pid).status is PaymentStatus.PENDING  # never expired on time alone


def test_reconcile_crash_before_the_push_fails_the_attempt_as_not_sent(world: World) -> None:
    with world.container.session_factory() as session:  # the reserve committed, then SIGKILL
        reserved = world.payments._reserve(
            session=session, citizen_id=world.citizen_id, bill_id=world.bill_id,
            method=PaymentMethod.MPESA, phone="254712345678", chat_identity=CHAT,
            now=world.container.clock())
    pid = reserved.payment.id
    world.later(30)
    assert world.reconciler.run_pass() == []  # a live request may still be sending it
    world.later(31)
    [outcome] = world.reconciler.run_pass()
    payment = world.payment(pid)
    assert (payment.status, payment.failure_reason) == (PaymentStatus.FAILED,
                                                        FailureReason.NOT_SENT)
    assert world.gateway.asked == [] and world.gateway.pushes == []
    assert world.results() == ["payment.failed"]
    assert outcome.note == "the prompt was never sent"


def test_reconcile_lost_acknowledgement_is_matched_by_its_callback(world: World) -> None:
    world.gateway.push_error = DarajaUncertain("read timeout")
    pid = world.start()
    assert world.payment(pid).push_stage is PushStage.SENDING  # Daraja's ids never arrived
    checkout = "ws_CO_061220261000009999"
    body = stk_callback(checkout, 0, receipt="TAB1CD2EF3", amount=1050.0,
                        merchant_id="11111-22222222-1")
    assert world.callback(pid, body) is CallbackVerdict.HELD
    assert world.bill().status is BillStatus.UNPAID  # a claim, not yet a payment
    world.gateway.queries[checkout] = [paid()]
    [outcome] = world.reconciler.run_pass()  # the held callback made it due at once
    payment = world.payment(pid)
    assert outcome.status is PaymentStatus.SUCCEEDED
    assert payment.checkout_request_id == checkout
    assert payment.merchant_request_id == "11111-22222222-1"
    assert payment.mpesa_receipt == "TAB1CD2EF3"  # it agreed with what Daraja confirmed
    assert world.gateway.asked == [checkout]
    with world.container.session_factory() as session:
        [kept] = session.scalars(select(MpesaCallback)).all()
    assert kept.verdict is CallbackVerdict.APPLIED


def test_reconcile_lost_acknowledgement_and_lost_callback_use_the_statement(
    world: World,
) -> None:
    world.gateway.push_error = DarajaUncertain("read timeout")
    pid = world.start()
    world.gateway.entries = [_entry(world, amount=7, receipt="TZZ0ZZ0ZZ0"),  # not ours
                             _entry(world, reference="OTHERACC1"),
                             _entry(world)]
    world.later(30)
    assert world.reconciler.run_pass()[0].note == "waiting for the prompt to end"
    assert world.gateway.statements == 0
    world.later(61)
    [outcome] = world.reconciler.run_pass()
    payment = world.payment(pid)
    assert (outcome.status, payment.mpesa_receipt) == (PaymentStatus.SUCCEEDED, "TQR4ST5UV6")
    assert world.results() == ["payment.succeeded"]


def test_reconcile_lost_acknowledgement_without_payment_fails_after_the_prompt(
    world: World,
) -> None:
    world.gateway.push_error = DarajaUncertain("read timeout")
    pid = world.start()
    world.later(91)
    world.reconciler.run_pass()
    payment = world.payment(pid)
    assert (payment.status, payment.failure_reason) == (PaymentStatus.FAILED,
                                                        FailureReason.EXPIRED)
    with world.container.session_factory() as session:
        assert session.scalars(select(Receipt)).all() == []
    assert world.results() == ["payment.failed"]


def test_reconcile_forgotten_transaction_is_settled_from_the_statement(world: World) -> None:
    pid = world.start()
    checkout = world.payment(pid).checkout_request_id
    assert checkout is not None
    world.gateway.queries[checkout] = [UNKNOWN]
    world.gateway.entries = [_entry(world)]
    world.later(91)
    [outcome] = world.reconciler.run_pass()
    assert outcome.status is PaymentStatus.SUCCEEDED
    assert world.payment(pid).mpesa_receipt == "TQR4ST5UV6"


def test_reconcile_statement_receipt_is_never_used_twice(world: World) -> None:
    from backend.domain import ApplicationStatus

    someone = make_citizen(world.container)  # paid earlier with the same M-Pesa receipt
    make_application(world.container, someone, status=ApplicationStatus.SUBMITTED,
                     receipt="TQR4ST5UV6")
    pid = world.start()
    checkout = world.payment(pid).checkout_request_id
    assert checkout is not None
    world.gateway.queries[checkout] = [UNKNOWN]
    world.gateway.entries = [_entry(world, receipt="TQR4ST5UV6")]
    world.later(91)
    world.reconciler.run_pass()
    assert world.payment(pid).status is PaymentStatus.FAILED
    assert world.bill().status is BillStatus.UNPAID


def test_reconcile_daraja_down_keeps_the_payment_pending(world: World) -> None:
    pid = world.start()
    checkout = world.payment(pid).checkout_request_id
    assert checkout is not None
    world.gateway.queries[checkout] = [DarajaUnavailable("down")]
    world.later(5)
    [outcome] = world.reconciler.run_pass()
    assert outcome.status is PaymentStatus.PENDING
    assert outcome.note.startswith("Daraja did not answer")
    next_at = world.payment(pid).next_check_at
    assert next_at is not None and next_at > world.container.clock()


def test_reconcile_two_workers_never_check_one_payment_together(world: World) -> None:
    pid = world.start()
    checkout = world.payment(pid).checkout_request_id
    assert checkout is not None
    world.gateway.queries[checkout] = [PENDING]
    world.later(5)
    others = [Reconciler(settings=world.container.settings, gateway=world.gateway,
                         clock=world.container.clock,
                         session_factory=world.container.session_factory) for _ in range(8)]
    barrier = threading.Barrier(len(others))
    found: list[object] = []

    def work(reconciler: Reconciler) -> None:
        barrier.wait()
        found.append(reconciler.check(pid))

    threads = [threading.Thread(target=work, args=(r,)) for r in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([f for f in found if f is not None]) == 1
    assert world.gateway.asked == [checkout]


def test_reconcile_new_start_while_pending_never_sends_a_second_prompt(world: World) -> None:
    first = world.start()
    world.later(3600)  # however old it is
    assert world.start(phone="254799999999") == first
    assert len(world.gateway.pushes) == 1


def test_reconcile_push_refused_fails_at_once(world: World) -> None:
    from backend.core.problems import ProblemError

    world.gateway.push_error = DarajaUnavailable("connection refused")
    with pytest.raises(ProblemError):
        world.start()
    with world.container.session_factory() as session:
        [payment] = session.scalars(select(Payment).where(
            Payment.bill_id == world.bill_id, Payment.push_stage.is_not(None))).all()
    assert (payment.status, payment.failure_reason, payment.push_stage) == (
        PaymentStatus.FAILED, FailureReason.GATEWAY_ERROR, PushStage.REFUSED)
    world.gateway.push_error = None
    assert world.start() != payment.id  # a refused prompt does not block the next one
