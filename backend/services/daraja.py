"""A client for Safaricom's Daraja API (OAuth, STK push, STK query, Pull Transactions) over httpx.

The same code talks to the built-in simulator in development and to Safaricom's sandbox or
production: only the base URL and credentials change.

What may be retried is decided by what Daraja can have done with the request. A request that
never reached Daraja, or that Daraja refused with an error body, changed nothing and is sent
again after a back-off. A push whose answer was lost (a read timeout, a dropped connection, a
gateway error without Daraja's error body) may have put a prompt on the citizen's phone: it
is never sent again; `DarajaUncertain` tells the caller to reconcile it instead.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from backend.services.daraja_wire import (
    PENDING_ERROR_CODE,
    DarajaError,
    DarajaRejected,
    DarajaUnavailable,
    DarajaUncertain,
    StatementEntry,
    StkAck,
    StkGateway,
    StkQueryResult,
    daraja_timestamp,
    parse_statement,
    stk_password,
)
from common.timezone import NAIROBI
from privacy import mask

__all__ = [
    "PENDING_ERROR_CODE",
    "DarajaClient",
    "DarajaError",
    "DarajaRejected",
    "DarajaUnavailable",
    "DarajaUncertain",
    "StatementEntry",
    "StkAck",
    "StkGateway",
    "StkQueryResult",
    "daraja_timestamp",
    "stk_password",
]

logger = logging.getLogger(__name__)

# Daraja answers an expired or unknown token with these codes, not always with HTTP 401
# (an invalid token comes back as HTTP 404 with 404.001.03).
INVALID_TOKEN_CODES = frozenset({"404.001.03", "404.001.04", "401.002.01", "401.003.01"})
# Errors raised before the request left this process: nothing reached Daraja.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class DarajaClient:
    """Speaks Daraja's HTTP protocol; thread-safe, caches the OAuth token until near expiry."""

    def __init__(
        self,
        *,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        shortcode: str,
        passkey: str,
        transaction_type: str,
        http: httpx.Client,
        party_b: str | None = None,
        retries: int = 2,
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._basic = base64.b64encode(f"{consumer_key}:{consumer_secret}".encode()).decode()
        self._shortcode, self._passkey = shortcode, passkey
        self._party_b = party_b or shortcode
        self._transaction_type = transaction_type
        self._http = http
        self._retries = retries
        self._backoff = backoff_seconds
        self._sleep = sleep
        self._lock = threading.Lock()
        self._token: str | None = None
        self._token_expires = 0.0

    # ------------------------------------------------------------------ transport
    def _access_token(self, *, refresh: bool = False) -> str:
        with self._lock:
            if self._token and not refresh and time.monotonic() < self._token_expires:
                return self._token
            response = self._exchange(
                "GET",
                "/oauth/v1/generate",
                params={"grant_type": "client_credentials"},
                headers={"Authorization": f"Basic {self._basic}"},
                idempotent=True,
            )
            data = _json(response)
            if response.status_code != 200 or "access_token" not in data:
                raise _rejection(data, "OAuth refused")
            self._token = str(data["access_token"])
            try:
                lifetime = float(data.get("expires_in", 3599))
            except (TypeError, ValueError):
                lifetime = 3599.0
            self._token_expires = time.monotonic() + max(lifetime - 60, 0)
            return self._token

    def _exchange(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        retry_answer: Callable[[httpx.Response], bool] = lambda r: r.status_code == 429,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send, retrying with back-off only what certainly changed nothing at Daraja.

        Retried: requests that never left, answers `retry_answer` calls transient (Daraja's
        own refusals such as its rate limit), and, for idempotent calls, lost answers and
        gateway errors. A non-idempotent call whose answer was lost raises DarajaUncertain.
        """
        for attempt in range(self._retries + 1):
            try:
                response = self._http.request(method, self._base + path, **kwargs)
            except _NOT_SENT as exc:
                failure: DarajaError = DarajaUnavailable(f"{method} {path}: {type(exc).__name__}")
            except httpx.HTTPError as exc:
                if not idempotent:  # sent, answer lost: Daraja may have acted on it
                    raise DarajaUncertain(f"{method} {path}: {type(exc).__name__}") from exc
                failure = DarajaUnavailable(f"{method} {path}: {type(exc).__name__}")
            else:
                if response.status_code >= 500 and not _has_daraja_error(response):
                    if not idempotent:  # a gateway error, not Daraja's answer: unknown
                        raise DarajaUncertain(f"{method} {path}: HTTP {response.status_code}")
                    failure = DarajaUnavailable(f"{method} {path}: HTTP {response.status_code}")
                elif attempt < self._retries and retry_answer(response):
                    failure = DarajaUnavailable(f"{method} {path}: HTTP {response.status_code}")
                else:
                    return response
            if attempt == self._retries:
                raise failure
            self._sleep(self._backoff * (2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(self, path: str, body: dict[str, Any], *, idempotent: bool,
              retry_5xx: bool = False) -> tuple[int, dict[str, Any]]:
        """POST with the bearer token, renewing it once if Daraja calls it invalid."""
        def transient(response: httpx.Response) -> bool:
            return response.status_code == 429 or (retry_5xx and response.status_code >= 500)

        for attempt in range(2):
            token = self._access_token(refresh=attempt > 0)
            response = self._exchange(
                "POST", path, json=body, headers={"Authorization": f"Bearer {token}"},
                idempotent=idempotent, retry_answer=transient,
            )
            data = _json(response)
            invalid_token = response.status_code == 401 or (
                str(data.get("errorCode", "")) in INVALID_TOKEN_CODES
            )
            if invalid_token and attempt == 0:
                logger.info("Daraja refused the access token; renewing it")
                continue
            return response.status_code, data
        raise AssertionError("unreachable")  # pragma: no cover

    def _password_fields(self) -> dict[str, str]:
        timestamp = daraja_timestamp(datetime.now(UTC))
        return {
            "BusinessShortCode": self._shortcode,
            "Password": stk_password(self._shortcode, self._passkey, timestamp),
            "Timestamp": timestamp,
        }

    # ------------------------------------------------------------------- calls
    def stk_push(
        self,
        *,
        amount: int,
        phone: str,
        account_reference: str,
        description: str,
        callback_url: str,
    ) -> StkAck:
        """Send an STK push (M-Pesa Express) prompt for `amount` whole shillings.

        Raises:
            DarajaRejected: Daraja refused it; no prompt was sent.
            DarajaUnavailable: Daraja could not be reached; no prompt was sent.
            DarajaUncertain: the request may have been accepted; reconcile, never resend.
        """
        body = {
            **self._password_fields(),
            "TransactionType": self._transaction_type,
            "Amount": amount,
            "PartyA": phone,
            "PartyB": self._party_b,
            "PhoneNumber": phone,
            "CallBackURL": callback_url,
            "AccountReference": account_reference,
            "TransactionDesc": description,
        }
        # Daraja's 5xx answers to a push ("system busy", "unable to lock subscriber") are
        # refusals: nothing reached the phone, so they are retried after a back-off.
        status, data = self._post("/mpesa/stkpush/v1/processrequest", body, idempotent=False,
                                  retry_5xx=True)
        if status == 200 and str(data.get("ResponseCode")) == "0":
            try:
                ack = StkAck(
                    merchant_request_id=str(data["MerchantRequestID"]),
                    checkout_request_id=str(data["CheckoutRequestID"]),
                    response_code=str(data["ResponseCode"]),
                    response_description=str(data.get("ResponseDescription", "")),
                    customer_message=str(data.get("CustomerMessage", "")),
                )
            except KeyError as exc:  # accepted, but we cannot tell which transaction it is
                raise DarajaUncertain("STK push accepted without its ids") from exc
            logger.info("STK push accepted for %s", mask(phone))
            return ack
        if status >= 500:
            raise DarajaUnavailable(f"STK push HTTP {status}: {data.get('errorCode')}")
        raise _rejection(data, "STK push refused")

    def stk_query(self, *, checkout_request_id: str) -> StkQueryResult:
        """Ask Daraja about an STK push; 'being processed' comes back as pending."""
        body = {**self._password_fields(), "CheckoutRequestID": checkout_request_id}
        status, data = self._post("/mpesa/stkpushquery/v1/query", body, idempotent=True)
        if data.get("errorCode") == PENDING_ERROR_CODE:
            return StkQueryResult(pending=True)
        if status == 200 and "ResultCode" in data:
            try:
                code = int(str(data["ResultCode"]))
            except ValueError as exc:
                raise DarajaRejected("bad-answer", "ResultCode is not a number") from exc
            return StkQueryResult(
                pending=False,
                result_code=code,
                result_desc=str(data.get("ResultDesc", ""))[:300],
                merchant_request_id=str(data.get("MerchantRequestID") or "") or None,
            )
        if "checkoutrequestid" in str(data.get("errorMessage", "")).lower():
            return StkQueryResult(pending=False, unknown=True)
        if status >= 500:
            raise DarajaUnavailable(f"STK query HTTP {status}: {data.get('errorCode')}")
        raise _rejection(data, "STK query refused")

    def statement(self, *, start: datetime, end: datetime) -> list[StatementEntry]:
        """Return the shortcode's payments between `start` and `end` (Pull Transactions).

        Daraja keeps about 48 hours of history and pages by row offset; the shortcode must
        have been registered for the API once (docs/payments.md).
        """
        entries: list[StatementEntry] = []
        for _page in range(50):
            body = {
                "ShortCode": self._shortcode,
                "StartDate": _statement_time(start),
                "EndDate": _statement_time(end),
                "OffSetValue": str(len(entries)),
            }
            status, data = self._post("/pulltransactions/v1/query", body, idempotent=True,
                                      retry_5xx=True)
            if status != 200 or str(data.get("ResponseCode", "")) not in ("1000", "0"):
                if status >= 500:
                    raise DarajaUnavailable(f"Pull Transactions HTTP {status}")
                raise _rejection(data, "Pull Transactions refused")
            page = parse_statement(data)
            entries.extend(page)
            if len(page) < 100:
                return entries
        return entries


def _statement_time(moment: datetime) -> str:
    return moment.astimezone(NAIROBI).strftime("%Y-%m-%d %H:%M:%S")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        if response.status_code >= 500:
            raise DarajaUnavailable(f"HTTP {response.status_code} without JSON")
        raise DarajaRejected(str(response.status_code), "response is not a JSON object")
    return data


def _has_daraja_error(response: httpx.Response) -> bool:
    """Tell whether a 5xx carries Daraja's own error body (an answer, not a lost request)."""
    try:
        data = response.json()
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "errorCode" in data


def _rejection(data: dict[str, Any], fallback: str) -> DarajaRejected:
    return DarajaRejected(
        str(data.get("errorCode", "unknown")), str(data.get("errorMessage", fallback))
    )
