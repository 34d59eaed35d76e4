"""The built-in Daraja simulator speaks the same protocol the client expects."""

from __future__ import annotations

import base64

import httpx
import pytest

from backend.config import BackendSettings
from backend.services.daraja import daraja_timestamp, stk_password
from backend.simulator.daraja import DEFAULT_OUTCOMES, DarajaSimulator

SETTINGS = BackendSettings(simulator_delay_seconds=0.05, public_url="http://127.0.0.1:9")
BASIC = "Basic " + base64.b64encode(b"dev-consumer-key:dev-consumer-secret").decode()


@pytest.fixture
async def sim() -> DarajaSimulator:
    simulator = DarajaSimulator(SETTINGS)
    yield simulator
    await simulator.aclose()


def _api(sim: DarajaSimulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url="http://sim")


async def _token(api: httpx.AsyncClient) -> str:
    response = await api.get("/oauth/v1/generate", params={"grant_type": "client_credentials"},
                             headers={"Authorization": BASIC})
    assert response.status_code == 200
    assert response.json()["expires_in"] == "3599"
    return str(response.json()["access_token"])


def _push_body(phone: str = "254712345678") -> dict[str, object]:
    from datetime import UTC, datetime

    ts = daraja_timestamp(datetime.now(UTC))
    return {"BusinessShortCode": "174379",
            "Password": stk_password("174379", SETTINGS.mpesa_passkey.get_secret_value(), ts),
            "Timestamp": ts, "TransactionType": "CustomerPayBillOnline", "Amount": 1050,
            "PartyA": phone, "PartyB": "174379", "PhoneNumber": phone,
            "CallBackURL": "http://127.0.0.1:9/cb", "AccountReference": "KQT83XZ",
            "TransactionDesc": "Bill KQT83XZ"}


async def test_simulator_wrong_credentials_refused(sim: DarajaSimulator) -> None:
    async with _api(sim) as api:
        response = await api.get("/oauth/v1/generate",
                                  params={"grant_type": "client_credentials"},
                                  headers={"Authorization": "Basic bm86cGU="})
    assert response.status_code == 400
    assert response.json()["errorCode"] == "400.008.01"


async def test_simulator_push_needs_bearer_and_password(sim: DarajaSimulator) -> None:
    async with _api(sim) as api:
        response = await api.post("/mpesa/stkpush/v1/processrequest", json=_push_body())
        assert response.status_code == 404  # as Daraja: an invalid token is a 404.001.03
        assert response.json()["errorCode"] == "404.001.03"
        headers = {"Authorization": f"Bearer {await _token(api)}"}
        bad = {**_push_body(), "Password": "wrong"}
        response = await api.post("/mpesa/stkpush/v1/processrequest", json=bad, headers=headers)
        assert response.status_code == 400
        assert response.json()["errorMessage"] == "Bad Request - Invalid Password"
        bad_phone = _push_body("0712345678")
        response = await api.post("/mpesa/stkpush/v1/processrequest", json=bad_phone,
                                  headers=headers)
        assert response.json()["errorMessage"] == "Bad Request - Invalid PhoneNumber"


async def test_simulator_query_pending_then_outcome(sim: DarajaSimulator) -> None:
    sim.delay = 3600  # pending until the citizen answers (below), however slow this machine is
    async with _api(sim) as api:
        headers = {"Authorization": f"Bearer {await _token(api)}"}
        ack = (await api.post("/mpesa/stkpush/v1/processrequest",
                              json=_push_body("254711001037"), headers=headers)).json()
        assert ack["ResponseCode"] == "0"
        assert ack["CheckoutRequestID"].startswith("ws_CO_")
        query = {k: v for k, v in _push_body().items()
                 if k in {"BusinessShortCode", "Password", "Timestamp"}}
        query["CheckoutRequestID"] = ack["CheckoutRequestID"]
        pending = await api.post("/mpesa/stkpushquery/v1/query", json=query, headers=headers)
        assert pending.status_code == 500
        assert pending.json()["errorCode"] == "500.001.1001"
        assert pending.json()["errorMessage"] == "The transaction is being processed"
        await sim.answer(ack["CheckoutRequestID"])
        done = await api.post("/mpesa/stkpushquery/v1/query", json=query, headers=headers)
        assert done.status_code == 200
        assert done.json()["ResultCode"] == "1037"


async def test_simulator_outcome_table_and_overrides(sim: DarajaSimulator) -> None:
    assert sim.outcome_for("254712345678").result_code == 0
    assert {DEFAULT_OUTCOMES[p].result_code for p in DEFAULT_OUTCOMES} >= {0, 1, 1032, 1037, 2001}
    async with _api(sim) as api:
        await api.post("/outcomes", json={"phone": "+254 712 345 678", "result_code": 2001})
        listed = (await api.get("/outcomes")).json()
        assert listed["overrides"]["254712345678"]["result_code"] == 2001
        await api.delete("/outcomes")
    assert sim.outcome_for("254712345678").result_code == 0


