"""A client for Safaricom's Daraja API (OAuth, STK push, STK query) over httpx.

The same code talks to the built-in simulator in development and to Safaricom's sandbox or
production: only the base URL and credentials change.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Protocol

import httpx

from privacy import mask

logger = logging.getLogger(__name__)

# Daraja timestamps are Kenyan local time; Kenya (EAT) has no daylight saving.
EAT = timezone(timedelta(hours=3), "EAT")
PENDING_ERROR_CODE = "500.001.1001"


class DarajaError(Exception):
    """Base of everything that can go wrong talking to Daraja."""


class DarajaUnavailable(DarajaError):
    """Daraja could not be reached or answered with a server error."""


class DarajaRejected(DarajaError):
    """Daraja refused the request (bad phone, amount, credentials...)."""

    def __init__(self, error_code: str, error_message: str) -> None:
        super().__init__(f"{error_code}: {error_message}")
        self.error_code = error_code
        self.error_message = error_message


@dataclass(frozen=True, slots=True)
class StkAck:
    """Daraja's synchronous answer to an STK push: accepted, not paid."""

    merchant_request_id: str
    checkout_request_id: str
    response_code: str
    response_description: str
    customer_message: str


@dataclass(frozen=True, slots=True)
class StkQueryResult:
    """Daraja's answer to an STK query; `pending` while the prompt is still on the phone."""

    pending: bool
    result_code: int | None = None
    result_desc: str | None = None


class StkGateway(Protocol):
    """What the payment service needs from M-Pesa."""

    def stk_push(
        self,
        *,
        amount: int,
        phone: str,
        account_reference: str,
        description: str,
        callback_url: str,
    ) -> StkAck:
        """Send the PIN prompt to `phone`."""
        ...

    def stk_query(self, *, checkout_request_id: str) -> StkQueryResult:
        """Ask for the outcome of an earlier push."""
        ...


def daraja_timestamp(moment: datetime) -> str:
    """Format a moment as Daraja's yyyyMMddHHmmss in Kenyan time."""
    return moment.astimezone(EAT).strftime("%Y%m%d%H%M%S")


def stk_password(shortcode: str, passkey: str, timestamp: str) -> str:
    """Return base64(shortcode + passkey + timestamp), Daraja's STK password."""
    return base64.b64encode(f"{shortcode}{passkey}{timestamp}".encode()).decode()


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
    ) -> None:
        self._base = base_url.rstrip("/")
        self._basic = base64.b64encode(f"{consumer_key}:{consumer_secret}".encode()).decode()
        self._shortcode, self._passkey = shortcode, passkey
        self._transaction_type = transaction_type
        self._http = http
        self._lock = threading.Lock()
        self._token: str | None = None
        self._token_expires = 0.0

    def _access_token(self, *, refresh: bool = False) -> str:
        with self._lock:
            if self._token and not refresh and time.monotonic() < self._token_expires:
                return self._token
            response = self._send(
                "GET",
                "/oauth/v1/generate",
                params={"grant_type": "client_credentials"},
                headers={"Authorization": f"Basic {self._basic}"},
            )
            data = self._json(response)
            if response.status_code != 200 or "access_token" not in data:
                raise _rejection(data, "OAuth refused")
            self._token = str(data["access_token"])
            lifetime = float(data.get("expires_in", 3599))
            self._token_expires = time.monotonic() + max(lifetime - 60, 0)
            return self._token

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, self._base + path, **kwargs)
        except httpx.HTTPError as exc:
            raise DarajaUnavailable(f"{method} {path}: {type(exc).__name__}") from exc

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            if response.status_code >= 500:
                raise DarajaUnavailable(f"HTTP {response.status_code} without JSON")
            raise DarajaRejected(str(response.status_code), "response is not a JSON object")
        return data

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST with the bearer token, refreshing it once if Daraja calls it invalid."""
        for attempt in range(2):
            token = self._access_token(refresh=attempt > 0)
            response = self._send(
                "POST", path, json=body, headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code == 401 and attempt == 0:
                continue
            return response.status_code, self._json(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _password_fields(self) -> dict[str, str]:
        timestamp = daraja_timestamp(datetime.now(UTC))
        return {
            "BusinessShortCode": self._shortcode,
            "Password": stk_password(self._shortcode, self._passkey, timestamp),
            "Timestamp": timestamp,
        }

    def stk_push(
        self,
        *,
        amount: int,
        phone: str,
        account_reference: str,
        description: str,
        callback_url: str,
    ) -> StkAck:
        """Send an STK push (M-Pesa Express) prompt for `amount` whole shillings."""
        body = {
            **self._password_fields(),
            "TransactionType": self._transaction_type,
            "Amount": amount,
            "PartyA": phone,
            "PartyB": self._shortcode,
            "PhoneNumber": phone,
            "CallBackURL": callback_url,
            "AccountReference": account_reference[:12],
            "TransactionDesc": description[:13],
        }
        status, data = self._post("/mpesa/stkpush/v1/processrequest", body)
        if status == 200 and str(data.get("ResponseCode")) == "0":
            logger.info("STK push accepted for %s", mask(phone))
            return StkAck(
                merchant_request_id=str(data["MerchantRequestID"]),
                checkout_request_id=str(data["CheckoutRequestID"]),
                response_code=str(data["ResponseCode"]),
                response_description=str(data.get("ResponseDescription", "")),
                customer_message=str(data.get("CustomerMessage", "")),
            )
        if status >= 500:
            raise DarajaUnavailable(f"STK push HTTP {status}: {data.get('errorCode')}")
        raise _rejection(data, "STK push refused")

    def stk_query(self, *, checkout_request_id: str) -> StkQueryResult:
        """Ask Daraja about an STK push; 'being processed' comes back as pending."""
        body = {**self._password_fields(), "CheckoutRequestID": checkout_request_id}
        status, data = self._post("/mpesa/stkpushquery/v1/query", body)
        if data.get("errorCode") == PENDING_ERROR_CODE:
            return StkQueryResult(pending=True)
        if status == 200 and "ResultCode" in data:
            return StkQueryResult(
                pending=False,
                result_code=int(str(data["ResultCode"])),
                result_desc=str(data.get("ResultDesc", "")),
            )
        if status >= 500:
            raise DarajaUnavailable(f"STK query HTTP {status}: {data.get('errorCode')}")
        raise _rejection(data, "STK query refused")


def _rejection(data: dict[str, Any], fallback: str) -> DarajaRejected:
    return DarajaRejected(
        str(data.get("errorCode", "unknown")), str(data.get("errorMessage", fallback))
    )
