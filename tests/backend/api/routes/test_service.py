"""Service endpoints: the event outbox cursor, chat identities, the catalogue."""

from __future__ import annotations

from datetime import timedelta

import httpx

from backend.container import Container
from backend.domain import ApplicationStatus
from backend.models import Application
from backend.services.applications import change_status
from tests.backend.helpers import assert_problem, issue_token, make_application, make_citizen


def test_events_page_by_cursor_in_id_order(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    make_application(container, citizen, service="passport_34",
                     status=ApplicationStatus.READY_FOR_COLLECTION)
    everything = client.get("/api/v1/service/events", params={"limit": 500}).json()
    ids = [e["id"] for e in everything["events"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert everything["latest_id"] == ids[-1]
    first = client.get("/api/v1/service/events", params={"after": 0, "limit": 2}).json()
    assert [e["id"] for e in first["events"]] == ids[:2]
    rest = client.get("/api/v1/service/events",
                      params={"after": first["next_after"], "limit": 500}).json()
    assert [e["id"] for e in rest["events"]] == ids[2:]
    empty = client.get("/api/v1/service/events", params={"after": ids[-1]}).json()
    assert empty["events"] == [] and empty["next_after"] == ids[-1]


def test_events_status_change_payload_has_no_personal_data(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    application, _ = make_application(container, citizen, service="passport_34",
                                      status=ApplicationStatus.UNDER_REVIEW, receipt="SAB1CD2EF3")
    with container.session_factory() as session:
        row = session.get(Application, application.id)
        assert row is not None
        change_status(session=session, application=row, to=ApplicationStatus.APPROVED,
                      note="Approved.", now=container.clock())
        session.commit()
    last = client.get("/api/v1/service/events", params={"limit": 500}).json()["events"][-1]
    assert last["type"] == "application.status_changed"
    assert last["citizen_id"] == citizen.id
    assert last["payload"] == {
        "application_reference": application.reference, "service_code": "passport_34",
        "service_name_en": "34-page ordinary passport",
        "service_name_sw": "pasipoti ya kawaida ya kurasa 34",
        "from_status": "under_review", "to_status": "approved", "note": "Approved.",
        "next_step": "wait"}
    text = str(client.get("/api/v1/service/events", params={"limit": 500}).json())
    assert citizen.phone not in text and citizen.id_number not in text


def test_events_need_service_key(anon_client: httpx.Client) -> None:
    assert_problem(anon_client.get("/api/v1/service/events"), 401, "service-key-invalid")


def test_events_bad_cursor_is_validation_error(client: httpx.Client) -> None:
    problem = assert_problem(client.get("/api/v1/service/events", params={"after": "x"}), 422,
                             "validation-error")
    assert problem["errors"][0]["field"] == "after"


def test_chat_identities_most_recently_used_first(
    client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    telegram = issue_token(container, citizen, "telegram:42")
    container.clock.advance(timedelta(minutes=5))
    issue_token(container, citizen, "webchat:abc")
    expired = issue_token(container, citizen, "whatsapp:254700000000", ttl=timedelta(minutes=1))
    revoked = issue_token(container, citizen, "telegram:77")
    client.post("/api/v1/auth/logout", headers=revoked)
    container.clock.advance(timedelta(minutes=5))
    assert client.get("/api/v1/me", headers=telegram).status_code == 200  # used just now
    assert_problem(client.get("/api/v1/me", headers=expired), 401, "token-expired")
    body = client.get(f"/api/v1/service/citizens/{citizen.id}/chat-identities").json()
    assert body["citizen_id"] == citizen.id
    assert body["preferred_language"] == "en"
    assert [(c["chat_identity"], c["channel"], c["sender_id"]) for c in body["chat_identities"]] \
        == [("telegram:42", "telegram", "42"), ("webchat:abc", "webchat", "abc")]


def test_chat_identities_unknown_citizen_is_not_found(client: httpx.Client) -> None:
    assert_problem(client.get("/api/v1/service/citizens/999999/chat-identities"), 404,
                   "not-found")


def test_catalogue_lists_fees_with_convenience_fee(client: httpx.Client) -> None:
    services = {s["code"]: s for s in client.get("/api/v1/services").json()}
    assert services["good_conduct"]["total_kes"] == 1050
    # the agency's fee without eCitizen's: the bill adds the convenience fee once
    assert services["smart_dl"]["fee_kes"] == 3000
    assert services["smart_dl"]["total_kes"] == 3050
    assert services["smart_dl_renewal"]["total_kes"] == 3050
    assert services["vehicle_inspection"]["total_kes"] == 1050
    assert services["business_name_registration"]["convenience_fee_kes"] == 25
    assert services["birth_certificate"]["total_kes"] == 210
    assert services["birth_certificate_late"]["total_kes"] == 520
    assert services["national_id_first"]["total_kes"] == 0
    assert services["passport_34"]["agency_code"] == "DIS"


def test_token_use_refreshes_last_used(client: httpx.Client, container: Container) -> None:
    citizen = make_citizen(container)
    headers = issue_token(container, citizen, "telegram:5")
    container.clock.advance(timedelta(hours=2))
    client.get("/api/v1/me", headers=headers)
    body = client.get(f"/api/v1/service/citizens/{citizen.id}/chat-identities").json()
    used = body["chat_identities"][0]["last_used_at"]
    assert used.startswith(container.clock().date().isoformat())
