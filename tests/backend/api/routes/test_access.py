"""Access matrix: a citizen reads only their own data; anyone else's reference is a 404."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from backend.container import Container
from backend.domain import ApplicationStatus
from backend.models import AuditEntry
from tests.backend.helpers import assert_problem, issue_token, make_application, make_citizen


@pytest.fixture
def two_citizens(container: Container, client: httpx.Client) -> dict[str, object]:
    """Citizens A and B, each with a paid application (receipt), an unpaid bill and a report."""
    a, b = make_citizen(container, first_name="Alice"), make_citizen(container, first_name="Bob")
    data: dict[str, object] = {"a": issue_token(container, a, "telegram:1"),
                               "b": issue_token(container, b, "telegram:2")}
    for name, citizen, receipt in (("a", a, "SAA1BB2CC3"), ("b", b, "SBB1CC2DD3")):
        paid, _ = make_application(container, citizen, service="passport_34",
                                   status=ApplicationStatus.UNDER_REVIEW, receipt=receipt)
        _, unpaid_bill = make_application(container, citizen)
        assert unpaid_bill is not None
        headers = data[name]
        assert isinstance(headers, dict)
        report = client.post("/api/v1/security-reports", headers=headers,
                             json={"category": "phishing", "description": "fake SMS"}).json()
        data[f"{name}_ref"] = paid.reference
        data[f"{name}_bill"] = unpaid_bill.id
        data[f"{name}_receipt"] = receipt
        data[f"{name}_report"] = report["reference"]
    return data


def _paths(d: dict[str, object], who: str) -> list[str]:
    return [
        f"/api/v1/me/applications/{d[who + '_ref']}",
        f"/api/v1/me/bills/{d[who + '_bill']}",
        f"/api/v1/me/receipts/{d[who + '_receipt']}",
        f"/api/v1/me/security-reports/{d[who + '_report']}",
    ]


def test_access_citizen_reads_own_resources(
    client: httpx.Client, two_citizens: dict[str, object]
) -> None:
    headers = two_citizens["a"]
    assert isinstance(headers, dict)
    for path in _paths(two_citizens, "a"):
        assert client.get(path, headers=headers).status_code == 200, path


def test_access_other_citizens_resources_are_not_found(
    client: httpx.Client, two_citizens: dict[str, object]
) -> None:
    for reader, owner in (("a", "b"), ("b", "a")):
        headers = two_citizens[reader]
        assert isinstance(headers, dict)
        for path in _paths(two_citizens, owner):
            assert_problem(client.get(path, headers=headers), 404, "not-found")
        pay = client.post(f"/api/v1/me/bills/{two_citizens[owner + '_bill']}/payments",
                          json={"method": "bank"}, headers={**headers, "Idempotency-Key": "x"})
        assert_problem(pay, 404, "not-found")


def test_access_lists_hold_only_own_items(
    client: httpx.Client, two_citizens: dict[str, object]
) -> None:
    headers = two_citizens["a"]
    assert isinstance(headers, dict)
    refs = [a["reference"] for a in client.get("/api/v1/me/applications", headers=headers).json()]
    assert two_citizens["a_ref"] in refs and two_citizens["b_ref"] not in refs
    bills = {b["id"] for b in client.get("/api/v1/me/bills", headers=headers).json()}
    assert two_citizens["b_bill"] not in bills
    receipts = [r["receipt_no"] for r in client.get("/api/v1/me/receipts", headers=headers).json()]
    assert receipts == [two_citizens["a_receipt"]]
    reports = [r["reference"]
               for r in client.get("/api/v1/me/security-reports", headers=headers).json()]
    assert reports == [two_citizens["a_report"]]
    data = client.get("/api/v1/me/data", headers=headers).json()
    assert {a["reference"] for a in data["applications"]} == set(refs)
    assert data["profile"]["first_name"] == "Alice"


def test_access_reads_are_audited(
    client: httpx.Client, container: Container, two_citizens: dict[str, object]
) -> None:
    headers = two_citizens["a"]
    assert isinstance(headers, dict)
    client.get("/api/v1/me", headers=headers)
    client.get(f"/api/v1/me/applications/{two_citizens['a_ref']}", headers=headers)
    with container.session_factory() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    resources = [(e.resource, e.service, e.action) for e in entries]
    assert ("profile", "assistant", "read") in resources
    assert (f"application:{two_citizens['a_ref']}", "assistant", "read") in resources
    assert all(e.token_id is not None and e.citizen_id is not None for e in entries)
