"""The backend port: what the assistant may ask of the e-services backend, in its own terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from bot.core.placeholders import Fee


class BackendError(Exception):
    """The backend could not do what was asked."""


class BackendUnavailable(BackendError):
    """The backend did not answer (down, timeout, 5xx): try again later."""


class NotFound(BackendError):
    """No such record for this citizen (unknown reference, or someone else's)."""


class SignInNeeded(BackendError):
    """The chat's sign-in is missing, expired or revoked: link the account again."""


class Rejected(BackendError):
    """The backend refused the request for a stated reason (`kind` is the problem type)."""

    def __init__(self, kind: str, detail: str = "", retry_after: int | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class ChatAuth:
    """A citizen's sign-in as this chat holds it."""

    token: str
    chat_identity: str


@dataclass(frozen=True, slots=True)
class Linked:
    """The result of a verified code: the token and who signed in."""

    token: str
    expires_at: datetime
    citizen_id: int
    first_name: str
    preferred_language: str


@dataclass(frozen=True, slots=True)
class NextStep:
    """What the citizen should do next, as a code with the data to phrase it."""

    code: str
    bill_id: int | None = None
    amount_due: int | None = None
    paybill: str | None = None
    account_number: str | None = None
    document: str | None = None
    collection_office: str | None = None
    available_from: date | None = None


@dataclass(frozen=True, slots=True)
class Bill:
    """An invoice for an application."""

    id: int
    reference: str
    service_code: str
    amount: int
    fee: int
    total: int
    paybill: str
    account_number: str
    status: str
    paid_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One step of an application's history."""

    status: str
    note: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Application:
    """A citizen's application with its status and next step."""

    reference: str
    service_code: str
    service_names: Mapping[str, str]
    status: str
    next_step: NextStep
    updated_at: datetime
    history: tuple[StatusChange, ...] = ()
    bill: Bill | None = None

    def service_name(self, language: str) -> str:
        """Return the service's name in `language` (English when missing)."""
        return self.service_names.get(language) or self.service_names.get("en", self.service_code)


@dataclass(frozen=True, slots=True)
class BankDetails:
    """How to pay without a prompt: PayBill or bank with the account number."""

    paybill: str
    account_number: str
    amount: int


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment attempt and where it stands."""

    id: int
    bill_id: int
    reference: str
    method: str
    status: str
    amount: int
    phone_masked: str | None = None
    checkout_url: str | None = None
    bank: BankDetails | None = None
    failure_reason: str | None = None
    receipt_no: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    existing: bool = False  # a start returned the attempt already under way for the bill


@dataclass(frozen=True, slots=True)
class Receipt:
    """A receipt with a link the citizen can open."""

    receipt_no: str
    reference: str
    service_names: Mapping[str, str]
    amount: int
    method: str
    issued_at: datetime
    url: str


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """A security report as the citizen gave it in the chat."""

    category: str
    description: str
    occurred_text: str | None = None
    occurred_at: datetime | None = None
    transaction_reference: str | None = None
    anonymous: bool = False
    contact_preference: str = "chat"


@dataclass(frozen=True, slots=True)
class FiledReport:
    """A filed security report and the protection applied at once."""

    reference: str
    category: str
    severity: str
    status: str
    protection_applied: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BackendEvent:
    """Something that happened in the backend that a citizen may need to hear about."""

    id: int
    type: str
    citizen_id: int | None
    payload: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChatIdentity:
    """A chat where the citizen is signed in, most recently used first."""

    channel: str
    sender_id: str
    last_used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CatalogueService:
    """A service of the billing catalogue, with what it costs as the bill shows it."""

    code: str
    names: Mapping[str, str]
    fee: Fee


class BackendClient(Protocol):
    """The backend's API as the assistant uses it; every call may raise a BackendError."""

    async def request_code(self, identifier: str, chat_identity: str) -> None:
        """Ask for a one-time code for the citizen with this ID number or phone."""
        ...

    async def verify_code(self, identifier: str, code: str, chat_identity: str) -> Linked:
        """Trade a code for a sign-in bound to this chat."""
        ...

    async def logout(self, auth: ChatAuth) -> None:
        """Revoke the chat's sign-in."""
        ...

    async def applications(self, auth: ChatAuth) -> Sequence[Application]:
        """List the citizen's applications."""
        ...

    async def application(self, auth: ChatAuth, reference: str) -> Application:
        """Return one of the citizen's applications with history."""
        ...

    async def bills(self, auth: ChatAuth, *, unpaid_only: bool = True) -> Sequence[Bill]:
        """List the citizen's bills."""
        ...

    async def start_payment(
        self, auth: ChatAuth, bill_id: int, method: str, phone: str | None, idempotency_key: str
    ) -> Payment:
        """Start paying a bill (M-Pesa prompt, card checkout or bank instructions)."""
        ...

    async def payments(self, auth: ChatAuth) -> Sequence[Payment]:
        """List the citizen's payments, newest first."""
        ...

    async def payment(self, auth: ChatAuth, payment_id: int) -> Payment:
        """Return one payment; a pending M-Pesa one is checked with M-Pesa first."""
        ...

    async def receipt(self, auth: ChatAuth, receipt_no: str) -> Receipt:
        """Return a receipt with a link the citizen can open."""
        ...

    async def file_report(
        self, auth: ChatAuth | None, draft: ReportDraft, idempotency_key: str
    ) -> FiledReport:
        """File a security report, anonymously when `auth` is None."""
        ...

    async def my_data(self, auth: ChatAuth) -> Mapping[str, Any]:
        """Return everything the backend holds about the citizen."""
        ...

    async def events(self, after: int, limit: int = 100) -> tuple[Sequence[BackendEvent], int]:
        """Return events after the cursor and the newest event id."""
        ...

    async def chat_identities(self, citizen_id: int) -> tuple[Sequence[ChatIdentity], str]:
        """Return where the citizen is signed in, and their preferred language."""
        ...

    async def services(self) -> Sequence[CatalogueService]:
        """Return the service catalogue with the fees the backend bills."""
        ...
