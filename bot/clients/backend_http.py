"""The backend port over HTTP (httpx): the only place that knows the backend's wire format."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import httpx

from bot.core.backend import (
    Application,
    BackendEvent,
    BackendUnavailable,
    BankDetails,
    Bill,
    CatalogueService,
    ChatAuth,
    ChatIdentity,
    FiledReport,
    Linked,
    NextStep,
    NotFound,
    Payment,
    Receipt,
    Rejected,
    ReportDraft,
    SignInNeeded,
    StatusChange,
)
from bot.core.placeholders import Fee
from common import request_id

logger = logging.getLogger(__name__)

API = "/api/v1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SIGN_IN_PROBLEMS = {"token-invalid", "token-expired", "token-revoked", "token-scope"}


def problem_kind(response: httpx.Response) -> tuple[str, str]:
    """Return the problem type's last segment and its detail from an RFC 9457 body."""
    try:
        body = response.json()
    except ValueError:
        return f"http-{response.status_code}", response.text[:200]
    if not isinstance(body, dict):
        return f"http-{response.status_code}", ""
    kind = str(body.get("type", "")).rstrip("/").rsplit("/", 1)[-1]
    return kind or f"http-{response.status_code}", str(body.get("detail", ""))


async def _send_request_id(request: httpx.Request) -> None:
    """Carry the id of the request being handled (or a new one) to the backend."""
    request.headers[request_id.HEADER] = request_id.current() or request_id.accept(None)


