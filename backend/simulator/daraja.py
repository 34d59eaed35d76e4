"""A Daraja simulator: the same endpoints as Safaricom's, and a real HTTP callback later.

Mounted at /dev/daraja in development. The outcome of each push is chosen by the paying
phone number (`DEFAULT_OUTCOMES`) or set through `POST /outcomes`.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import string
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from backend.config import BackendSettings
from backend.services.daraja import EAT, PENDING_ERROR_CODE, daraja_timestamp, stk_password
from backend.services.identifiers import normalize_phone
from privacy import mask

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happens to a push: the ResultCode, and whether the callback is delivered."""

    result_code: int
    deliver_callback: bool = True


# Test phone numbers (documented in docs/backend-api.md). Any other number succeeds.
DEFAULT_OUTCOMES: dict[str, Outcome] = {
    "254712345678": Outcome(0),
    "254708374149": Outcome(0),  # Safaricom's sandbox test MSISDN
    "254711000001": Outcome(1),
    "254711001032": Outcome(1032),
    "254711001037": Outcome(1037),
    "254711002001": Outcome(2001),
    "254711000000": Outcome(0, deliver_callback=False),  # callback lost: use the STK query
}

RESULT_DESCRIPTIONS: dict[int, str] = {
    0: "The service request is processed successfully.",
    1: "The balance is insufficient for the transaction.",
    1032: "Request cancelled by user",
    1037: "DS timeout user cannot be reached",
    2001: "The initiator information is invalid.",
}


@dataclass(slots=True)
class SimTransaction:
    """One STK push the simulator accepted."""

    merchant_request_id: str
    checkout_request_id: str
    phone: str
    amount: int
    account_reference: str
    callback_url: str
    outcome: Outcome
    created_at: str
    completed: bool = False
    receipt: str | None = None
    callback_status: int | None = None


class OutcomeIn(BaseModel):
    """Body of POST /outcomes."""

    phone: str = Field(examples=["254711001032"])
    result_code: int = Field(examples=[1032])
    deliver_callback: bool = True


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"requestId": secrets.token_hex(8), "errorCode": code, "errorMessage": message},
        status_code=status,
    )


def _receipt_number() -> str:
    alphabet = string.ascii_uppercase + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(9))
        if any(c.isdigit() for c in body):
            return "T" + body