def test_simulator_callback_body_is_daraja_shaped() -> None:
    from backend.simulator.daraja import Outcome, SimTransaction

    tx = SimTransaction("m-1", "ws_CO_1", "254712345678", 1050, "KQT83XZ", "http://x", Outcome(0),
                        "now", completed=True, receipt="TAB1CD2EF3")
    body = DarajaSimulator.callback_body(tx)["Body"]["stkCallback"]
    names = [i["Name"] for i in body["CallbackMetadata"]["Item"]]
    assert names == ["Amount", "MpesaReceiptNumber", "Balance", "TransactionDate", "PhoneNumber"]
    assert "Value" not in body["CallbackMetadata"]["Item"][2]
    failed = DarajaSimulator.callback_body(SimTransaction(
        "m", "c", "254711001032", 1, "A", "http://x", Outcome(1032), "now"))["Body"]["stkCallback"]
    assert failed["ResultCode"] == 1032 and "CallbackMetadata" not in failed


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("AccountReference", "ACCOUNT-REF-13"),  # over 12 characters
        ("AccountReference", "ABC 12"),  # not alphanumeric
        ("AccountReference", ""),
        ("TransactionDesc", "Bill KQT83XZ long"),  # over 13 characters
        ("TransactionDesc", ""),
        ("TransactionType", "CustomerPayBill"),
        ("PartyB", "600000"),  # not our shortcode
        ("BusinessShortCode", "600000"),
        ("Amount", 0),
        ("Amount", 10.5),
        ("Amount", True),
        ("PhoneNumber", "254812345678"),
        ("PartyA", "254700000001"),  # another phone than the one prompted
        ("CallBackURL", "not a url"),
        ("Timestamp", "2025-01-01"),
    ],
)
async def test_simulator_refuses_what_daraja_refuses(
    sim: DarajaSimulator, field: str, value: object
) -> None:
    async with _api(sim) as api:
        headers = {"Authorization": f"Bearer {await _token(api)}"}
        body = {**_push_body(), field: value}
        response = await api.post("/mpesa/stkpush/v1/processrequest", json=body, headers=headers)
    assert response.status_code == 400, (field, value)
    assert response.json()["errorMessage"] == f"Bad Request - Invalid {field}"
    assert sim.transactions == {}


async def test_simulator_missing_field_is_named(sim: DarajaSimulator) -> None:
    async with _api(sim) as api:
        headers = {"Authorization": f"Bearer {await _token(api)}"}
        body = {k: v for k, v in _push_body().items() if k != "TransactionDesc"}
        response = await api.post("/mpesa/stkpush/v1/processrequest", json=body, headers=headers)
    assert response.json()["errorMessage"] == "Bad Request - Invalid TransactionDesc"


async def test_simulator_requires_https_callback_when_told(sim: DarajaSimulator) -> None:
    sim.require_https = True
    async with _api(sim) as api:
        headers = {"Authorization": f"Bearer {await _token(api)}"}
        http_cb = await api.post("/mpesa/stkpush/v1/processrequest", json=_push_body(),
                                 headers=headers)
        https_cb = await api.post("/mpesa/stkpush/v1/processrequest",
                                  json={**_push_body(), "CallBackURL": "https://x.go.ke/cb"},
                                  headers=headers)
    assert http_cb.json()["errorMessage"] == "Bad Request - Invalid CallBackURL"
    assert https_cb.json()["ResponseCode"] == "0"


async def test_simulator_expired_tokens_are_refused(sim: DarajaSimulator) -> None:
    async with _api(sim) as api:
        headers = {"Authorization": f"Bearer {await _token(api)}"}
        await api.delete("/tokens")
        response = await api.post("/mpesa/stkpush/v1/processrequest", json=_push_body(),
                                  headers=headers)
    assert (response.status_code, response.json()["errorCode"]) == (404, "404.001.03")


async def test_simulator_forgets_transactions_but_keeps_the_statement(
    sim: DarajaSimulator,
) -> None:
    async with _api(sim) as api:
        await api.post("/faults", json={"forget": True, "drop_rate": 1})
        headers = {"Authorization": f"Bearer {await _token(api)}"}
        ack = (await api.post("/mpesa/stkpush/v1/processrequest", json=_push_body(),
                              headers=headers)).json()
        await sim.answer(ack["CheckoutRequestID"])  # decided (and forgotten) when this returns
        query = {k: v for k, v in _push_body().items()
                 if k in {"BusinessShortCode", "Password", "Timestamp"}}
        forgotten = await api.post("/mpesa/stkpushquery/v1/query", headers=headers,
                                   json={**query, "CheckoutRequestID": ack["CheckoutRequestID"]})
        from datetime import UTC, datetime, timedelta

        from common.timezone import NAIROBI

        now = datetime.now(UTC).astimezone(NAIROBI)
        statement = await api.post("/pulltransactions/v1/query", headers=headers, json={
            "ShortCode": "174379",
            "StartDate": (now - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
            "EndDate": (now + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
            "OffSetValue": "0"})
    assert forgotten.json()["errorMessage"] == "Bad Request - Invalid CheckoutRequestID"
    [row] = statement.json()["Response"][0]
    assert (row["billreference"], row["amount"], row["msisdn"]) == ("KQT83XZ", "1050.0",
                                                                     254712345678)
    assert len(row["transactionId"]) == 10


def test_simulator_fault_plan_drops_repeats_and_delays() -> None:
    from backend.simulator.faults import Faults, FaultsIn

    faults = Faults()
    faults.update(FaultsIn(seed=7, drop_rate=0.5, duplicates=2, extra_delay=(0.0, 1.0)))
    plans = [faults.plan() for _ in range(200)]
    dropped = sum(1 for plan in plans if not plan)
    assert 60 < dropped < 140
    assert all(len(plan) == 3 and plan == sorted(plan) for plan in plans if plan)
    assert all(0.0 <= d <= 1.0 for plan in plans for d in plan)
