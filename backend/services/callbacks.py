"""Parse Daraja's STK callback JSON without trusting its shape."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class StkCallback:
    """The parts of an STK callback we use; metadata items are keyed by Name."""

    merchant_request_id: str
    checkout_request_id: str
    result_code: int
    result_desc: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def receipt_number(self) -> str | None:
        """Return the M-Pesa receipt number of a successful payment."""
        value = self.metadata.get("MpesaReceiptNumber")
        return str(value) if value else None

    @property
    def amount(self) -> int | None:
        """Return the amount paid, in whole shillings."""
        value = self.metadata.get("Amount")
        try:
            return int(float(value)) if value is not None else None
        except (TypeError, ValueError):
            return None


def parse_stk_callback(body: Any) -> StkCallback | None:
    """Return the callback, or None when the body is not an STK callback.

    Items are read by Name, never by position, and an item without a Value (Daraja sends
    `{"Name": "Balance"}`) is kept as None.
    """
    try:
        callback = body["Body"]["stkCallback"]
        checkout = callback["CheckoutRequestID"]
        code = int(str(callback["ResultCode"]))
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(checkout, str) or not checkout:
        return None
    metadata: dict[str, Any] = {}
    raw_metadata = callback.get("CallbackMetadata")
    items = raw_metadata.get("Item") if isinstance(raw_metadata, dict) else None
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("Name"), str):
                metadata[item["Name"]] = item.get("Value")
    return StkCallback(
        merchant_request_id=str(callback.get("MerchantRequestID", "")),
        checkout_request_id=checkout,
        result_code=code,
        result_desc=str(callback.get("ResultDesc", ""))[:300],
        metadata=metadata,
    )


def parse_stk_callback_text(raw: str | bytes) -> StkCallback | None:
    """Parse a callback from its raw JSON text; None when it is not valid JSON or not a callback."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return None
    return parse_stk_callback(body)