class DarajaSimulator:
    """In-memory Daraja with delayed callbacks over real HTTP."""

    def __init__(self, settings: BackendSettings) -> None:
        self._settings = settings
        self.delay = settings.simulator_delay_seconds
        self.overrides: dict[str, Outcome] = {}
        self.transactions: dict[str, SimTransaction] = {}
        self._tokens: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.app = self._build_app()

    def outcome_for(self, phone: str) -> Outcome:
        """Return the outcome a push to `phone` will have."""
        return self.overrides.get(phone) or DEFAULT_OUTCOMES.get(phone) or Outcome(0)

    def reset(self) -> None:
        """Forget overrides and transactions (tests call this between cases)."""
        self.overrides.clear()
        self.transactions.clear()

    async def aclose(self) -> None:
        """Cancel callbacks still waiting."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _check_bearer(self, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self._tokens

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Daraja simulator (development only)", docs_url=None, redoc_url=None)
        app.add_api_route("/oauth/v1/generate", self.generate_token, methods=["GET"])
        app.add_api_route("/mpesa/stkpush/v1/processrequest", self.stk_push, methods=["POST"])
        app.add_api_route("/mpesa/stkpushquery/v1/query", self.stk_query, methods=["POST"])
        app.add_api_route("/outcomes", self.set_outcome, methods=["POST"])
        app.add_api_route("/outcomes", self.list_outcomes, methods=["GET"])
        app.add_api_route("/outcomes", self.clear_outcomes, methods=["DELETE"])
        app.add_api_route("/transactions", self.list_transactions, methods=["GET"])
        return app

    async def generate_token(self, request: Request) -> JSONResponse:
        """OAuth client-credentials grant with HTTP Basic auth."""
        s = self._settings
        expected = base64.b64encode(
            f"{s.mpesa_consumer_key.get_secret_value()}:"
            f"{s.mpesa_consumer_secret.get_secret_value()}".encode()
        ).decode()
        if request.query_params.get("grant_type") != "client_credentials":
            return _error(400, "400.008.02", "Invalid grant type passed")
        if not secrets.compare_digest(
            request.headers.get("authorization", ""), f"Basic {expected}"
        ):
            return _error(400, "400.008.01", "Invalid Authentication passed")
        token = secrets.token_urlsafe(20)
        self._tokens.add(token)
        return JSONResponse({"access_token": token, "expires_in": "3599"})

    def _check_password(self, body: dict[str, Any]) -> bool:
        s = self._settings
        expected = stk_password(
            str(body.get("BusinessShortCode")),
            s.mpesa_passkey.get_secret_value(),
            str(body.get("Timestamp")),
        )
        return str(body.get("BusinessShortCode")) == s.mpesa_shortcode and secrets.compare_digest(
            str(body.get("Password", "")), expected
        )

    async def stk_push(self, request: Request) -> JSONResponse:
        """Accept an STK push and schedule its outcome."""
        if not self._check_bearer(request):
            return _error(401, "404.001.03", "Invalid Access Token")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "400.002.02", "Bad Request - Invalid JSON")
        if not isinstance(body, dict):
            return _error(400, "400.002.02", "Bad Request - Invalid JSON")
        invalid = self._invalid_push(body)
        if invalid:
            return _error(400, "400.002.02", f"Bad Request - Invalid {invalid}")
        now = datetime.now(UTC)
        checkout = (
            f"ws_CO_{now.astimezone(EAT).strftime('%d%m%Y%H%M%S')}{secrets.randbelow(10**8):08d}"
        )
        merchant = f"{secrets.randbelow(90000) + 10000}-{secrets.randbelow(9 * 10**7) + 10**7}-1"
        phone = str(body["PhoneNumber"])
        tx = SimTransaction(
            merchant_request_id=merchant,
            checkout_request_id=checkout,
            phone=phone,
            amount=int(body["Amount"]),
            account_reference=str(body.get("AccountReference", "")),
            callback_url=str(body["CallBackURL"]),
            outcome=self.outcome_for(phone),
            created_at=now.isoformat(),
        )
        self.transactions[checkout] = tx
        task = asyncio.get_running_loop().create_task(self._complete_later(tx))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        logger.info("Simulator accepted STK push for %s", mask(phone))
        message = "Success. Request accepted for processing"
        return JSONResponse(
            {
                "MerchantRequestID": merchant,
                "CheckoutRequestID": checkout,
                "ResponseCode": "0",
                "ResponseDescription": message,
                "CustomerMessage": message,
            }
        )

    def _invalid_push(self, body: dict[str, Any]) -> str | None:
        required = (
            "BusinessShortCode",
            "Password",
            "Timestamp",
            "TransactionType",
            "Amount",
            "PartyA",
            "PartyB",
            "PhoneNumber",
            "CallBackURL",
            "AccountReference",
            "TransactionDesc",
        )
        missing = [name for name in required if name not in body]
        if missing:
            return missing[0]
        if not self._check_password(body):
            return "Password"
        amount = body["Amount"]
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int | str)
            or not str(amount).isdigit()
        ):
            return "Amount"
        if int(amount) < 1:
            return "Amount"
        phone = str(body["PhoneNumber"])
        if normalize_phone(phone) != phone or str(body["PartyA"]) != phone:
            return "PhoneNumber"
        if not str(body["CallBackURL"]).startswith(("http://", "https://")):
            return "CallBackURL"
        return None

    async def _complete_later(self, tx: SimTransaction) -> None:
        await asyncio.sleep(self.delay)
        tx.completed = True
        if tx.outcome.result_code == 0:
            tx.receipt = _receipt_number()
        if not tx.outcome.deliver_callback:
            return
        try:
            async with httpx.AsyncClient(timeout=10.0) as client:
                response = await client.post(tx.callback_url, json=self.callback_body(tx))
            tx.callback_status = response.status_code
        except httpx.HTTPError as exc:
            logger.warning("Simulator callback failed: %s", type(exc).__name__)

    @staticmethod
    def callback_body(tx: SimTransaction) -> dict[str, Any]:
        """Build the Daraja-shaped callback JSON for a completed transaction."""
        code = tx.outcome.result_code
        callback: dict[str, Any] = {
            "MerchantRequestID": tx.merchant_request_id,
            "CheckoutRequestID": tx.checkout_request_id,
            "ResultCode": code,
            "ResultDesc": RESULT_DESCRIPTIONS.get(code, "The transaction failed."),
        }
        if code == 0:
            callback["CallbackMetadata"] = {
                "Item": [
                    {"Name": "Amount", "Value": float(tx.amount)},
                    {"Name": "MpesaReceiptNumber", "Value": tx.receipt},
                    {"Name": "Balance"},
                    {"Name": "TransactionDate", "Value": int(daraja_timestamp(datetime.now(UTC)))},
                    {"Name": "PhoneNumber", "Value": int(tx.phone)},
                ]
            }
        return {"Body": {"stkCallback": callback}}

    async def stk_query(self, request: Request) -> JSONResponse:
        """Answer 'being processed' until the outcome is decided, then the result."""
        if not self._check_bearer(request):
            return _error(401, "404.001.03", "Invalid Access Token")
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not self._check_password(body):
            return _error(400, "400.002.02", "Bad Request - Invalid Password")
        tx = self.transactions.get(str(body.get("CheckoutRequestID")))
        if tx is None:
            return _error(400, "400.002.02", "Bad Request - Invalid CheckoutRequestID")
        if not tx.completed:
            return _error(500, PENDING_ERROR_CODE, "The transaction is being processed")
        code = tx.outcome.result_code
        return JSONResponse(
            {
                "ResponseCode": "0",
                "ResponseDescription": "The service request has been accepted successsfully",
                "MerchantRequestID": tx.merchant_request_id,
                "CheckoutRequestID": tx.checkout_request_id,
                "ResultCode": str(code),
                "ResultDesc": RESULT_DESCRIPTIONS.get(code, "The transaction failed."),
            }
        )

    async def set_outcome(self, body: OutcomeIn) -> dict[str, Any]:
        """Choose the outcome for pushes to one phone number."""
        phone = normalize_phone(body.phone) or body.phone
        self.overrides[phone] = Outcome(body.result_code, body.deliver_callback)
        return {"phone": phone, **asdict(self.overrides[phone])}

    async def list_outcomes(self) -> dict[str, Any]:
        """Show the default table and the overrides."""
        return {
            "defaults": {p: asdict(o) for p, o in DEFAULT_OUTCOMES.items()},
            "overrides": {p: asdict(o) for p, o in self.overrides.items()},
            "otherwise": asdict(Outcome(0)),
        }

    async def clear_outcomes(self) -> dict[str, Any]:
        """Drop every override."""
        self.overrides.clear()
        return {"overrides": {}}

    async def list_transactions(self) -> list[dict[str, Any]]:
        """List the pushes received, oldest first."""
        return [{**asdict(tx), "outcome": asdict(tx.outcome)} for tx in self.transactions.values()]
