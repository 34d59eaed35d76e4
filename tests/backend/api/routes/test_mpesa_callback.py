"""The Daraja callback endpoint: every ResultCode, replays, unknown ids, bad bodies."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from backend.container import Container
from backend.domain import ApplicationStatus, BillStatus, CallbackVerdict, PaymentStatus
from backend.models import Application, Bill, MpesaCallback, Payment, Receipt, StatusChange
from tests.backend.helpers import (
    assert_problem,
    events,
    make_application,
    make_citizen,
    make_pending_mpesa,
    stk_callback,
)

CALLBACK = "/api/v1/mpesa/callback/dev-callback-token"
ACCEPTED = {"ResultCode": 0, "ResultDesc": "Accepted"}


@pytest.fixture
def pending(container: Container) -> tuple[int, int, str]:
    """A good-conduct bill (KES 1,050) with a pending M-Pesa payment; (payment, bill, checkout)."""
    citizen = make_citizen(container)
    _, bill = make_application(container, citizen)
    assert bill is not None
    checkout = "ws_CO_191220191020363925"
    return make_pending_mpesa(container, bill, checkout), bill.id, checkout


def _state(container: Container, payment_id: int) -> tuple[Payment, Bill, Application]:
    with container.session_factory() as session:
        payment = session.get(Payment, payment_id)
        assert payment is not None
        bill = session.get(Bill, payment.bill_id)
        assert bill is not None
        application = session.get(Application, bill.application_id)
        assert application is not None
        return payment, bill, application


def test_callback_success_marks_paid_and_issues_receipt(
    client: httpx.Client, container: Container, pending: tuple[int, int, str]
) -> None:
    payment_id, _, checkout = pending
    response = client.post(CALLBACK, json=stk_callback(checkout, 0, receipt="SJK4XY12AB"))
    assert response.status_code == 200
    assert response.json() == ACCEPTED
    payment, bill, application = _state(container, payment_id)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.mpesa_receipt == "SJK4XY12AB"
    assert payment.result_code == 0
    assert bill.status is BillStatus.PAID
    assert application.status is ApplicationStatus.SUBMITTED
    with container.session_factory() as session:
        receipt = session.scalars(select(Receipt)).one()
    assert receipt.receipt_no == "SJK4XY12AB"
    assert receipt.amount_kes == 1050
    types = [e["type"] for e in events(client)]
    assert types.count("payment.succeeded") == 1
    assert types[-1] == "application.status_changed"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (1, "insufficient_funds"),
        (1032, "cancelled_by_user"),
        (1037, "timeout"),
        (2001, "wrong_pin"),
        (17, "other"),
        (9999, "not_sent"),
        (1025, "not_sent"),
    ],
)
def test_callback_failure_codes_mark_payment_failed(
    client: httpx.Client, container: Container, pending: tuple[int, int, str],
    code: int, reason: str,
) -> None:
    payment_id, _, checkout = pending
    assert client.post(CALLBACK, json=stk_callback(checkout, code)).json() == ACCEPTED
    payment, bill, application = _state(container, payment_id)
    assert payment.status is PaymentStatus.FAILED
    assert payment.result_code == code
    assert payment.failure_reason == reason
    assert bill.status is BillStatus.UNPAID
    assert application.status is ApplicationStatus.PENDING_PAYMENT
    failed = [e for e in events(client) if e["type"] == "payment.failed"]
    assert len(failed) == 1
    assert failed[0]["payload"]["reason"] == reason
    assert failed[0]["payload"]["result_code"] == code


def test_callback_ten_copies_record_one_payment(
    client: httpx.Client, container: Container, pending: tuple[int, int, str]
) -> None:
    _, _, checkout = pending
    body = stk_callback(checkout, 0, receipt="SJK4XY12AB")

    def post(_: int) -> dict[str, object]:
        with httpx.Client(base_url=str(client.base_url)) as http:
            return http.post(CALLBACK, json=body).json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(post, range(10)))
    assert answers == [ACCEPTED] * 10
    with container.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Receipt)) == 1
        assert session.scalar(select(func.count()).select_from(Payment)) == 1
        submitted = session.scalar(
            select(func.count()).select_from(StatusChange).where(
                StatusChange.to_status == ApplicationStatus.SUBMITTED))
        assert submitted == 1
    assert [e["type"] for e in events(client)].count("payment.succeeded") == 1


def test_callback_replayed_failure_after_success_changes_nothing(
    client: httpx.Client, container: Container, pending: tuple[int, int, str]
) -> None:
    payment_id, _, checkout = pending
    client.post(CALLBACK, json=stk_callback(checkout, 0))
    before = len(events(client))
    assert client.post(CALLBACK, json=stk_callback(checkout, 1032)).json() == ACCEPTED
    payment, bill, _ = _state(container, payment_id)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert bill.status is BillStatus.PAID
    assert len(events(client)) == before


def test_callback_unknown_checkout_is_accepted_and_kept(
    client: httpx.Client, container: Container, pending: tuple[int, int, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    payment_id, _, _ = pending
    before = events(client)
    with caplog.at_level(logging.WARNING, logger="backend.services.callback_review"):
        response = client.post(CALLBACK, json=stk_callback("ws_CO_000000000000000001", 0))
    assert response.json() == ACCEPTED
    assert _state(container, payment_id)[0].status is PaymentStatus.PENDING
    assert any("unknown CheckoutRequestID" in r.getMessage() for r in caplog.records)
    assert events(client) == before
    with container.session_factory() as session:
        [kept] = session.scalars(select(MpesaCallback)).all()
    assert (kept.verdict, kept.payment_id) == (CallbackVerdict.SUSPICIOUS, None)


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"{}", b"[]", b'{"Body": []}', b'{"Body": {"stkCallback": {"ResultCode": 0}}}',
     b'{"Body": {"stkCallback": {"CheckoutRequestID": "x", "ResultCode": "zero"}}}'],
)
def test_callback_malformed_body_is_still_accepted(
    client: httpx.Client, pending: tuple[int, int, str], raw: bytes
) -> None:
    response = client.post(CALLBACK, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json() == ACCEPTED


def test_callback_wrong_token_is_not_found(client: httpx.Client, pending: tuple[int, int, str]
                                           ) -> None:
    _, _, checkout = pending
    response = client.post("/api/v1/mpesa/callback/guess", json=stk_callback(checkout, 0))
    assert_problem(response, 404, "not-found")


def test_callback_amount_mismatch_pays_nothing(
    client: httpx.Client, container: Container, pending: tuple[int, int, str],
) -> None:
    payment_id, _, checkout = pending
    assert client.post(CALLBACK, json=stk_callback(checkout, 0, amount=1.0)).json() == ACCEPTED
    payment, bill, application = _state(container, payment_id)
    assert payment.status is PaymentStatus.PENDING
    assert bill.status is BillStatus.UNPAID
    assert application.status is ApplicationStatus.PENDING_PAYMENT
    with container.session_factory() as session:
        [kept] = session.scalars(select(MpesaCallback)).all()
    assert kept.verdict is CallbackVerdict.SUSPICIOUS
    assert kept.reason == "amount 1.0, we asked for 1050"


def test_callback_for_the_attempt_url_is_matched_by_its_nonce(
    client: httpx.Client, container: Container, pending: tuple[int, int, str],
) -> None:
    payment_id, _, checkout = pending
    nonce = _state(container, payment_id)[0].callback_nonce
    response = client.post(f"{CALLBACK}/{nonce}", json=stk_callback(checkout, 0))
    assert response.json() == ACCEPTED
    assert _state(container, payment_id)[0].status is PaymentStatus.SUCCEEDED
    bad = client.post(f"{CALLBACK}/not-a-nonce", json=stk_callback(checkout, 0))
    assert_problem(bad, 422, "validation-error")


def test_callback_larger_than_the_limit_is_refused_early(
    client: httpx.Client, pending: tuple[int, int, str]
) -> None:
    response = client.post(CALLBACK, content=b"{" + b" " * 20_000 + b"}",
                           headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 413, "body-too-large")
    assert len(response.content) < 1000 and "16384" in problem["detail"]


async def test_callback_from_outside_the_allow_list_is_kept_not_applied(
    db_url: str, container: Container, pending: tuple[int, int, str]
) -> None:
    from backend.main import create_app
    from tests.backend.conftest import asgi_client, make_settings

    payment_id, _, checkout = pending
    app = create_app(make_settings(db_url, mpesa_callback_allowlist=["196.201.214.0/24"]))
    async with asgi_client(app) as api:  # the ASGI client's address is 127.0.0.1
        response = await api.post(CALLBACK, json=stk_callback(checkout, 0))
    app.state.container.close()
    assert_problem(response, 403, "forbidden")
    assert _state(container, payment_id)[0].status is PaymentStatus.PENDING
    with container.session_factory() as session:
        [kept] = session.scalars(select(MpesaCallback)).all()
    assert (kept.verdict, kept.reason) == (CallbackVerdict.SUSPICIOUS,
                                           "sent from outside the allow-list")
