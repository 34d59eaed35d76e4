"""Security reports: severity, references, anonymity, idempotency, account-takeover protection."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from backend.container import Container
from tests.backend.helpers import (
    assert_problem,
    events,
    issue_token,
    latest_code,
    make_citizen,
    sign_in,
    wait_until,
)

REPORTS = "/api/v1/security-reports"


def outbox(client: httpx.Client, to: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = client.get("/dev/outbox", params={"to": to}).json()
    return messages


@pytest.mark.parametrize(
    ("category", "severity"),
    [("account_takeover", "high"), ("unauthorised_payment", "high"), ("data_leak", "high"),
     ("phishing", "medium"), ("other", "low")],
)
def test_report_severity_follows_category(
    client: httpx.Client, container: Container, category: str, severity: str
) -> None:
    headers = issue_token(container, make_citizen(container))
    response = client.post(REPORTS, headers=headers,
                           json={"category": category, "description": "something happened"})
    assert response.status_code == 201
    body = response.json()
    assert body["severity"] == severity
    assert body["status"] == "received"
    assert re.fullmatch(r"SR-\d{4}-\d{6}", body["reference"])


def test_report_fields_are_kept(client: httpx.Client, container: Container) -> None:
    headers = issue_token(container, make_citizen(container), "whatsapp:254700000001")
    body = client.post(REPORTS, headers=headers, json={
        "category": "unauthorised_payment", "description": "KES 500 I did not send",
        "occurred_at": "2025-06-01T09:30:00+03:00", "transaction_reference": "SJK4XY12AB",
        "contact_preference": "sms"}).json()
    assert body["contact_preference"] == "sms"
    assert body["protection_applied"] == []
    listed = client.get("/api/v1/me/security-reports", headers=headers).json()
    assert [r["reference"] for r in listed] == [body["reference"]]


def test_report_anonymous_without_token(client: httpx.Client) -> None:
    response = client.post(REPORTS, json={"category": "phishing",
                                          "description": "SMS asking for my PIN",
                                          "contact_preference": "sms"})
    assert response.status_code == 201
    body = response.json()
    assert body["anonymous"] is True
    assert body["contact_preference"] == "none"
    filed = [e for e in events(client) if e["type"] == "security_report.filed"]
    assert filed[0]["citizen_id"] is None
    assert filed[0]["payload"]["reference"] == body["reference"]


def test_report_bad_token_is_refused_not_filed_anonymously(client: httpx.Client) -> None:
    response = client.post(REPORTS, json={"category": "other", "description": "x"},
                           headers={"Authorization": "Bearer nope", "X-Chat-Identity": "tg:1"})
    assert_problem(response, 401, "token-invalid")


def test_report_needs_service_key(anon_client: httpx.Client) -> None:
    response = anon_client.post(REPORTS, json={"category": "other", "description": "x"})
    assert_problem(response, 401, "service-key-invalid")


def test_report_same_idempotency_key_returns_same_report(
    client: httpx.Client, container: Container
) -> None:
    headers = {**issue_token(container, make_citizen(container)), "Idempotency-Key": "r-1"}
    payload = {"category": "phishing", "description": "link in SMS"}
    first = client.post(REPORTS, headers=headers, json=payload)
    second = client.post(REPORTS, headers=headers, json=payload)
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(client.get("/api/v1/me/security-reports", headers=headers).json()) == 1
    changed = client.post(REPORTS, headers=headers, json={**payload, "description": "other"})
    assert_problem(changed, 422, "idempotency-key-reused")


def test_report_validation_names_fields(client: httpx.Client) -> None:
    response = client.post(REPORTS, json={"category": "spam", "description": ""})
    problem = assert_problem(response, 422, "validation-error")
    assert {e["field"] for e in problem["errors"]} == {"category", "description"}


def test_account_takeover_revokes_tokens_and_locks_sign_in(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    telegram = sign_in(client, citizen, "telegram:1")
    webchat = issue_token(container, citizen, "webchat:abc")
    other = make_citizen(container)
    other_headers = issue_token(container, other, "telegram:9")
    container.clock.advance(timedelta(seconds=61))
    otp_request = {"identifier": citizen.id_number, "chat_identity": "telegram:1"}
    client.post("/api/v1/auth/otp/request", json=otp_request)
    unused_code = wait_until(lambda: len(outbox(client, citizen.phone)) == 2 and
                             latest_code(client, citizen.phone))
    response = client.post(REPORTS, headers=telegram, json={
        "category": "account_takeover", "description": "Someone changed my email",
        "occurred_text": "last night"})
    assert response.status_code == 201
    body = response.json()
    assert body["protection_applied"] == ["tokens_revoked", "signin_locked"]
    for headers in (telegram, webchat):
        assert_problem(client.get("/api/v1/me", headers=headers), 401, "token-invalid")
    assert client.get("/api/v1/me", headers=other_headers).status_code == 200
    identities = client.get(f"/api/v1/service/citizens/{citizen.id}/chat-identities").json()
    assert identities["chat_identities"] == []
    # A code sent before the report no longer works.
    verify = client.post("/api/v1/auth/otp/verify", json={**otp_request, "code": unused_code})
    assert_problem(verify, 400, "otp-invalid")
    # Sign-in is locked: the request answers as always, but a notice goes out, not a code.
    container.clock.advance(timedelta(seconds=61))
    assert client.post("/api/v1/auth/otp/request", json=otp_request).status_code == 202
    notice = wait_until(lambda: len(outbox(client, citizen.phone)) == 3 and
                        outbox(client, citizen.phone)[0]["text"])
    assert "locked" in notice
    assert not re.search(r"\b\d{6}\b", notice)
    filed = [e for e in events(client) if e["type"] == "security_report.filed"][-1]
    assert filed["citizen_id"] == citizen.id
    assert filed["payload"]["protection_applied"] == ["tokens_revoked", "signin_locked"]


def test_account_takeover_unlock_allows_sign_in_again(
    client: httpx.Client, container: Container
) -> None:
    from backend.crud.citizens import get_by_id_number, unlock_signin

    citizen = make_citizen(container)
    headers = issue_token(container, citizen)
    client.post(REPORTS, headers=headers, json={"category": "account_takeover",
                                                "description": "not me"})
    with container.session_factory() as session:
        row = get_by_id_number(session=session, id_number=citizen.id_number)
        assert row is not None
        unlock_signin(session=session, citizen=row)
        session.commit()
    assert client.get("/api/v1/me", headers=sign_in(client, citizen)).status_code == 200


def test_account_takeover_anonymous_applies_no_protection(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    headers = issue_token(container, citizen)
    body = client.post(REPORTS, headers=headers, json={
        "category": "account_takeover", "description": "x", "anonymous": True}).json()
    assert body["protection_applied"] == []
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.get("/api/v1/me/security-reports", headers=headers).json() == []
