"""Daraja's vocabulary: errors, answers, timestamps and passwords, for client and simulator."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from common.timezone import NAIROBI

# Daraja's STK query answers this while the prompt is still on the phone.
PENDING_ERROR_CODE = "500.001.1001"


class DarajaError(Exception):
    """Base of everything that can go wrong talking to Daraja."""


class DarajaUnavailable(DarajaError):
    """Daraja could not be reached, or answered that it could not act: nothing happened."""


class DarajaUncertain(DarajaError):
    """The request was sent but its answer was lost: Daraja may have acted on it."""


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
    """Daraja's answer to an STK query.

    `pending` while the prompt is still on the phone; `unknown` when Daraja does not know
    the CheckoutRequestID (never sent, or forgotten); otherwise a final ResultCode.
    """

    pending: bool
    result_code: int | None = None
    result_desc: str | None = None
    merchant_request_id: str | None = None
    unknown: bool = False

    @property
    def final(self) -> bool:
        """Tell whether this answer settles the payment."""
        return not self.pending and not self.unknown and self.result_code is not None


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One payment into the shortcode, as Pull Transactions lists it."""

    transaction_id: str
    occurred_at: datetime | None
    bill_reference: str
    amount: Decimal
    msisdn: str


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

    def statement(self, *, start: datetime, end: datetime) -> list[StatementEntry]:
        """List the payments received between two moments."""
        ...


def daraja_timestamp(moment: datetime) -> str:
    """Format a moment as Daraja's yyyyMMddHHmmss in Kenyan time (Daraja's own clock)."""
    return moment.astimezone(NAIROBI).strftime("%Y%m%d%H%M%S")


def stk_password(shortcode: str, passkey: str, timestamp: str) -> str:
    """Return base64(shortcode + passkey + timestamp), Daraja's STK password."""
    return base64.b64encode(f"{shortcode}{passkey}{timestamp}".encode()).decode()


def parse_statement(data: dict[str, Any]) -> list[StatementEntry]:
    """Read Pull Transactions' `Response` (a list, or a list of lists) without trusting it."""
    raw = data.get("Response")
    rows: list[Any] = []
    if isinstance(raw, list):
        for item in raw:
            rows.extend(item if isinstance(item, list) else [item])
    entries = []
    for row in rows:
        if not isinstance(row, dict) or not row.get("transactionId"):
            continue
        try:
            amount = Decimal(str(row.get("amount", "")))
        except InvalidOperation:
            continue
        entries.append(
            StatementEntry(
                transaction_id=str(row["transactionId"])[:20],
                occurred_at=_statement_date(row.get("trxDate")),
                bill_reference=str(row.get("billreference") or "")[:40],
                amount=amount,
                msisdn=str(row.get("msisdn") or ""),
            )
        )
    return entries


def _statement_date(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=NAIROBI)