class HttpBackendClient:
    """Calls the backend as the assistant service, and as a citizen when a sign-in is given."""

    def __init__(self, base_url: str, service_key: str, *, timeout: float = 5.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"X-Service-Key": service_key, "User-Agent": "msaidizi-bot"},
            timeout=httpx.Timeout(timeout, connect=2.0),
            transport=transport or httpx.AsyncHTTPTransport(retries=2),
            event_hooks={"request": [_send_request_id]},
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def ready(self) -> None:
        """Raise unless the backend answers that it is ready (its database included)."""
        response = await self._client.get("/health/ready", timeout=2.0)
        response.raise_for_status()

    async def _call(self, method: str, path: str, *, auth: ChatAuth | None = None,
                    json: Any = None, params: Mapping[str, Any] | None = None,
                    headers: Mapping[str, str] | None = None) -> Any:
        """Send one request and return its JSON; failures become the port's error tree."""
        response = await self._send(method, path, auth=auth, json=json, params=params,
                                    headers=headers)
        return response.json() if response.content else None

    async def _send(self, method: str, path: str, *, auth: ChatAuth | None = None,
                    json: Any = None, params: Mapping[str, Any] | None = None,
                    headers: Mapping[str, str] | None = None) -> httpx.Response:
        """Send one request; turn failures into the port's error tree."""
        extra = dict(headers or {})
        if auth is not None:
            extra["Authorization"] = f"Bearer {auth.token}"
            extra["X-Chat-Identity"] = auth.chat_identity
        try:
            response = await self._client.request(method, path, json=json, params=params,
                                                  headers=extra)
        except httpx.HTTPError as exc:
            logger.warning("Backend unreachable: %s %s (%s)", method, path, type(exc).__name__)
            raise BackendUnavailable(str(exc)) from exc
        if response.status_code >= 500:
            logger.warning("Backend error %d on %s %s", response.status_code, method, path)
            raise BackendUnavailable(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            kind, detail = problem_kind(response)
            if response.status_code == 404:
                raise NotFound(detail)
            if response.status_code == 401 and (kind in _SIGN_IN_PROBLEMS or auth is not None):
                raise SignInNeeded(kind)
            retry = response.headers.get("Retry-After")
            raise Rejected(kind, detail, int(retry) if retry and retry.isdigit() else None)
        return response

    async def request_code(self, identifier: str, chat_identity: str) -> None:
        """Ask for a one-time code (the backend never says whether the identifier exists)."""
        await self._call("POST", f"{API}/auth/otp/request",
                         json={"identifier": identifier, "chat_identity": chat_identity})

    async def verify_code(self, identifier: str, code: str, chat_identity: str) -> Linked:
        """Trade a code for a sign-in bound to this chat."""
        data = await self._call("POST", f"{API}/auth/otp/verify", json={
            "identifier": identifier, "code": code, "chat_identity": chat_identity})
        citizen = data["citizen"]
        return Linked(data["token"], _dt(data["expires_at"]), int(citizen["id"]),
                      citizen["first_name"], citizen["preferred_language"])

    async def logout(self, auth: ChatAuth) -> None:
        """Revoke the chat's sign-in."""
        await self._call("POST", f"{API}/auth/logout", auth=auth)

    async def applications(self, auth: ChatAuth) -> Sequence[Application]:
        """List the citizen's applications."""
        return [_application(a) for a in await self._call("GET", f"{API}/me/applications",
                                                          auth=auth)]

    async def application(self, auth: ChatAuth, reference: str) -> Application:
        """Return one application with history and bill."""
        return _application(await self._call("GET", f"{API}/me/applications/{reference}",
                                             auth=auth))

    async def bills(self, auth: ChatAuth, *, unpaid_only: bool = True) -> Sequence[Bill]:
        """List the citizen's bills."""
        params = {"status": "unpaid"} if unpaid_only else None
        bills = [_bill(b) for b in await self._call("GET", f"{API}/me/bills", auth=auth,
                                                    params=params)]
        return [b for b in bills if b.status == "unpaid"] if unpaid_only else bills

    async def start_payment(self, auth: ChatAuth, bill_id: int, method: str, phone: str | None,
                            idempotency_key: str) -> Payment:
        """Start paying a bill; the idempotency key makes a retried request harmless."""
        body: dict[str, Any] = {"method": method}
        if phone:
            body["phone"] = phone
        response = await self._send("POST", f"{API}/me/bills/{bill_id}/payments", auth=auth,
                                    json=body, headers={"Idempotency-Key": idempotency_key})
        # 200 rather than 201: the bill already had an attempt under way, returned as it is
        return replace(_payment(response.json()), existing=response.status_code == 200)

    async def payment(self, auth: ChatAuth, payment_id: int) -> Payment:
        """Return one payment (the backend asks M-Pesa about a pending one first)."""
        return _payment(await self._call("GET", f"{API}/me/payments/{payment_id}", auth=auth))

    async def payments(self, auth: ChatAuth) -> Sequence[Payment]:
        """List the citizen's payments, newest first."""
        data = await self._call("GET", f"{API}/me/payments", auth=auth)
        payments = [_payment(p) for p in data]
        return sorted(payments, key=lambda p: p.created_at or _EPOCH, reverse=True)

    async def receipt(self, auth: ChatAuth, receipt_no: str) -> Receipt:
        """Return a receipt with its signed download link."""
        data = await self._call("GET", f"{API}/me/receipts/{receipt_no}", auth=auth)
        return Receipt(data["receipt_no"], data["application_reference"],
                       {"en": data["service_name_en"], "sw": data["service_name_sw"]},
                       int(data["amount_kes"]), data["method"], _dt(data["issued_at"]),
                       data["download_url"])

    async def file_report(self, auth: ChatAuth | None, draft: ReportDraft,
                          idempotency_key: str) -> FiledReport:
        """File a security report; the idempotency key makes a resend return the same report."""
        body = {
            "category": draft.category, "description": draft.description,
            "occurred_text": draft.occurred_text,
            "occurred_at": draft.occurred_at.isoformat() if draft.occurred_at else None,
            "transaction_reference": draft.transaction_reference,
            "anonymous": draft.anonymous, "contact_preference": draft.contact_preference,
        }
        data = await self._call("POST", f"{API}/security-reports", auth=auth, json=body,
                                headers={"Idempotency-Key": idempotency_key})
        return FiledReport(data["reference"], data["category"], data["severity"], data["status"],
                           tuple(data.get("protection_applied") or ()))

    async def my_data(self, auth: ChatAuth) -> Mapping[str, Any]:
        """Return everything the backend holds about the citizen."""
        data: Mapping[str, Any] = await self._call("GET", f"{API}/me/data", auth=auth)
        return data

    async def events(self, after: int, limit: int = 100) -> tuple[Sequence[BackendEvent], int]:
        """Return events after the cursor, and the newest event id."""
        data = await self._call("GET", f"{API}/service/events",
                                params={"after": after, "limit": limit})
        events = [BackendEvent(int(e["id"]), e["type"], e.get("citizen_id"), e.get("payload") or {},
                               _dt(e["created_at"])) for e in data["events"]]
        return events, int(data.get("latest_id", 0))

    async def chat_identities(self, citizen_id: int) -> tuple[Sequence[ChatIdentity], str]:
        """Return the chats where the citizen is signed in, and their preferred language."""
        data = await self._call("GET", f"{API}/service/citizens/{citizen_id}/chat-identities")
        chats = [ChatIdentity(c["channel"], c["sender_id"], _dt(c.get("last_used_at")))
                 for c in data["chat_identities"]]
        return chats, data.get("preferred_language", "en")

    async def services(self) -> Sequence[CatalogueService]:
        """Return the service catalogue with the fees the backend bills."""
        return [_service(item) for item in await self._call("GET", f"{API}/services")]


def _service(data: Mapping[str, Any]) -> CatalogueService:
    return CatalogueService(
        code=str(data["code"]),
        names={"en": str(data["name_en"]), "sw": str(data["name_sw"])},
        fee=Fee(int(data["fee_kes"]), int(data["convenience_fee_kes"])),
    )


def _dt(value: str | None) -> datetime:
    if not value:
        return _EPOCH
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _bill(data: Mapping[str, Any]) -> Bill:
    return Bill(int(data["id"]), data["application_reference"], data["service_code"],
                int(data["amount_kes"]), int(data["convenience_fee_kes"]), int(data["total_kes"]),
                data["paybill"], data["account_number"], data["status"],
                _dt(data["paid_at"]) if data.get("paid_at") else None)


def _application(data: Mapping[str, Any]) -> Application:
    step = data.get("next_step") or {"code": "none"}
    service = data["service"]
    return Application(
        reference=data["reference"],
        service_code=service["code"],
        service_names={"en": service["name_en"], "sw": service["name_sw"]},
        status=data["status"],
        next_step=NextStep(step["code"], step.get("bill_id"), step.get("amount_due_kes"),
                           step.get("paybill"), step.get("account_number"), step.get("document"),
                           step.get("collection_office"), _day(step.get("available_from"))),
        updated_at=_dt(data["updated_at"]),
        history=tuple(StatusChange(h["to_status"], h.get("note", ""), _dt(h["at"]))
                      for h in data.get("history") or ()),
        bill=_bill(data["bill"]) if data.get("bill") else None,
    )


def _payment(data: Mapping[str, Any]) -> Payment:
    bank = data.get("bank_instructions")
    return Payment(
        id=int(data["id"]), bill_id=int(data["bill_id"]), reference=data["application_reference"],
        method=data["method"], status=data["status"], amount=int(data["amount_kes"]),
        phone_masked=data.get("phone_masked"), checkout_url=data.get("checkout_url"),
        bank=BankDetails(bank["paybill"], bank["account_number"], int(bank["amount_kes"]))
        if bank else None,
        failure_reason=data.get("failure_reason"), receipt_no=data.get("receipt_no"),
        created_at=_dt(data["created_at"]) if data.get("created_at") else None,
        completed_at=_dt(data["completed_at"]) if data.get("completed_at") else None,
    )
