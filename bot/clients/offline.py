"""The backend and escalation ports when no backend is configured: every call is "unavailable".

Each method is written out, so a new port method that has no offline answer is a type error
rather than a surprise at run time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from bot.core.backend import (
    Application,
    BackendEvent,
    BackendUnavailable,
    Bill,
    CatalogueService,
    ChatAuth,
    ChatIdentity,
    FiledReport,
    Linked,
    Payment,
    Receipt,
    ReportDraft,
)
from bot.core.escalation import Ticket, TicketRequest


def _unavailable() -> NoReturn:
    raise BackendUnavailable("no backend configured")


class OfflineBackend:
    """Stands in for the backend when its URL is not set; the citizen hears it is unavailable."""

    async def request_code(self, identifier: str, chat_identity: str) -> None:
        """Say the backend is unavailable."""
        _unavailable()

    async def verify_code(self, identifier: str, code: str, chat_identity: str) -> Linked:
        """Say the backend is unavailable."""
        _unavailable()

    async def logout(self, auth: ChatAuth) -> None:
        """Say the backend is unavailable."""
        _unavailable()

    async def applications(self, auth: ChatAuth) -> Sequence[Application]:
        """Say the backend is unavailable."""
        _unavailable()

    async def application(self, auth: ChatAuth, reference: str) -> Application:
        """Say the backend is unavailable."""
        _unavailable()

    async def bills(self, auth: ChatAuth, *, unpaid_only: bool = True) -> Sequence[Bill]:
        """Say the backend is unavailable."""
        _unavailable()

    async def start_payment(self, auth: ChatAuth, bill_id: int, method: str, phone: str | None,
                            idempotency_key: str) -> Payment:
        """Say the backend is unavailable."""
        _unavailable()

    async def payments(self, auth: ChatAuth) -> Sequence[Payment]:
        """Say the backend is unavailable."""
        _unavailable()

    async def payment(self, auth: ChatAuth, payment_id: int) -> Payment:
        """Say the backend is unavailable."""
        _unavailable()

    async def receipt(self, auth: ChatAuth, receipt_no: str) -> Receipt:
        """Say the backend is unavailable."""
        _unavailable()

    async def file_report(self, auth: ChatAuth | None, draft: ReportDraft,
                          idempotency_key: str) -> FiledReport:
        """Say the backend is unavailable."""
        _unavailable()

    async def my_data(self, auth: ChatAuth) -> Mapping[str, Any]:
        """Say the backend is unavailable."""
        _unavailable()

    async def events(self, after: int, limit: int = 100) -> tuple[Sequence[BackendEvent], int]:
        """Say the backend is unavailable."""
        _unavailable()

    async def chat_identities(self, citizen_id: int) -> tuple[Sequence[ChatIdentity], str]:
        """Say the backend is unavailable."""
        _unavailable()

    async def services(self) -> Sequence[CatalogueService]:
        """Say the backend is unavailable."""
        _unavailable()

    async def aclose(self) -> None:
        """Nothing to release."""


class OfflineEscalation:
    """Stands in for human support when no backend is configured: tickets are unavailable."""

    async def open_ticket(self, request: TicketRequest, auth: ChatAuth | None,
                          idempotency_key: str) -> Ticket:
        """Say support is unavailable."""
        _unavailable()

    async def post_message(self, number: str, conversation_id: str, text: str,
                           client_message_id: str, auth: ChatAuth | None) -> None:
        """Say support is unavailable."""
        _unavailable()

    async def ticket(self, number: str, conversation_id: str, auth: ChatAuth | None) -> Ticket:
        """Say support is unavailable."""
        _unavailable()

    async def open_ticket_for(self, conversation_id: str, auth: ChatAuth | None) -> Ticket | None:
        """Say support is unavailable."""
        _unavailable()

    async def rate(self, number: str, conversation_id: str, rating: int,
                   comment: str | None = None) -> None:
        """Say support is unavailable."""
        _unavailable()

    async def cancel(self, number: str, conversation_id: str) -> None:
        """Say support is unavailable."""
        _unavailable()
