"""Starting payments through the real HTTP server and the Daraja simulator (which calls back)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest

from backend.container import Container
from backend.domain import ApplicationStatus
from backend.main import create_app
from backend.models import Bill, Citizen
from tests.backend.conftest import asgi_client, make_settings
from tests.backend.helpers import (
    assert_problem,
    events,
    issue_token,
    make_application,
    make_citizen,
    wait_until,
)

OK_PHONE = "254712345678"


@pytest.fixture
def payer(container: Container) -> tuple[Citizen, Bill, dict[str, str]]:
    """A citizen with an unpaid good-conduct bill (KES 1,000 + 50) and a token."""
    citizen = make_citizen(container)
    _, bill = make_application(container, citizen)
    assert bill is not None
    return citizen, bill, issue_token(container, citizen)


def _start(client: httpx.Client, bill_id: int, headers: dict[str, str], key: str | None = None,
           **body: Any) -> httpx.Response:
    body.setdefault("method", "mpesa")
    return client.post(f"/api/v1/me/bills/{bill_id}/payments", json=body,
                       headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex})


def _settled(client: httpx.Client, payment_id: int, headers: dict[str, str]) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        body: dict[str, Any] = client.get(f"/api/v1/me/payments/{payment_id}",
                                          headers=headers).json()
        return body if body["status"] != "pending" else None

    return wait_until(probe)


def test_mpesa_start_returns_daraja_ids_then_callback_pays(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    response = _start(client, bill.id, headers, phone="0712345678")
    assert response.status_code == 201
    started = response.json()
    assert started["status"] == "pending"
    assert started["status_message"] == "The transaction is being processed"
    assert started["amount_kes"] == 1050
    assert started["checkout_request_id"].startswith("ws_CO_")
    assert len(started["merchant_request_id"].split("-")) == 3
    assert started["phone_masked"] == "2547*****678"
    done = _settled(client, started["id"], headers)  # the simulator called back over HTTP
    assert done["status"] == "succeeded"
    assert done["result_code"] == 0
    assert len(done["receipt_no"]) == 10
    assert done["receipt_no"].isalnum() and done["receipt_no"].isupper()
    sim = container.simulator
    assert sim is not None
    [tx] = sim.transactions.values()
    assert tx.callback_status == 200
    assert tx.amount == 1050
    assert tx.account_reference == bill.account_number
    bills = client.get("/api/v1/me/bills", params={"status": "paid"}, headers=headers).json()
    assert [b["id"] for b in bills] == [bill.id]
    application = client.get(f"/api/v1/me/applications/{bills[0]['application_reference']}",
                             headers=headers).json()
    assert application["status"] == "submitted"
    assert application["next_step"]["code"] == "wait"
    assert [e["type"] for e in events(client)][-2:] == [
        "payment.succeeded", "application.status_changed"]


@pytest.mark.parametrize(
    ("phone", "code", "reason"),
    [
        ("254711000001", 1, "insufficient_funds"),
        ("254711001032", 1032, "cancelled_by_user"),
        ("254711001037", 1037, "timeout"),
        ("254711002001", 2001, "wrong_pin"),
    ],
)
def test_mpesa_test_phones_give_each_result_code(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]],
    phone: str, code: int, reason: str,
) -> None:
    _, bill, headers = payer
    started = _start(client, bill.id, headers, phone=phone).json()
    done = _settled(client, started["id"], headers)
    assert (done["status"], done["result_code"], done["failure_reason"]) == ("failed", code, reason)
    assert done["receipt_no"] is None
    assert client.get(f"/api/v1/me/bills/{bill.id}", headers=headers).json()["status"] == "unpaid"
    # A failed attempt does not block the next one.
    again = _start(client, bill.id, headers, phone=OK_PHONE)
    assert again.status_code == 201
    assert _settled(client, again.json()["id"], headers)["status"] == "succeeded"


def test_mpesa_outcome_set_through_simulator_endpoint(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    set_outcome = client.post("/dev/daraja/outcomes", json={"phone": "0799999999",
                                                            "result_code": 1032})
    assert set_outcome.json() == {"phone": "254799999999", "result_code": 1032,
                                  "deliver_callback": True}
    started = _start(client, bill.id, headers, phone="0799999999").json()
    assert _settled(client, started["id"], headers)["failure_reason"] == "cancelled_by_user"


def test_mpesa_lost_callback_is_settled_by_stk_query(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    assert container.simulator is not None
    container.simulator.delay = 0.5
    started = _start(client, bill.id, headers, phone="254711000000").json()  # no callback
    early = client.get(f"/api/v1/me/payments/{started['id']}", headers=headers).json()
    assert early["status"] == "pending"
    assert early["status_message"] == "The transaction is being processed"
    done = _settled(client, started["id"], headers)  # after mpesa_query_after (1 s)
    assert done["status"] == "succeeded"
    assert done["receipt_no"].startswith("RC-")


def test_start_same_idempotency_key_gives_same_response(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    first = _start(client, bill.id, headers, key="retry-1", phone=OK_PHONE)
    second = _start(client, bill.id, headers, key="retry-1", phone=OK_PHONE)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert container.simulator is not None
    assert len(container.simulator.transactions) == 1


def test_start_same_key_other_request_is_refused(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    _start(client, bill.id, headers, key="k-1", method="bank")
    assert_problem(_start(client, bill.id, headers, key="k-1", method="card"), 422,
                   "idempotency-key-reused")


def test_start_without_idempotency_key_is_refused(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    response = client.post(f"/api/v1/me/bills/{bill.id}/payments", json={"method": "mpesa"},
                           headers=headers)
    assert_problem(response, 400, "idempotency-key-required")


def test_start_while_pending_returns_the_pending_payment(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    assert container.simulator is not None
    container.simulator.delay = 3
    first = _start(client, bill.id, headers, phone=OK_PHONE)
    second = _start(client, bill.id, headers, method="card")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["method"] == "mpesa"
    assert len(container.simulator.transactions) == 1


def test_start_on_paid_bill_is_refused(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    started = _start(client, bill.id, headers, phone=OK_PHONE).json()
    _settled(client, started["id"], headers)
    for method in ("mpesa", "card", "bank"):
        problem = assert_problem(_start(client, bill.id, headers, method=method), 409,
                                 "bill-already-paid")
        assert problem["detail"] == "This bill is already paid."


def _concurrent_starts(client: httpx.Client, bill_id: int, headers: dict[str, str],
                       keys: list[str]) -> list[httpx.Response]:
    def start(key: str) -> httpx.Response:
        with httpx.Client(base_url=str(client.base_url), headers=client.headers,
                          timeout=60) as http:
            return _start(http, bill_id, headers, key=key, phone=OK_PHONE)

    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(start, keys))


def test_twenty_concurrent_starts_send_one_stk_push(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    assert container.simulator is not None
    container.simulator.delay = 5
    responses = _concurrent_starts(client, bill.id, headers, [f"k{i}" for i in range(20)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 19 + [201], [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(container.simulator.transactions) == 1
    assert len(client.get("/api/v1/me/payments", headers=headers).json()) == 1


def test_twenty_concurrent_starts_with_one_key_send_one_stk_push(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    assert container.simulator is not None
    container.simulator.delay = 5
    responses = _concurrent_starts(client, bill.id, headers, ["same-key"] * 20)
    assert {r.status_code for r in responses} <= {201, 409}
    assert [r.status_code for r in responses].count(201) >= 1
    for r in responses:
        if r.status_code == 409:
            assert_problem(r, 409, "request-in-progress")
    assert len(container.simulator.transactions) == 1


def test_card_checkout_page_pays_the_bill(
    client: httpx.Client, anon_client: httpx.Client, container: Container,
    payer: tuple[Citizen, Bill, dict[str, str]],
) -> None:
    _, bill, headers = payer
    started = _start(client, bill.id, headers, method="card").json()
    assert started["status"] == "pending"
    url = started["checkout_url"]
    assert url == f"{container.settings.base_url}/dev/card/{started['id']}"
    page = anon_client.get(url)
    assert page.status_code == 200
    assert "KES 1,050" in page.text and "Pay" in page.text and "Fail" in page.text
    done = anon_client.post(f"{url}/pay", follow_redirects=True)
    assert "succeeded" in done.text
    payment = client.get(f"/api/v1/me/payments/{started['id']}", headers=headers).json()
    assert payment["status"] == "succeeded"
    assert payment["receipt_no"].startswith("RC-")
    anon_client.post(f"{url}/fail")  # too late: changes nothing
    assert client.get(f"/api/v1/me/bills/{bill.id}", headers=headers).json()["status"] == "paid"


def test_card_checkout_fail_leaves_bill_unpaid(
    client: httpx.Client, anon_client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    started = _start(client, bill.id, headers, method="card").json()
    anon_client.post(f"{started['checkout_url']}/fail")
    payment = client.get(f"/api/v1/me/payments/{started['id']}", headers=headers).json()
    assert (payment["status"], payment["failure_reason"]) == ("failed", "card_declined")
    assert client.get(f"/api/v1/me/bills/{bill.id}", headers=headers).json()["status"] == "unpaid"


def test_bank_gives_instructions_and_is_superseded_by_payment(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    first = _start(client, bill.id, headers, method="bank")
    again = _start(client, bill.id, headers, method="bank")
    assert (first.status_code, again.status_code) == (201, 200)
    body = first.json()
    assert body["status"] == "awaiting_transfer"
    assert body["bank_instructions"] == {
        "paybill": "222222", "account_number": bill.account_number, "amount_kes": 1050,
        "note": body["bank_instructions"]["note"]}
    mpesa = _start(client, bill.id, headers, phone=OK_PHONE)
    assert mpesa.status_code == 201
    _settled(client, mpesa.json()["id"], headers)
    bank = client.get(f"/api/v1/me/payments/{body['id']}", headers=headers).json()
    assert bank["status"] == "cancelled"


def test_old_pending_payment_is_returned_not_expired_and_no_second_prompt(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    assert container.simulator is not None
    container.simulator.delay = 30  # the callback will not come during this test
    first = _start(client, bill.id, headers, phone=OK_PHONE).json()
    container.clock.advance(timedelta(hours=2))
    second = _start(client, bill.id, headers, phone=OK_PHONE)
    assert second.status_code == 200
    assert second.json()["id"] == first["id"]
    assert second.json()["status"] == "pending"
    assert len(container.simulator.transactions) == 1


def test_crashed_request_key_is_taken_over_after_its_lease(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    from backend.core.idempotency import fingerprint
    from backend.models import IdempotencyRecord

    citizen, bill, headers = payer
    body = {"method": "mpesa", "phone": OK_PHONE}
    with container.session_factory() as session:  # what a SIGKILL mid-request leaves behind
        session.add(IdempotencyRecord(
            scope="start_payment", owner=f"citizen:{citizen.id}", key="crashed",
            fingerprint=fingerprint(bill.id, {"method": "mpesa", "phone": OK_PHONE}),
            created_at=container.clock()))
        session.commit()
    fresh = _start(client, bill.id, headers, key="crashed", **body)
    assert_problem(fresh, 409, "request-in-progress")  # it may still be running
    container.clock.advance(timedelta(seconds=61))
    taken = _start(client, bill.id, headers, key="crashed", **body)
    assert taken.status_code == 201
    assert _start(client, bill.id, headers, key="crashed", **body).json() == taken.json()


def test_reading_a_pending_payment_asks_daraja_at_most_every_five_seconds(
    client: httpx.Client, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    assert container.simulator is not None
    container.simulator.delay = 30
    started = _start(client, bill.id, headers, phone=OK_PHONE).json()
    container.clock.advance(timedelta(seconds=2))
    for _ in range(5):
        read = client.get(f"/api/v1/me/payments/{started['id']}", headers=headers).json()
        assert read["status"] == "pending"
    with container.session_factory() as session:
        from backend.models import Payment

        payment = session.get(Payment, started["id"])
        assert payment is not None and payment.check_attempts == 1


def test_payment_history_lists_newest_first(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    failed = _start(client, bill.id, headers, phone="254711001032").json()
    _settled(client, failed["id"], headers)
    paid = _start(client, bill.id, headers, phone=OK_PHONE).json()
    _settled(client, paid["id"], headers)
    history = client.get("/api/v1/me/payments", headers=headers).json()
    assert [p["id"] for p in history] == [paid["id"], failed["id"]]
    assert history[0]["receipt_no"] and history[1]["receipt_no"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [({"method": "cash"}, "method"), ({"method": "mpesa", "phone": "12345"}, "phone"), ({}, "method")],
)
def test_start_invalid_body_names_field(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]],
    body: dict[str, str], field: str,
) -> None:
    _, bill, headers = payer
    response = client.post(f"/api/v1/me/bills/{bill.id}/payments", json=body,
                           headers={**headers, "Idempotency-Key": "v"})
    problem = assert_problem(response, 422, "validation-error")
    assert [e["field"] for e in problem["errors"]] == [field]


async def test_gateway_unreachable_gives_502_and_key_can_be_retried(
    db_url: str, container: Container, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    app = create_app(make_settings(db_url, mpesa_base_url="http://127.0.0.1:9",
                                   mpesa_timeout_seconds=2))
    async with asgi_client(app) as api:
        url = f"/api/v1/me/bills/{bill.id}/payments"
        request = {"json": {"method": "mpesa"}, "headers": {**headers, "Idempotency-Key": "g"}}
        first = await api.post(url, **request)  # type: ignore[arg-type]
        assert_problem(first, 502, "payment-gateway-error")
        second = await api.post(url, **request)  # type: ignore[arg-type]
        assert_problem(second, 502, "payment-gateway-error")  # retried, not replayed
        history = (await api.get("/api/v1/me/payments", headers=headers)).json()
    assert [(p["status"], p["failure_reason"]) for p in history] == [
        ("failed", "gateway_error")] * 2
    app.state.container.close()


def test_application_status_after_payment_is_in_status_history(
    client: httpx.Client, payer: tuple[Citizen, Bill, dict[str, str]]
) -> None:
    _, bill, headers = payer
    started = _start(client, bill.id, headers, phone=OK_PHONE).json()
    _settled(client, started["id"], headers)
    detail = client.get(f"/api/v1/me/applications/{started['application_reference']}",
                        headers=headers).json()
    assert [h["to_status"] for h in detail["history"]] == [
        ApplicationStatus.DRAFT, ApplicationStatus.PENDING_PAYMENT, ApplicationStatus.SUBMITTED]
    assert detail["history"][-1]["note"] == "Payment received. Your application has been submitted."
