"""What Daraja refuses in an STK push, written from Safaricom's documentation, not from our client.

The simulator checks requests with these rules so that tests catch a client that builds a
request Daraja would refuse. They are kept apart from the client on purpose: a client that
shared them could never be caught by them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

TRANSACTION_TYPES = frozenset({"CustomerPayBillOnline", "CustomerBuyGoodsOnline"})
REQUIRED = (
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
_MSISDN = re.compile(r"^254(7|1)\d{8}$")  # 12 digits, Safaricom's 07xx and 01xx ranges
_TIMESTAMP = re.compile(r"^\d{14}$")
_ACCOUNT_REFERENCE = re.compile(r"^[A-Za-z0-9]{1,12}$")  # alphanumeric, at most 12
MAX_DESCRIPTION = 13


def invalid_push_field(
    body: dict[str, Any], *, shortcode: str, till: str | None, require_https: bool
) -> str | None:
    """Return the first field Daraja would refuse in `body`, or None when it is acceptable.

    Args:
        body: the decoded JSON of the push.
        shortcode: the BusinessShortCode the credentials belong to.
        till: the till number a CustomerBuyGoodsOnline push pays (PartyB), if any.
        require_https: refuse a CallBackURL that is not https (Daraja's production).
    """
    missing = [name for name in REQUIRED if name not in body]
    if missing:
        return missing[0]
    if str(body["BusinessShortCode"]) != shortcode:
        return "BusinessShortCode"
    if not _TIMESTAMP.match(str(body["Timestamp"])):
        return "Timestamp"
    kind = body["TransactionType"]
    if kind not in TRANSACTION_TYPES:
        return "TransactionType"
    expected_party_b = (till or shortcode) if kind == "CustomerBuyGoodsOnline" else shortcode
    if str(body["PartyB"]) != expected_party_b:
        return "PartyB"
    amount = body["Amount"]
    if isinstance(amount, bool) or not isinstance(amount, int | str) or not str(amount).isdigit():
        return "Amount"
    if int(amount) < 1:
        return "Amount"
    phone = str(body["PhoneNumber"])
    if not _MSISDN.match(phone):
        return "PhoneNumber"
    if str(body["PartyA"]) != phone:
        return "PartyA"
    callback = urlsplit(str(body["CallBackURL"]))
    allowed = ("https",) if require_https else ("http", "https")
    if callback.scheme not in allowed or not callback.hostname:
        return "CallBackURL"
    if not isinstance(body["AccountReference"], str) or not _ACCOUNT_REFERENCE.match(
        body["AccountReference"]
    ):
        return "AccountReference"
    description = body["TransactionDesc"]
    if not isinstance(description, str) or not 1 <= len(description) <= MAX_DESCRIPTION:
        return "TransactionDesc"
    return None
