"""Profile, applications with next steps, data export."""

from __future__ import annotations

import httpx
import pytest

from backend.container import Container
from backend.core.domain import Language
from backend.domain import ApplicationStatus
from tests.backend.helpers import assert_problem, issue_token, make_application, make_citizen

S = ApplicationStatus


def test_profile_masks_identifiers(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container, language=Language.SW, email="jane.doe@example.com")
    body = client.get("/api/v1/me", headers=issue_token(container, citizen)).json()
    assert body["id_number_masked"] == "******" + citizen.id_number[-2:]
    assert body["phone_masked"].endswith(citizen.phone[-3:]) and "*" in body["phone_masked"]
    assert body["email_masked"] == "j***@example.com"
    assert body["preferred_language"] == "sw"
    assert citizen.id_number not in str(body) and citizen.phone not in str(body)


@pytest.mark.parametrize(
    ("status", "service", "step"),
    [
        (S.DRAFT, "business_name_registration", "complete_application"),
        (S.PENDING_PAYMENT, "good_conduct", "pay"),
        (S.SUBMITTED, "good_conduct", "wait"),
        (S.UNDER_REVIEW, "passport_34", "wait"),
        (S.ACTION_REQUIRED, "passport_50", "upload_document"),
        (S.APPROVED, "smart_dl_renewal", "wait"),
        (S.REJECTED, "smart_dl", "none"),
        (S.READY_FOR_COLLECTION, "birth_certificate", "collect"),
        (S.COLLECTED, "death_certificate", "none"),
    ],
)
def test_application_next_step_for_each_status(
    client: httpx.Client, container: Container, status: S, service: str, step: str
) -> None:
    citizen = make_citizen(container)
    application, bill = make_application(container, citizen, service=service, status=status)
    headers = issue_token(container, citizen)
    body = client.get(f"/api/v1/me/applications/{application.reference.lower()}",
                      headers=headers).json()
    assert body["status"] == status
    assert body["next_step"]["code"] == step
    assert body["history"][-1]["to_status"] == status
    assert all(h["note"] and h["at"] for h in body["history"])
    if step == "pay":
        assert bill is not None
        assert body["next_step"]["bill_id"] == bill.id
        assert body["next_step"]["amount_due_kes"] == 1050
        assert body["next_step"]["paybill"] == "222222"
        assert body["next_step"]["account_number"] == bill.account_number
    if step == "upload_document":
        assert body["next_step"]["document"] == "Photo"
    if step == "collect":
        assert body["next_step"]["collection_office"] == "Huduma Centre GPO"
        assert body["next_step"]["available_from"]


def test_application_reference_format_has_service_prefix(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    first, _ = make_application(container, citizen, service="passport_34")
    second, _ = make_application(container, citizen, service="passport_50")
    year = first.created_at.year
    assert first.reference == f"PP-{year}-000001"
    assert second.reference == f"PP-{year}-000002"
    listed = client.get("/api/v1/me/applications", headers=issue_token(container, citizen)).json()
    assert [a["reference"] for a in listed] == [second.reference, first.reference]
    assert listed[0]["service"]["agency_code"] == "DIS"


def test_unknown_application_reference_is_not_found(
    client: httpx.Client, container: Container
) -> None:
    headers = issue_token(container, make_citizen(container))
    assert_problem(client.get("/api/v1/me/applications/PP-2025-999999", headers=headers), 404,
                   "not-found")


def test_my_data_export_holds_everything_unmasked(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    make_application(container, citizen, status=S.SUBMITTED, receipt="SXX1YY2ZZ3")
    headers = issue_token(container, citizen)
    client.post("/api/v1/security-reports", headers=headers,
                json={"category": "other", "description": "odd call"})
    client.get("/api/v1/me", headers=headers)
    body = client.get("/api/v1/me/data", headers=headers).json()
    assert body["profile"]["id_number"] == citizen.id_number
    assert body["profile"]["phone"] == citizen.phone
    assert len(body["applications"]) == 1
    assert body["applications"][0]["history"]
    assert body["receipts"][0]["receipt_no"] == "SXX1YY2ZZ3"
    assert body["payments"][0]["phone"] == citizen.phone
    assert body["security_reports"][0]["description"] == "odd call"
    assert body["chat_sessions"][0]["chat_identity"] == "telegram:1"
    assert "token" not in str(body["chat_sessions"]).replace("telegram", "")
    assert [a["resource"] for a in body["audit_log"]] == ["profile"]
