"""A Daraja simulator: the same endpoints as Safaricom's, as strict, and a real HTTP callback later.

Mounted at /dev/daraja in development, or run alone (`python -m backend.simulator`) so that
it outlives the server in fault tests. The outcome of each push is chosen by the paying phone
number (`DEFAULT_OUTCOMES`) or set through `POST /outcomes`; `POST /faults` drops, delays,
repeats and reorders callbacks and makes it forget transactions.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import string
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from backend.config import BackendSettings
from backend.services.daraja_wire import PENDING_ERROR_CODE, daraja_timestamp, stk_password
from backend.simulator.faults import Faults, FaultsIn
from backend.simulator.ledger import Ledger
from backend.simulator.rules import invalid_push_field
from common.phones import parse_kenyan_mobile
from common.timezone import NAIROBI
from privacy import mask

logger = logging.getLogger(__name__)
TOKEN_LIFETIME = 3599


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
    deliveries: int = 0


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

    def __init__(self, settings: BackendSettings, *, require_https: bool = False) -> None:
        self._settings = settings
        self.require_https = require_https
        self.delay = settings.simulator_delay_seconds
        self.overrides: dict[str, Outcome] = {}
        self.transactions: dict[str, SimTransaction] = {}
        self.faults = Faults()
        self.ledger = Ledger(settings.mpesa_shortcode)
        self._tokens: dict[str, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # checkout id -> (the citizen answers now, the completion under way)
        self._answering: dict[str, tuple[asyncio.Event, asyncio.Task[None]]] = {}
        self.waiting = {"token": 0, "push": 0}  # requests held by a delay fault right now
        self._generation = 0  # bumped by reset: callbacks of an earlier generation never fire
        self.app = self._build_app()

    def outcome_for(self, phone: str) -> Outcome:
        """Return the outcome a push to `phone` will have."""
        return self.overrides.get(phone) or DEFAULT_OUTCOMES.get(phone) or Outcome(0)

    def reset(self) -> None:
        """Forget overrides, faults, tokens, transactions and the statement (between tests).

        Callbacks still scheduled are dropped too (they may run on another thread's loop, so
        they check a generation number rather than being cancelled from here).
        """
        self._generation += 1
        self.overrides.clear()
        self.transactions.clear()
        self.faults = Faults()
        self.ledger.clear()

    def expire_tokens(self) -> None:
        """Invalidate every access token issued (Daraja's tokens expire after an hour)."""
        self._tokens.clear()

    async def aclose(self) -> None:
        """Cancel callbacks still waiting."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _check_bearer(self, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        expires = self._tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        return expires is not None and time.monotonic() < expires

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Daraja simulator (development only)", docs_url=None, redoc_url=None)
        app.add_api_route("/oauth/v1/generate", self.generate_token, methods=["GET"])
        app.add_api_route("/mpesa/stkpush/v1/processrequest", self.stk_push, methods=["POST"])
        app.add_api_route("/mpesa/stkpushquery/v1/query", self.stk_query, methods=["POST"])
        app.add_api_route("/pulltransactions/v1/query", self.pull_transactions, methods=["POST"])
        app.add_api_route("/outcomes", self.set_outcome, methods=["POST"])
        app.add_api_route("/outcomes", self.list_outcomes, methods=["GET"])
        app.add_api_route("/outcomes", self.clear_outcomes, methods=["DELETE"])
        app.add_api_route("/faults", self.set_faults, methods=["POST"])
        app.add_api_route("/faults", self.get_faults, methods=["GET"])
        app.add_api_route("/tokens", self.revoke_tokens, methods=["DELETE"])
        app.add_api_route("/transactions", self.list_transactions, methods=["GET"])
        app.add_api_route("/statement", self.list_statement, methods=["GET"])
        app.add_api_route("/activity", self.activity, methods=["GET"])
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
            request.headers.get("authorization", "").encode(), f"Basic {expected}".encode()
        ):
            return _error(400, "400.008.01", "Invalid Authentication passed")
        await self._hold("token", self.faults.token_delay)
        token = secrets.token_urlsafe(20)
        self._tokens[token] = time.monotonic() + TOKEN_LIFETIME
        return JSONResponse({"access_token": token, "expires_in": str(TOKEN_LIFETIME)})

    def _check_password(self, body: dict[str, Any]) -> bool:
        expected = stk_password(
            str(body.get("BusinessShortCode")),
            self._settings.mpesa_passkey.get_secret_value(),
            str(body.get("Timestamp")),
        )
        return str(body.get("BusinessShortCode")) == self._settings.mpesa_shortcode and (
            secrets.compare_digest(
                str(body.get("Password", "")).encode("utf-8", "surrogatepass"), expected.encode())
        )

    async def _authorised_body(self, request: Request) -> dict[str, Any] | JSONResponse:
        """Return the JSON body of an authorised request, or Daraja's error answer."""
        if not self._check_bearer(request):  # Daraja answers a bad token with HTTP 404
            return _error(404, "404.001.03", "Invalid Access Token")
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            body = None
        if not isinstance(body, dict):
            return _error(400, "400.002.02", "Bad Request - Invalid JSON")
        return body

    async def stk_push(self, request: Request) -> JSONResponse:
        """Accept an STK push and schedule its outcome."""
        body = await self._authorised_body(request)
        if isinstance(body, JSONResponse):
            return body
        invalid = invalid_push_field(
            body, shortcode=self._settings.mpesa_shortcode, till=self._settings.mpesa_party_b,
            require_https=self.require_https,
        ) or (None if self._check_password(body) else "Password")
        if invalid:
            return _error(400, "400.002.02", f"Bad Request - Invalid {invalid}")
        now = datetime.now(UTC)
        checkout = (
            f"ws_CO_{now.astimezone(NAIROBI).strftime('%d%m%Y%H%M%S')}{secrets.randbelow(10**8):08d}"
        )
        merchant = f"{secrets.randbelow(90000) + 10000}-{secrets.randbelow(9 * 10**7) + 10**7}-1"
        phone = str(body["PhoneNumber"])
        tx = SimTransaction(
            merchant_request_id=merchant,
            checkout_request_id=checkout,
            phone=phone,
            amount=int(body["Amount"]),
            account_reference=str(body["AccountReference"]),
            callback_url=str(body["CallBackURL"]),
            outcome=self.outcome_for(phone),
            created_at=now.isoformat(),
        )
        self.transactions[checkout] = tx
        answer = asyncio.Event()
        # the prompt is on the phone whatever happens next
        self._answering[checkout] = (answer, self._spawn(self._complete_later(tx, answer)))
        logger.info("Simulator accepted STK push for %s", mask(phone))
        await self._hold("push", self.faults.ack_delay)
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

    async def _hold(self, kind: str, seconds: float) -> None:
        """Keep a request waiting (fault tests kill the server meanwhile), counting it."""
        if not seconds:
            return
        self.waiting[kind] += 1
        try:
            await asyncio.sleep(seconds)
        finally:
            self.waiting[kind] -= 1

    def _spawn(self, work: Any) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def answer(self, checkout_request_id: str) -> None:
        """Let the citizen answer a prompt now, and return once its outcome is decided.

        Without it a prompt is answered `delay` seconds after the push; tests that must see a
        prompt pending, then decided, set a long delay and call this instead of sleeping.
        """
        waiting = self._answering.get(checkout_request_id)
        if waiting is None:
            return  # answered already
        answer, completing = waiting
        answer.set()
        await completing

    async def _complete_later(self, tx: SimTransaction, answer: asyncio.Event) -> None:
        generation = self._generation
        try:
            await asyncio.wait_for(answer.wait(), self.delay)
        except TimeoutError:
            pass  # the citizen answered in their own time
        finally:
            self._answering.pop(tx.checkout_request_id, None)
        if generation != self._generation:
            return
        tx.completed = True
        if tx.outcome.result_code == 0:
            tx.receipt = _receipt_number()
            self.ledger.record(tx.receipt, tx.account_reference, tx.amount, tx.phone)
        if self.faults.forget:
            self.transactions.pop(tx.checkout_request_id, None)
        if not tx.outcome.deliver_callback:
            return
        body = self.callback_body(tx)
        for delay in self.faults.plan():
            self._spawn(self._deliver(tx, body, delay, generation))

    async def _deliver(self, tx: SimTransaction, body: dict[str, Any], delay: float,
                       generation: int) -> None:
        await asyncio.sleep(delay)
        if generation != self._generation:
            return
        try:
            async with httpx.AsyncClient(timeout=10.0) as client:
                response = await client.post(tx.callback_url, json=body)
            tx.callback_status = response.status_code
            tx.deliveries += 1
        except httpx.HTTPError as exc:  # Daraja does not retry a callback it could not deliver
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
        body = await self._authorised_body(request)
        if isinstance(body, JSONResponse):
            return body
        if not self._check_password(body):
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

    async def pull_transactions(self, request: Request) -> JSONResponse:
        """List the shortcode's payments in a time range, 100 per page (Pull Transactions)."""
        body = await self._authorised_body(request)
        if isinstance(body, JSONResponse):
            return body
        answer = self.ledger.page(body)
        if isinstance(answer, str):
            return _error(400, "400.002.02", f"Bad Request - Invalid {answer}")
        return JSONResponse(answer)

    async def set_outcome(self, body: OutcomeIn) -> dict[str, Any]:
        """Choose the outcome for pushes to one phone number."""
        phone = parse_kenyan_mobile(body.phone) or body.phone
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

    async def set_faults(self, body: FaultsIn) -> dict[str, Any]:
        """Change the faults (dropped, delayed, repeated callbacks; forgotten transactions)."""
        self.faults.update(body)
        return self.faults.describe()

    async def get_faults(self) -> dict[str, Any]:
        """Show the faults in force."""
        return self.faults.describe()

    async def revoke_tokens(self) -> dict[str, Any]:
        """Expire every access token now, as Daraja does after an hour."""
        self.expire_tokens()
        return {"tokens": 0}

    async def list_transactions(self) -> list[dict[str, Any]]:
        """List the pushes the simulator still remembers, oldest first."""
        return [{**asdict(tx), "outcome": asdict(tx.outcome)} for tx in self.transactions.values()]

    async def activity(self) -> dict[str, Any]:
        """Show the requests held by delay faults and the callbacks delivered so far."""
        delivered = sum(tx.deliveries for tx in self.transactions.values())
        return {"waiting": dict(self.waiting), "callbacks_delivered": delivered}

    async def list_statement(self) -> list[dict[str, Any]]:
        """List the money received (successful payments), oldest first."""
        return self.ledger.rows()
