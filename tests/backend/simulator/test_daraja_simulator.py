"""The built-in Daraja simulator speaks the same protocol the client expects."""

from __future__ import annotations

import asyncio
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
        assert response.status_code == 401
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
        await asyncio.sleep(0.2)
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
