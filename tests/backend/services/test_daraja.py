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
    DarajaUncertain,
    daraja_timestamp,
    stk_password,
)

PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"
ACK = {"MerchantRequestID": "29115-34620561-1", "CheckoutRequestID": "ws_CO_191220191020363925",
       "ResponseCode": "0", "ResponseDescription": "Success. Request accepted for processing",
       "CustomerMessage": "Success. Request accepted for processing"}


Answer = tuple[int, dict[str, Any] | None] | type[httpx.HTTPError]


class FakeDaraja:
    """Records requests and answers like Daraja; an exception class in the script is raised."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.tokens_issued = 0
        self.push_answers: list[Answer] = []
        self.query_answers: list[Answer] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/v1/generate":
            self.tokens_issued += 1
            return httpx.Response(200, json={"access_token": f"tok{self.tokens_issued}",
                                             "expires_in": "3599"})
        answers = (self.push_answers if request.url.path.endswith("processrequest")
                   else self.query_answers)
        answer = answers.pop(0) if answers else (200, ACK)
        if isinstance(answer, type):
            raise answer("scripted", request=request)
        status, body = answer
        return httpx.Response(status, json=body) if body is not None else httpx.Response(
            status, text="<html>Bad gateway</html>")

    def calls(self, suffix: str) -> int:
        return sum(1 for r in self.requests if r.url.path.endswith(suffix))


def _client(fake: FakeDaraja) -> DarajaClient:
    return DarajaClient(base_url="https://sandbox.safaricom.co.ke/", consumer_key="key",
                        consumer_secret="secret", shortcode="174379", passkey=PASSKEY,
                        transaction_type="CustomerPayBillOnline", sleep=lambda _: None,
                        http=httpx.Client(transport=httpx.MockTransport(fake)))


def _push(client: DarajaClient) -> object:
    return client.stk_push(amount=1050, phone="254708374149", account_reference="KQT83XZ",
                           description="eCitizen bill", callback_url="https://x/cb/abc")


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
        "PhoneNumber": "254708374149", "CallBackURL": "https://x/cb/abc",
        "AccountReference": "KQT83XZ"}
    assert len(body["TransactionDesc"]) <= 13
    assert ack.checkout_request_id == "ws_CO_191220191020363925"  # type: ignore[attr-defined]


def test_daraja_token_is_cached_between_calls() -> None:
    fake = FakeDaraja()
    client = _client(fake)
    _push(client)
    _push(client)
    assert fake.tokens_issued == 1


@pytest.mark.parametrize("status", [401, 404, 400])
def test_daraja_invalid_token_is_renewed_whatever_the_status(status: int) -> None:
    # Daraja reports an invalid token as 404.001.03, seen with HTTP 404, not only 401.
    fake = FakeDaraja()
    fake.push_answers = [(status, {"errorCode": "404.001.03",
                                   "errorMessage": "Invalid Access Token"})]
    _push(_client(fake))
    assert fake.tokens_issued == 2
    assert fake.requests[-1].headers["authorization"] == "Bearer tok2"


def test_daraja_token_renewed_once_then_refusal_is_reported() -> None:
    fake = FakeDaraja()
    invalid = (404, {"errorCode": "404.001.03", "errorMessage": "Invalid Access Token"})
    fake.push_answers = [invalid, invalid]
    with pytest.raises(DarajaRejected):
        _push(_client(fake))
    assert fake.tokens_issued == 2


def test_daraja_bad_request_is_rejected() -> None:
    fake = FakeDaraja()
    fake.push_answers = [(400, {"requestId": "1", "errorCode": "400.002.02",
                                "errorMessage": "Bad Request - Invalid PhoneNumber"})]
    with pytest.raises(DarajaRejected) as caught:
        _push(_client(fake))
    assert caught.value.error_code == "400.002.02"


BUSY = (500, {"requestId": "1", "errorCode": "500.001.1001",
              "errorMessage": "Unable to lock subscriber, a transaction is already in process"})


def test_daraja_push_refused_by_busy_daraja_is_retried_then_unavailable() -> None:
    fake = FakeDaraja()
    fake.push_answers = [BUSY, BUSY, BUSY]
    with pytest.raises(DarajaUnavailable):
        _push(_client(fake))
    assert fake.calls("processrequest") == 3  # Daraja's own refusal: nothing reached the phone


def test_daraja_push_retried_after_a_refusal_succeeds() -> None:
    fake = FakeDaraja()
    fake.push_answers = [BUSY, (429, {"errorCode": "429.001.01", "errorMessage": "TPS"})]
    ack = _push(_client(fake))
    assert ack.checkout_request_id == ACK["CheckoutRequestID"]  # type: ignore[attr-defined]
    assert fake.calls("processrequest") == 3


@pytest.mark.parametrize("lost", [httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError,
                                  (502, None), (504, None)])
def test_daraja_push_with_a_lost_answer_is_uncertain_and_never_resent(lost: Answer) -> None:
    fake = FakeDaraja()
    fake.push_answers = [lost]
    with pytest.raises(DarajaUncertain):
        _push(_client(fake))
    assert fake.calls("processrequest") == 1


def test_daraja_push_that_never_left_is_retried_then_unavailable() -> None:
    fake = FakeDaraja()
    fake.push_answers = [httpx.ConnectError, httpx.ConnectTimeout, httpx.ConnectError]
    with pytest.raises(DarajaUnavailable):
        _push(_client(fake))
    assert fake.calls("processrequest") == 3


def test_daraja_push_that_never_left_once_then_succeeds() -> None:
    fake = FakeDaraja()
    fake.push_answers = [httpx.ConnectError]
    _push(_client(fake))
    assert fake.calls("processrequest") == 2


@pytest.mark.parametrize("lost", [httpx.ReadTimeout, (503, None)])
def test_daraja_query_is_retried_after_a_lost_answer(lost: Answer) -> None:
    fake = FakeDaraja()
    fake.query_answers = [lost, (200, {"ResponseCode": "0", "ResultCode": "0",
                                       "ResultDesc": "ok", "MerchantRequestID": "m"})]
    result = _client(fake).stk_query(checkout_request_id="c")
    assert (result.final, result.result_code, result.merchant_request_id) == (True, 0, "m")
    assert fake.calls("query") == 2


def test_daraja_query_of_an_unknown_checkout_says_unknown() -> None:
    fake = FakeDaraja()
    fake.query_answers = [(400, {"requestId": "1", "errorCode": "400.002.02",
                                 "errorMessage": "Bad Request - Invalid CheckoutRequestID"})]
    result = _client(fake).stk_query(checkout_request_id="ws_CO_forgotten")
    assert (result.unknown, result.final, result.pending) == (True, False, False)


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


def test_daraja_statement_pages_and_parses_pull_transactions() -> None:
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    def row(n: int) -> dict[str, Any]:
        return {"transactionId": f"TX{n:08d}", "trxDate": "2026-12-06T10:13:00Z",
                "msisdn": 254708374149, "billreference": "KQT83XZ", "amount": "1050.0"}

    pages = [[row(n) for n in range(100)], [row(100)]]
    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/v1/generate":
            return httpx.Response(200, json={"access_token": "t", "expires_in": "3599"})
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={"ResponseCode": "1000", "Response": [pages.pop(0)]})

    client = DarajaClient(base_url="https://x", consumer_key="k", consumer_secret="s",
                          shortcode="174379", passkey=PASSKEY,
                          transaction_type="CustomerPayBillOnline",
                          http=httpx.Client(transport=httpx.MockTransport(answer)))
    end = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    entries = client.statement(start=end - timedelta(minutes=5), end=end)
    assert len(entries) == 101
    assert entries[0].amount == Decimal("1050.0") and entries[0].bill_reference == "KQT83XZ"
    assert entries[0].occurred_at == datetime(2026, 12, 6, 10, 13, tzinfo=UTC)
    assert [s["OffSetValue"] for s in seen] == ["0", "100"]
    assert seen[0]["StartDate"] == "2026-12-06 11:55:00"  # Kenyan time, as Daraja expects
    assert seen[0]["ShortCode"] == "174379"
