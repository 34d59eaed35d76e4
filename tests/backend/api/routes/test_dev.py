"""Development-only routes, and their absence in production."""

from __future__ import annotations

import httpx
import pytest

from backend.container import Container
from backend.main import create_app
from tests.backend.conftest import asgi_client
from tests.backend.helpers import assert_problem, make_citizen, wait_until
from tests.helpers.production import backend_production


def test_outbox_json_newest_first_and_page(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    client.post("/api/v1/auth/otp/request",
                json={"identifier": citizen.id_number, "chat_identity": "telegram:1"})
    messages = wait_until(lambda: client.get("/dev/outbox",
                                             params={"to": "0" + citizen.phone[3:]}).json())
    assert messages[0]["to"] == citizen.phone
    assert messages[0]["channel"] == "sms"
    page = client.get("/dev/outbox/page", params={"to": citizen.phone})
    assert page.headers["content-type"].startswith("text/html")
    assert "Msaidizi" in page.text
    assert client.get("/dev/outbox", params={"to": "nobody@example.com"}).json() == []


async def test_dev_routes_absent_in_production(tmp_sqlite_url: str) -> None:
    app = create_app(backend_production(tmp_sqlite_url))
    async with asgi_client(app) as api:
        for path in ("/dev/outbox", "/dev/outbox/page", "/dev/card/1",
                     "/dev/daraja/outcomes", "/dev/daraja/oauth/v1/generate"):
            assert_problem(await api.get(path), 404, "not-found")
        assert (await api.get("/health")).status_code == 200
        for explorer in ("/openapi.json", "/docs", "/redoc"):  # development tools only
            assert (await api.get(explorer)).status_code == 404
    assert not [r for r in app.routes if getattr(r, "path", "").startswith("/dev")]
    app.state.container.close()


def test_openapi_docs_are_served(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/auth/otp/request", "/api/v1/me/bills/{bill_id}/payments",
                 "/api/v1/service/events", "/api/v1/security-reports"):
        assert path in spec["paths"]


def test_health_ready_checks_database(client: httpx.Client) -> None:
    assert client.get("/health/ready").json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    ("method", "path", "status", "kind"),
    [
        ("GET", "/api/v1/nowhere", 404, "not-found"),
        ("DELETE", "/api/v1/auth/otp/request", 405, "method-not-allowed"),
        ("GET", "/api/v1/service/events?limit=0", 422, "validation-error"),
    ],
)
def test_problem_shapes_for_routing_errors(
    client: httpx.Client, method: str, path: str, status: int, kind: str
) -> None:
    headers = {"Authorization": "Bearer x", "X-Chat-Identity": "telegram:1"}
    assert_problem(client.request(method, path, headers=headers), status, kind)


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[]", b'"text"', b"null", "{\"identifier\": \"\u00e9\"}".encode()],
)
def test_bad_bodies_never_give_500(client: httpx.Client, content: bytes) -> None:
    response = client.post("/api/v1/auth/otp/request", content=content,
                           headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/me/bills/99999999999999999999", "/api/v1/me/payments/0",
     "/api/v1/me/bills/-1", "/api/v1/service/citizens/9223372036854775808/chat-identities"],
)
def test_out_of_range_ids_are_validation_errors(
    client: httpx.Client, container: Container, path: str
) -> None:
    from tests.backend.helpers import issue_token

    headers = issue_token(container, make_citizen(container))
    assert_problem(client.get(path, headers=headers), 422, "validation-error")


@pytest.mark.parametrize(
    "path", ["/api/v1/me/applications/PP%00X", "/api/v1/me/receipts/A%00B",
             "/api/v1/me/security-reports/SR%00"])
def test_nul_bytes_in_paths_never_give_500(
    client: httpx.Client, container: Container, path: str
) -> None:
    from tests.backend.helpers import issue_token

    headers = issue_token(container, make_citizen(container))
    assert client.get(path, headers=headers).status_code in {404, 422}


def test_nul_bytes_and_naive_times_in_reports(client: httpx.Client) -> None:
    bad = client.post("/api/v1/security-reports",
                      json={"category": "other", "description": "a\u0000b"})
    assert_problem(bad, 422, "validation-error")
    naive = client.post("/api/v1/security-reports", json={
        "category": "other", "description": "x", "occurred_at": "2025-06-01T09:30:00"})
    assert naive.status_code == 201
    chat = client.post("/api/v1/auth/otp/request",
                       json={"identifier": "12345678", "chat_identity": "telegram:a\u0000"})
    assert_problem(chat, 422, "validation-error")
