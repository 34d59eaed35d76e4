"""Forged and replayed callbacks: none pays a bill unless Daraja's own query confirms it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from backend.domain import ApplicationStatus, BillStatus, CallbackVerdict, PaymentStatus
from backend.models import MpesaCallback, Receipt
from tests.backend.gateway import PENDING, paid
from tests.backend.helpers import make_application, make_citizen, stk_callback
from tests.backend.payment_world import World

Forgery = Callable[[World, str, str], dict[str, Any]]
OTHER_PAYERS_RECEIPT = "TUSED0RCPT"


def _genuine(world: World, checkout: str, merchant: str, **changes: Any) -> dict[str, Any]:
    body = stk_callback(checkout, 0, receipt="TGEN1UIN2E", amount=float(world.bill().total_kes),
                        merchant_id=merchant)
    items = body["Body"]["stkCallback"]["CallbackMetadata"]["Item"]
    for item in items:
        if item["Name"] in changes:
            item["Value"] = changes[item["Name"]]
    return body


FORGERIES: dict[str, Forgery] = {
    "amount one shilling": lambda w, c, m: _genuine(w, c, m, Amount=1),
    "amount as text": lambda w, c, m: _genuine(w, c, m, Amount="1050 KES"),
    "amount not a number": lambda w, c, m: _genuine(w, c, m, Amount="NaN"),
    "another phone paid": lambda w, c, m: _genuine(w, c, m, PhoneNumber=254700000099),
    "receipt missing": lambda w, c, m: _genuine(w, c, m, MpesaReceiptNumber=None),
    "receipt malformed": lambda w, c, m: _genuine(w, c, m, MpesaReceiptNumber="paid!"),
    "receipt of another payment": lambda w, c, m: _genuine(
        w, c, m, MpesaReceiptNumber=OTHER_PAYERS_RECEIPT),
    "merchant id not ours": lambda w, c, m: _genuine(w, c, "99999-99999999-1"),
    "checkout id not ours": lambda w, c, m: _genuine(w, "ws_CO_000000000000000001", m),
}


@pytest.fixture
def accepted(world: World) -> tuple[int, str, str]:
    """A prompt Daraja accepted: (payment id, CheckoutRequestID, MerchantRequestID)."""
    someone = make_citizen(world.container)
    make_application(world.container, someone, status=ApplicationStatus.SUBMITTED,
                     receipt=OTHER_PAYERS_RECEIPT)
    pid = world.start()
    payment = world.payment(pid)
    assert payment.checkout_request_id and payment.merchant_request_id
    return pid, payment.checkout_request_id, payment.merchant_request_id


def _kept(world: World) -> list[MpesaCallback]:
    with world.container.session_factory() as session:
        return list(session.scalars(select(MpesaCallback).order_by(MpesaCallback.id)))


@pytest.mark.parametrize("forgery", list(FORGERIES), ids=list(FORGERIES))
@pytest.mark.parametrize("nonce", [True, False], ids=["attempt-url", "token-only-url"])
def test_forged_callback_with_valid_token_pays_nothing(
    world: World, accepted: tuple[int, str, str], forgery: str, nonce: bool
) -> None:
    pid, checkout, merchant = accepted
    body = FORGERIES[forgery](world, checkout, merchant)
    assert world.callback(pid, body, nonce=nonce) is CallbackVerdict.SUSPICIOUS
    assert world.bill().status is BillStatus.UNPAID
    [kept] = _kept(world)
    assert kept.reason and kept.raw_body  # supervisors see why, and the body as it came
    # Daraja knows the citizen never entered a PIN: the reconciler asks and nothing is paid.
    world.gateway.queries[checkout] = [PENDING]
    world.reconciler.run_pass()
    assert world.payment(pid).status is PaymentStatus.PENDING
    assert world.bill().status is BillStatus.UNPAID
    assert world.results() == []


@pytest.mark.parametrize("forgery", ["amount one shilling", "another phone paid",
                                     "receipt of another payment"])
def test_suspicious_callback_for_a_real_payment_is_settled_by_the_query(
    world: World, accepted: tuple[int, str, str], forgery: str
) -> None:
    pid, checkout, merchant = accepted
    world.callback(pid, FORGERIES[forgery](world, checkout, merchant))
    world.gateway.queries[checkout] = [paid()]
    [outcome] = world.reconciler.run_pass()  # asked at once, not at the next schedule
    assert outcome.status is PaymentStatus.SUCCEEDED
    payment = world.payment(pid)
    assert payment.mpesa_receipt is None  # the claimed receipt is not trusted
    with world.container.session_factory() as session:
        receipt = session.scalar(select(Receipt).where(Receipt.payment_id == pid))
    assert receipt is not None and receipt.receipt_no.startswith("RC-")
    assert receipt.amount_kes == world.bill().total_kes  # what we asked for, not what was claimed


def test_genuine_callback_pays_once_and_its_replays_are_duplicates(
    world: World, accepted: tuple[int, str, str]
) -> None:
    pid, checkout, merchant = accepted
    body = _genuine(world, checkout, merchant)
    assert world.callback(pid, body) is CallbackVerdict.APPLIED
    for _ in range(3):
        assert world.callback(pid, body) is CallbackVerdict.DUPLICATE
    assert world.payment(pid).mpesa_receipt == "TGEN1UIN2E"
    assert world.results() == ["payment.succeeded"]


def test_failure_callback_settles_and_a_later_success_claim_is_checked(
    world: World, accepted: tuple[int, str, str]
) -> None:
    pid, checkout, merchant = accepted
    failed = stk_callback(checkout, 1032, merchant_id=merchant)
    assert world.callback(pid, failed) is CallbackVerdict.APPLIED
    assert world.payment(pid).status is PaymentStatus.FAILED
    claim = _genuine(world, checkout, merchant)
    assert world.callback(pid, claim) is CallbackVerdict.SUSPICIOUS
    world.gateway.queries[checkout] = [paid(1032)]  # Daraja: cancelled, as recorded
    world.reconciler.run_pass()
    assert world.payment(pid).status is PaymentStatus.FAILED
    assert world.payment(pid).next_check_at is None
    assert world.bill().status is BillStatus.UNPAID
    assert world.results() == ["payment.failed"]


def test_success_after_failure_counts_only_when_daraja_confirms_it(
    world: World, accepted: tuple[int, str, str]
) -> None:
    pid, checkout, merchant = accepted
    world.callback(pid, stk_callback(checkout, 1037, merchant_id=merchant))
    world.callback(pid, _genuine(world, checkout, merchant))
    world.gateway.queries[checkout] = [paid()]
    world.reconciler.run_pass()
    assert world.payment(pid).status is PaymentStatus.SUCCEEDED
    assert world.bill().status is BillStatus.PAID
    assert world.results() == ["payment.failed", "payment.succeeded"]


def test_callback_for_another_payments_checkout_is_refused(
    world: World, accepted: tuple[int, str, str]
) -> None:
    from backend.services.daraja import DarajaUncertain

    _, checkout, merchant = accepted
    world.gateway.queries[checkout] = [paid(1032)]
    world.reconciler.check(accepted[0], force=True)  # first attempt ends
    world.gateway.push_error = DarajaUncertain("lost")
    second = world.start()  # a second attempt whose acknowledgement was lost
    verdict = world.callback(second, _genuine(world, checkout, merchant))
    assert verdict is CallbackVerdict.SUSPICIOUS  # that CheckoutRequestID is someone else's
    assert world.payment(second).checkout_request_id is None


@pytest.mark.parametrize("raw", [b"not json", b"{}", b"[]", b'{"Body": []}',
                                 b"[" * 20000 + b"]" * 20000,
                                 b'{"Body": {"stkCallback": {"ResultCode": 0}}}'])
def test_callback_that_is_not_one_is_kept_as_suspicious(
    world: World, accepted: tuple[int, str, str], raw: bytes
) -> None:
    pid = accepted[0]
    with world.container.session_factory() as session:
        verdict = world.payments.callbacks.receive(session=session, raw=raw, nonce=None,
                                                   source="203.0.113.9")
    assert verdict is CallbackVerdict.SUSPICIOUS
    assert world.payment(pid).status is PaymentStatus.PENDING
    [kept] = _kept(world)
    assert kept.payment_id is None and kept.source == "203.0.113.9"
    assert len(kept.raw_body) <= 16_384
