"""The simulator's statement: money received by the shortcode, answered like Pull Transactions."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from common.timezone import NAIROBI

PAGE_SIZE = 100
_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One payment received."""

    transaction_id: str
    at: datetime
    bill_reference: str
    amount: int
    msisdn: str


class Ledger:
    """Every successful payment, kept even when the STK query has forgotten the transaction."""

    def __init__(self, shortcode: str) -> None:
        self._shortcode = shortcode
        self._rows: list[LedgerRow] = []

    def record(self, transaction_id: str, bill_reference: str, amount: int, msisdn: str) -> None:
        """Add a payment received now."""
        self._rows.append(LedgerRow(transaction_id, datetime.now(UTC), bill_reference, amount,
                                    msisdn))

    def clear(self) -> None:
        """Forget everything (between tests)."""
        self._rows.clear()

    def rows(self) -> list[dict[str, Any]]:
        """Return the rows as JSON-friendly data, oldest first."""
        return [{**asdict(r), "at": r.at.isoformat()} for r in self._rows]

    def page(self, body: dict[str, Any]) -> dict[str, Any] | str:
        """Answer a Pull Transactions query, or name the field that is wrong."""
        if str(body.get("ShortCode")) != self._shortcode:
            return "ShortCode"
        try:
            start = datetime.strptime(str(body.get("StartDate")), _FORMAT).replace(tzinfo=NAIROBI)
            end = datetime.strptime(str(body.get("EndDate")), _FORMAT).replace(tzinfo=NAIROBI)
        except ValueError:
            return "StartDate" if "StartDate" not in body else "EndDate"
        offset = str(body.get("OffSetValue", "0"))
        if not offset.isdigit():
            return "OffSetValue"
        # The statement is kept to the second, as StartDate and EndDate are.
        chosen = [r for r in self._rows if start <= r.at.replace(microsecond=0) <= end]
        page = chosen[int(offset): int(offset) + PAGE_SIZE]
        return {
            "ResponseRefID": f"{secrets.randbelow(90000) + 10000}-{secrets.randbelow(10**8)}-1",
            "ResponseCode": "1000",
            "ResponseMessage": "Success",
            "Response": [[
                {
                    "transactionId": r.transaction_id,
                    "trxDate": r.at.astimezone(NAIROBI).strftime("%Y-%m-%dT%H:%M:%S") + "+03:00",
                    "msisdn": int(r.msisdn),
                    "sender": "M-PESA",
                    "transactiontype": "c2b-pay-bill-debit",
                    "billreference": r.bill_reference,
                    "amount": f"{r.amount}.0",
                    "organizationname": "Msaidizi simulator",
                }
                for r in page
            ]],
        }
