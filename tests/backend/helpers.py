"""Factories and small helpers for backend tests."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from backend.container import Container
from backend.core.domain import DEFAULT_SCOPES, IdType, Language
from backend.core.tokens import create_token
from backend.crud.catalogue import get_service
from backend.domain import ApplicationStatus, PaymentMethod
from backend.domain import RequiredAction as RA
from backend.models import Application, Bill, Citizen
from backend.seed import STATUS_PATHS
from backend.services.applications import change_status, create_application, issue_bill

SERVICE_HEADERS = {"X-Service-Key": "dev-service-key"}
PROBLEM = "https://msaidizi.example/problems/"
T = TypeVar("T")


@dataclass
class Backend:
    """A running backend app and its base URL."""

    app: FastAPI
    url: str

    @property
    def container(self) -> Container:
        """Return the app's container."""
        container: Container = self.app.state.container
        return container


_counter = iter(range(10_000, 99_999))


def make_citizen(container: Container, *, language: Language = Language.EN,
                 email: str | None = None, first_name: str = "Test") -> Citizen:
    """Create a citizen with a unique ID number and phone."""
    n = next(_counter)
    with container.session_factory() as session:
        citizen = Citizen(id_number=f"9{n:07d}", id_type=IdType.NATIONAL, first_name=first_name,
                          last_name="Citizen", phone=f"2547200{n:05d}", email=email,
                          preferred_language=language, created_at=container.clock())
        session.add(citizen)
        session.commit()
        return citizen


def make_application(container: Container, citizen: Citizen, *, service: str = "good_conduct",
                     status: ApplicationStatus = ApplicationStatus.PENDING_PAYMENT,
                     receipt: str | None = None) -> tuple[Application, Bill | None]:
    """Create an application and walk it to `status` (paying it on the way when needed)."""
    from backend.services.payments import PaymentService

    now = container.clock() - timedelta(days=10)
    with container.session_factory() as session:
        svc = get_service(session=session, code=service)
        assert svc is not None
        app = create_application(session=session, citizen=citizen, service=svc, now=now)
        payments: PaymentService = container.payments
        for step in STATUS_PATHS[status]:
            now += timedelta(hours=1)
            if step is ApplicationStatus.SUBMITTED:
                bill = issue_bill(session=session, application=app, paybill="222222", now=now)
                payments.record_external_payment(session=session, bill=bill,
                                                 method=PaymentMethod.MPESA, receipt_no=receipt,
                                                 phone=citizen.phone, now=now)
                continue
            if step is ApplicationStatus.PENDING_PAYMENT:
                issue_bill(session=session, application=app, paybill="222222", now=now)
            change_status(session=session, application=app, to=step, note=f"to {step}", now=now,
                          required_action=RA.UPLOAD_DOCUMENT, required_document="Photo",
                          collection_office="Huduma Centre GPO", collection_from=now.date())
        session.commit()
        from backend.services.applications import bill_for

        return app, bill_for(session=session, application_id=app.id)


def issue_token(container: Container, citizen: Citizen, chat_identity: str = "telegram:1",
                scopes: tuple[str, ...] = tuple(DEFAULT_SCOPES),
                ttl: timedelta = timedelta(days=30)) -> dict[str, str]:
    """Issue a citizen token directly and return the headers that present it."""
    with container.session_factory() as session:
        raw, _ = create_token(session=session, citizen_id=citizen.id, chat_identity=chat_identity,
                              scopes=scopes, ttl=ttl, now=container.clock())
        session.commit()
    return {"Authorization": f"Bearer {raw}", "X-Chat-Identity": chat_identity}


def latest_code(client: httpx.Client, to: str) -> str:
    """Read the newest one-time code sent to `to` from the development outbox."""
    messages = wait_until(lambda: client.get("/dev/outbox", params={"to": to}).json() or None)
    match = re.search(r"\b(\d{6})\b", messages[0]["text"])
    assert match, messages[0]
    return match.group(1)


def sign_in(client: httpx.Client, citizen: Citizen, chat_identity: str = "telegram:1"
            ) -> dict[str, str]:
    """Sign in through the API (request, read the outbox, verify); return the headers."""
    response = client.post("/api/v1/auth/otp/request",
                           json={"identifier": citizen.id_number, "chat_identity": chat_identity})
    assert response.status_code == 202, response.text
    code = latest_code(client, citizen.phone)
    response = client.post("/api/v1/auth/otp/verify", json={
        "identifier": citizen.id_number, "code": code, "chat_identity": chat_identity})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}",
            "X-Chat-Identity": chat_identity}


def stk_callback(checkout_id: str, result_code: int, *, receipt: str = "SJK4XY12AB",
                 amount: float = 1050.0, merchant_id: str = "29115-34620561-1") -> dict[str, Any]:
    """Build a Daraja STK callback body."""
    descriptions = {0: "The service request is processed successfully.",
                    1: "The balance is insufficient for the transaction.",
                    1032: "Request cancelled by user", 1037: "DS timeout user cannot be reached",
                    2001: "The initiator information is invalid."}
    callback: dict[str, Any] = {
        "MerchantRequestID": merchant_id, "CheckoutRequestID": checkout_id,
        "ResultCode": result_code, "ResultDesc": descriptions.get(result_code, "Failed"),
    }
    if result_code == 0:
        callback["CallbackMetadata"] = {"Item": [
            {"Name": "Amount", "Value": amount},
            {"Name": "MpesaReceiptNumber", "Value": receipt},
            {"Name": "Balance"},
            {"Name": "TransactionDate", "Value": 20250101120102},
            {"Name": "PhoneNumber", "Value": 254712345678},
        ]}
    return {"Body": {"stkCallback": callback}}


def wait_until(probe: Callable[[], T | None], timeout: float = 10.0, every: float = 0.05) -> T:
    """Call `probe` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(every)


def assert_problem(response: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    """Check a problem+json answer and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM + kind, body
    assert body["status"] == status
    assert body["title"]
    return body


def make_pending_mpesa(container: Container, bill: Bill, checkout_id: str) -> int:
    """Insert a pending M-Pesa payment for `bill` as if the STK push had been accepted."""
    from backend.domain import PaymentStatus, PushStage
    from backend.models import Payment

    now = container.clock()
    with container.session_factory() as session:
        payment = Payment(bill_id=bill.id, citizen_id=bill.citizen_id, method=PaymentMethod.MPESA,
                          status=PaymentStatus.PENDING, amount_kes=bill.total_kes,
                          phone="254712345678", merchant_request_id="29115-34620561-1",
                          checkout_request_id=checkout_id, created_at=now,
                          push_stage=PushStage.ACCEPTED, push_sent_at=now,
                          callback_nonce=uuid.uuid4().hex, account_reference=bill.account_number,
                          next_check_at=now + timedelta(hours=1))
        session.add(payment)
        session.commit()
        return payment.id


def events(client: httpx.Client, after: int = 0) -> list[dict[str, Any]]:
    """Return the event outbox after `after`."""
    body: dict[str, Any] = client.get("/api/v1/service/events",
                                      params={"after": after, "limit": 500}).json()
    return list(body["events"])
