"""DarajaClient against httpx.MockTransport: the exact Daraja wire protocol."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from backend.services.daraja import (
    DarajaClient,
    DarajaRejected,
    DarajaUnavailable,
    daraja_timestamp,
    stk_password,
)

PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"
ACK = {"MerchantRequestID": "29115-34620561-1", "CheckoutRequestID": "ws_CO_191220191020363925",
       "ResponseCode": "0", "ResponseDescription": "Success. Request accepted for processing",
       "CustomerMessage": "Success. Request accepted for processing"}


class FakeDaraja:
    """Records requests and answers like Daraja."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.tokens_issued = 0
        self.push_answers: list[tuple[int, dict[str, Any]]] = []
        self.query_answers: list[tuple[int, dict[str, Any]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/v1/generate":
            self.tokens_issued += 1
            return httpx.Response(200, json={"access_token": f"tok{self.tokens_issued}",
                                             "expires_in": "3599"})
        answers = (self.push_answers if request.url.path.endswith("processrequest")
                   else self.query_answers)
        status, body = answers.pop(0) if answers else (200, ACK)
        return httpx.Response(status, json=body)


def _client(fake: FakeDaraja) -> DarajaClient:
    return DarajaClient(base_url="https://sandbox.safaricom.co.ke/", consumer_key="key",
                        consumer_secret="secret", shortcode="174379", passkey=PASSKEY,
                        transaction_type="CustomerPayBillOnline",
                        http=httpx.Client(transport=httpx.MockTransport(fake)))


def _push(client: DarajaClient) -> object:
    return client.stk_push(amount=1050, phone="254708374149", account_reference="KQT83XZ",
                           description="Bill KQT83XZ long text", callback_url="https://x/cb")


def test_daraja_stk_push_speaks_the_protocol() -> None:
    fake = FakeDaraja()
    ack = _push(_client(fake))
    oauth, push = fake.requests
    assert oauth.method == "GET"
    assert oauth.url.params["grant_type"] == "client_credentials"
    assert oauth.headers["authorization"] == "Basic " + base64.b64encode(b"key:secret").decode()
    assert push.url.path == "/mpesa/stkpush/v1/processrequest"
    assert push.headers["authorization"] == "Bearer tok1"
    body = json.loads(push.content)
    assert body["Password"] == stk_password("174379", PASSKEY, body["Timestamp"])
    assert base64.b64decode(body["Password"]).decode() == f"174379{PASSKEY}{body['Timestamp']}"
    assert len(body["Timestamp"]) == 14 and body["Timestamp"].isdigit()
    assert {k: body[k] for k in ("BusinessShortCode", "TransactionType", "Amount", "PartyA",
                                 "PartyB", "PhoneNumber", "CallBackURL", "AccountReference")} == {
        "BusinessShortCode": "174379", "TransactionType": "CustomerPayBillOnline",
        "Amount": 1050, "PartyA": "254708374149", "PartyB": "174379",
        "PhoneNumber": "254708374149", "CallBackURL": "https://x/cb",
        "AccountReference": "KQT83XZ"}
    assert len(body["TransactionDesc"]) <= 13
    assert ack.checkout_request_id == "ws_CO_191220191020363925"  # type: ignore[attr-defined]


def test_daraja_token_is_cached_between_calls() -> None:
    fake = FakeDaraja()
    client = _client(fake)
    _push(client)
    _push(client)
    assert fake.tokens_issued == 1


def test_daraja_invalid_token_is_refreshed_once() -> None:
    fake = FakeDaraja()
    fake.push_answers = [(401, {"errorCode": "404.001.03", "errorMessage": "Invalid Access Token"})]
    _push(_client(fake))
    assert fake.tokens_issued == 2


def test_daraja_bad_request_is_rejected() -> None:
    fake = FakeDaraja()
    fake.push_answers = [(400, {"requestId": "1", "errorCode": "400.002.02",
                                "errorMessage": "Bad Request - Invalid PhoneNumber"})]
    with pytest.raises(DarajaRejected) as caught:
        _push(_client(fake))
    assert caught.value.error_code == "400.002.02"


def test_daraja_server_error_is_unavailable() -> None:
    fake = FakeDaraja()
    fake.push_answers = [(503, {"errorCode": "503.001.01", "errorMessage": "down"})]
    with pytest.raises(DarajaUnavailable):
        _push(_client(fake))


def test_daraja_network_error_is_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = DarajaClient(base_url="https://x", consumer_key="k", consumer_secret="s",
                          shortcode="174379", passkey=PASSKEY,
                          transaction_type="CustomerPayBillOnline",
                          http=httpx.Client(transport=httpx.MockTransport(refuse)))
    with pytest.raises(DarajaUnavailable):
        _push(client)


def test_daraja_query_pending_then_result() -> None:
    fake = FakeDaraja()
    fake.query_answers = [
        (500, {"requestId": "1", "errorCode": "500.001.1001",
               "errorMessage": "The transaction is being processed"}),
        (200, {"ResponseCode": "0", "MerchantRequestID": "m", "CheckoutRequestID": "c",
               "ResultCode": "1032", "ResultDesc": "Request cancelled by user"}),
    ]
    client = _client(fake)
    assert client.stk_query(checkout_request_id="c").pending is True
    done = client.stk_query(checkout_request_id="c")
    assert (done.pending, done.result_code) == (False, 1032)
    body = json.loads(fake.requests[-1].content)
    assert body["CheckoutRequestID"] == "c" and "Password" in body


def test_daraja_timestamp_is_kenyan_time() -> None:
    from datetime import UTC, datetime

    assert daraja_timestamp(datetime(2025, 1, 1, 9, 0, tzinfo=UTC)) == "20250101120000"
