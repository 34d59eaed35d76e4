"""One-time-code sign-in through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from backend.container import Container
from backend.core.domain import Language
from backend.models import CitizenToken, OtpChallenge
from tests.backend.conftest import asgi_client
from tests.backend.helpers import (
    Backend,
    assert_problem,
    issue_token,
    latest_code,
    make_citizen,
    sign_in,
    wait_until,
)

REQUEST = "/api/v1/auth/otp/request"
VERIFY = "/api/v1/auth/otp/verify"


def _request(client: httpx.Client, identifier: str, chat: str = "telegram:1") -> httpx.Response:
    return client.post(REQUEST, json={"identifier": identifier, "chat_identity": chat})


def _verify(client: httpx.Client, identifier: str, code: str, chat: str = "telegram:1"
            ) -> httpx.Response:
    return client.post(VERIFY, json={"identifier": identifier, "code": code, "chat_identity": chat})


def test_otp_request_known_and_unknown_identifier_answer_identically(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    known = _request(client, citizen.id_number)
    unknown = _request(client, "87654321")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert known.json()["status"] == "accepted"
    assert set(known.headers) - {"date"} == set(unknown.headers) - {"date"}


def test_otp_request_sends_code_by_sms_in_preferred_language(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container, language=Language.SW)
    assert _request(client, "0" + citizen.phone[3:]).status_code == 202
    latest_code(client, citizen.phone)
    message = client.get("/dev/outbox", params={"to": citizen.phone}).json()[0]
    assert message["channel"] == "sms"
    assert message["text"].startswith("Msimbo wako")
    assert set(message) == {"to", "channel", "text", "created_at"}


def test_otp_request_email_channel_uses_email_on_file(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container, email="test.person@example.com")
    client.post(REQUEST, json={"identifier": citizen.id_number, "chat_identity": "telegram:1",
                               "channel": "email"})
    code = latest_code(client, "test.person@example.com")
    assert _verify(client, citizen.id_number, code).status_code == 200


def test_otp_code_is_stored_hashed(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    _request(client, citizen.id_number)
    code = latest_code(client, citizen.phone)
    with container.session_factory() as session:
        stored = session.scalars(select(OtpChallenge.code_hash)).all()
    assert stored and all(code not in value and len(value) == 64 for value in stored)


def test_otp_verify_returns_token_bound_to_chat(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container, language=Language.SW, first_name="Wanjiru")
    _request(client, "+" + citizen.phone)
    code = latest_code(client, citizen.phone)
    response = _verify(client, citizen.phone, code)
    assert response.status_code == 200
    body = response.json()
    assert body["citizen"] == {"id": citizen.id, "first_name": "Wanjiru",
                               "preferred_language": "sw"}
    assert body["scopes"] == ["citizen:pay", "citizen:read", "citizen:report"]
    assert body["token_type"] == "bearer"
    assert body["chat_identity"] == "telegram:1"
    with container.session_factory() as session:
        token = session.scalars(select(CitizenToken)).one()
    assert token.token_hash != body["token"]
    assert token.expires_at - token.created_at == timedelta(days=30)


def test_otp_verify_reused_code_fails(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    _request(client, citizen.id_number)
    code = latest_code(client, citizen.phone)
    assert _verify(client, citizen.id_number, code).status_code == 200
    assert_problem(_verify(client, citizen.id_number, code), 400, "otp-invalid")


def test_otp_verify_expired_code_fails(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    _request(client, citizen.id_number)
    code = latest_code(client, citizen.phone)
    container.clock.advance(timedelta(minutes=5, seconds=1))
    assert_problem(_verify(client, citizen.id_number, code), 400, "otp-invalid")


def test_otp_verify_code_from_other_chat_fails(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    _request(client, citizen.id_number, chat="telegram:1")
    code = latest_code(client, citizen.phone)
    assert_problem(_verify(client, citizen.id_number, code, chat="webchat:evil"), 400,
                   "otp-invalid")


def test_otp_verify_older_code_is_replaced_by_newer(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    _request(client, citizen.id_number)
    first = latest_code(client, citizen.phone)
    container.clock.advance(timedelta(seconds=61))
    _request(client, citizen.id_number)
    second = wait_for_new_code(client, citizen.phone, first)
    if first != second:
        assert_problem(_verify(client, citizen.id_number, first), 400, "otp-invalid")
    assert _verify(client, citizen.id_number, second).status_code == 200


def wait_for_new_code(client: httpx.Client, phone: str, old: str) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        messages = client.get("/dev/outbox", params={"to": phone}).json()
        if len(messages) >= 2:
            return latest_code(client, phone)
        time.sleep(0.05)
    raise AssertionError("second code never arrived")


def test_otp_lockout_engages_after_five_wrong_codes(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    _request(client, citizen.id_number)
    code = latest_code(client, citizen.phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert_problem(_verify(client, citizen.id_number, wrong), 400, "otp-invalid")
    fifth = assert_problem(_verify(client, citizen.id_number, wrong), 429, "otp-locked")
    assert 0 < fifth["retry_after_seconds"] <= 15 * 60
    # Locked: even the right code fails, by the phone form too (one budget per citizen).
    locked = _verify(client, citizen.phone, code)
    assert_problem(locked, 429, "otp-locked")
    assert int(locked.headers["Retry-After"]) > 0
    container.clock.advance(timedelta(minutes=15, seconds=1))
    _request(client, citizen.id_number)
    fresh = wait_for_new_code(client, citizen.phone, code)
    assert _verify(client, citizen.id_number, fresh).status_code == 200


# After the fifth guess the lockout answers without the database, so one database suffices.
# Twenty guesses prove what ten thousand did: four wrong codes are refused, the fifth locks, and
# from then on every guess (the real code among them) is refused without being checked.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_otp_guessed_codes_never_verify_and_the_lockout_engages(
    backend: Backend, client: httpx.Client, container: Container
) -> None:
    """Guess 20 codes for one citizen through the API, the real code among them after the lock."""
    citizen = make_citizen(container)
    _request(client, citizen.id_number)
    code = latest_code(client, citizen.phone)
    guesses = [f"{n:06d}" for n in range(20) if f"{n:06d}" != code][:19]
    guesses.insert(10, code)
    statuses: list[int] = []
    # In-process (ASGI) rather than over the socket: same routing, validation and handlers,
    # without a loopback round trip per guess.
    async with asgi_client(backend.app) as api:
        for guess in guesses:
            response = await api.post(VERIFY, json={
                "identifier": citizen.id_number, "code": guess, "chat_identity": "telegram:1"})
            statuses.append(response.status_code)
    assert len(statuses) == 20
    assert 200 not in statuses
    assert statuses[:4] == [400] * 4
    assert set(statuses[4:]) == {429}


def test_otp_parallel_guesses_lock_after_five(client: httpx.Client, container: Container) -> None:
    """Parallel wrong guesses are counted exactly (row lock): at most four get past the lock."""
    citizen = make_citizen(container)
    _request(client, citizen.id_number)
    code = latest_code(client, citizen.phone)
    guesses = [f"{n:06d}" for n in range(200) if f"{n:06d}" != code]

    def guess(batch: list[str]) -> list[int]:
        with httpx.Client(base_url=str(client.base_url), headers=client.headers) as http:
            return [_verify(http, citizen.id_number, g).status_code for g in batch]

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = [s for r in pool.map(guess, [guesses[i::10] for i in range(10)]) for s in r]
    assert statuses.count(400) == 4
    assert statuses.count(429) == len(guesses) - 4
    assert_problem(_verify(client, citizen.id_number, code), 429, "otp-locked")


def test_otp_guesses_across_many_unknown_identifiers_never_verify(
    client: httpx.Client, container: Container
) -> None:
    """Unknown identifiers get a challenge too, but no code can ever verify it."""
    identifiers = [f"7{n:07d}" for n in range(20)]
    for identifier in identifiers:
        assert _request(client, identifier).status_code == 202
    statuses = [
        _verify(client, identifier, f"{guess:06d}").status_code
        for identifier in identifiers
        for guess in range(6)
    ]
    assert 200 not in statuses
    assert statuses.count(429) == 2 * len(identifiers)  # unknown identifiers lock as well


def test_otp_request_rate_limited_without_revealing_existence(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    for identifier in (citizen.id_number, "76543210"):
        assert _request(client, identifier).status_code == 202
        body = assert_problem(_request(client, identifier), 429, "rate-limited")
        assert 55 <= body["retry_after_seconds"] <= 60
    # Five per hour: after 4 more spaced requests the hourly limit answers.
    for _ in range(4):
        container.clock.advance(timedelta(seconds=61))
        assert _request(client, citizen.id_number).status_code == 202
    container.clock.advance(timedelta(seconds=61))
    assert_problem(_request(client, citizen.id_number), 429, "rate-limited")


def test_otp_request_unknown_takes_about_as_long_as_known(
    client: httpx.Client, container: Container
) -> None:
    citizens = [make_citizen(container) for _ in range(12)]
    # A fresh connection per request, so no request waits for the previous one's background
    # delivery on a kept-alive connection.
    fresh = httpx.Client(base_url=str(client.base_url), headers=client.headers,
                         limits=httpx.Limits(max_keepalive_connections=0))

    def timed(identifier: str) -> float:
        start = time.perf_counter()
        assert _request(fresh, identifier).status_code == 202
        return time.perf_counter() - start

    with fresh:
        known, unknown = [], []
        for n, citizen in enumerate(citizens):
            known.append(timed(citizen.id_number))
            unknown.append(timed(f"6{n:07d}"))
    # Generous bound: only a systematic difference (such as sending before answering) fails.
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.05


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"chat_identity": "telegram:1"}, "identifier"),
        ({"identifier": "12345678"}, "chat_identity"),
        ({"identifier": "12345678", "chat_identity": "no colon"}, "chat_identity"),
        ({"identifier": "12ab", "chat_identity": "telegram:1"}, "identifier"),
    ],
)
def test_otp_request_invalid_body_names_field(
    client: httpx.Client, body: dict[str, str], field: str
) -> None:
    problem = assert_problem(client.post(REQUEST, json=body), 422, "validation-error")
    assert field in [e["field"] for e in problem["errors"]]


def test_otp_verify_malformed_code_is_validation_error(client: httpx.Client) -> None:
    problem = assert_problem(_verify(client, "12345678", "12a456"), 422, "validation-error")
    assert problem["errors"][0]["field"] == "code"


def test_otp_endpoints_need_service_key(anon_client: httpx.Client) -> None:
    response = anon_client.post(REQUEST, json={"identifier": "12345678",
                                               "chat_identity": "telegram:1"})
    assert_problem(response, 401, "service-key-invalid")
    response = anon_client.post(REQUEST, json={}, headers={"X-Service-Key": "wrong"})
    assert_problem(response, 401, "service-key-invalid")


# ------------------------------------------------------------------ token binding and logout
def test_token_works_only_with_its_chat_identity(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    headers = sign_in(client, citizen, "telegram:42")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    stolen = {**headers, "X-Chat-Identity": "whatsapp:254700000000"}
    assert_problem(client.get("/api/v1/me", headers=stolen), 401, "token-invalid")
    missing = {"Authorization": headers["Authorization"]}
    assert_problem(client.get("/api/v1/me", headers=missing), 401, "token-invalid")


def test_token_citizen_endpoints_need_service_key_too(
    anon_client: httpx.Client, container: Container
) -> None:
    headers = issue_token(container, make_citizen(container))
    assert_problem(anon_client.get("/api/v1/me", headers=headers), 401, "service-key-invalid")


@pytest.mark.parametrize("authorization", [None, "Bearer msz_made-up", "Basic abc"])
def test_token_missing_or_unknown_is_token_invalid(
    client: httpx.Client, authorization: str | None
) -> None:
    headers = {"X-Chat-Identity": "telegram:1"}
    if authorization:
        headers["Authorization"] = authorization
    assert_problem(client.get("/api/v1/me", headers=headers), 401, "token-invalid")


def test_token_expired_is_token_expired(client: httpx.Client, container: Container) -> None:
    headers = issue_token(container, make_citizen(container), ttl=timedelta(minutes=1))
    container.clock.advance(timedelta(minutes=2))
    assert_problem(client.get("/api/v1/me", headers=headers), 401, "token-expired")


def test_logout_revokes_presented_token_only(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    first = issue_token(container, citizen, "telegram:1")
    second = issue_token(container, citizen, "webchat:abc")
    response = client.post("/api/v1/auth/logout", headers=first)
    assert response.status_code == 200
    assert response.json() == {"revoked": True}
    assert_problem(client.get("/api/v1/me", headers=first), 401, "token-invalid")
    assert client.get("/api/v1/me", headers=second).status_code == 200


def test_token_scope_missing_refuses_payment(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    headers = issue_token(container, citizen, scopes=("citizen:read",))
    response = client.post("/api/v1/me/bills/1/payments", json={"method": "bank"},
                           headers={**headers, "Idempotency-Key": "k"})
    assert_problem(response, 403, "insufficient-scope")


def test_token_without_read_scope_cannot_read(client: httpx.Client, container: Container) -> None:
    headers = issue_token(container, make_citizen(container), scopes=("citizen:pay",))
    for path in ("/api/v1/me", "/api/v1/me/applications", "/api/v1/me/bills",
                 "/api/v1/me/payments", "/api/v1/me/receipts", "/api/v1/me/security-reports",
                 "/api/v1/me/data"):
        assert_problem(client.get(path, headers=headers), 403, "insufficient-scope")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 200


def test_otp_strangers_guesses_never_lock_the_citizens_chat(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    assert _request(client, citizen.id_number, chat="webchat:mine").status_code == 202
    code = latest_code(client, citizen.phone)
    stranger = "webchat:stranger"
    statuses = [_verify(client, citizen.id_number, f"{n:06d}", chat=stranger).status_code
                for n in range(10)]
    assert statuses == [400] * 4 + [429] * 6  # the stranger's chat is locked
    assert _verify(client, citizen.id_number, code, chat="webchat:mine").status_code == 200


def test_otp_request_from_another_chat_never_cancels_the_citizens_code(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    _request(client, citizen.id_number, chat="webchat:mine")
    code = latest_code(client, citizen.phone)
    assert _request(client, citizen.id_number, chat="webchat:stranger").status_code == 202
    assert _verify(client, citizen.id_number, code, chat="webchat:mine").status_code == 200


def test_otp_answers_never_link_an_id_number_to_a_phone(
    client: httpx.Client, container: Container
) -> None:
    """The oracle pair: after a request by ID, her phone and a stranger's phone answer alike."""
    citizen = make_citizen(container)
    chat = "webchat:prober"
    assert _request(client, citizen.id_number, chat=chat).status_code == 202
    hers = _request(client, "0" + citizen.phone[3:], chat=chat)
    other = _request(client, "0799000111", chat=chat)
    assert hers.status_code == other.status_code == 202
    assert hers.json() == other.json()
    again_hers, again_other = (_request(client, "0" + citizen.phone[3:], chat=chat),
                               _request(client, "0799000111", chat=chat))
    assert again_hers.status_code == again_other.status_code == 429
    assert again_hers.json()["detail"] == again_other.json()["detail"]


def test_otp_strangers_cannot_flood_the_phone_or_keep_the_citizen_out(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    issue_token(container, citizen, chat_identity="telegram:hers")  # she signed in there before

    def sms() -> int:
        return len(client.get("/dev/outbox", params={"to": citizen.phone, "limit": 100}).json())

    for n in range(14):  # many chats, one ID number: every answer is the same
        assert _request(client, citizen.id_number, chat=f"webchat:stranger{n}").status_code == 202
    limit = container.settings.otp_max_per_hour_account
    wait_until(lambda: sms() == limit)  # sent after the answer, in the background
    time.sleep(0.3)
    assert sms() == limit  # the rest were never sent
    assert _request(client, citizen.id_number, chat="telegram:hers").status_code == 202
    wait_until(lambda: sms() == limit + 1)  # her own chat still gets its code
    code = latest_code(client, citizen.phone)
    assert _verify(client, citizen.id_number, code, chat="telegram:hers").status_code == 200
