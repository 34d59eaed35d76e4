"""An in-process backend that implements the assistant's BackendClient port, state in memory.

It behaves like the real backend where the assistant can tell (tests/bot/clients/
test_backend_contract.py runs the same assertions against both): the seeded citizens and
applications, one-time codes (resend wait, expiry, lockout after five wrong codes), chat-bound
sign-ins that expire and can be revoked, bills, M-Pesa payments with the simulator's outcomes,
receipts, security reports with account protection, the citizen's data, events and the fee
catalogue. Seed data, fees, simulator outcomes and failure reasons come from the backend's own
modules, so the double starts from the same world. Time is real time that tests can move forward (a ShiftedClock).
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from backend.catalogue_data import SERVICES
from backend.config import BackendSettings
from backend.domain import (
    MPESA_RESULT_REASONS,
    SEVERITY_BY_CATEGORY,
    ApplicationStatus,
    ReportCategory,
)
from backend.seed import _NOTES, CITIZENS, STATUS_PATHS
from backend.services.applications import APPLICATION_STARTED_NOTE, PAYMENT_RECEIVED_NOTE
from backend.services.fees import convenience_fee
from backend.services.references import ACCOUNT_ALPHABET, ACCOUNT_LENGTH
from backend.simulator.daraja import DEFAULT_OUTCOMES
from bot.app import Clients
from bot.clients.offline import OfflineEscalation
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
from common.phones import parse_kenyan_mobile
from tests.helpers.clock import ShiftedClock

_SETTINGS = BackendSettings()  # the backend's defaults
BASE_URL = "http://backend.double"
S = ApplicationStatus
_SERVICES = {s.code: s for s in SERVICES}


@dataclass
class CitizenRecord:
    """A citizen as the backend keeps them."""

    id: int
    id_number: str
    first_name: str
    last_name: str
    phone: str
    email: str | None
    preferred_language: str
    created_at: datetime
    signin_locked: bool = False


@dataclass
class BillRecord:
    """An application's bill."""

    id: int
    citizen_id: int
    reference: str
    service_code: str
    amount: int
    fee: int
    account_number: str
    created_at: datetime
    status: str = "unpaid"
    paid_at: datetime | None = None

    def as_bill(self) -> Bill:
        """Return the port's view of the bill."""
        return Bill(self.id, self.reference, self.service_code, self.amount, self.fee,
                    self.amount + self.fee, _SETTINGS.paybill_number, self.account_number,
                    self.status, self.paid_at)


@dataclass
class ApplicationRecord:
    """A citizen's application with its history."""

    reference: str
    citizen_id: int
    service_code: str
    status: str
    history: list[StatusChange]
    bill_id: int | None = None
    document: str | None = None
    office: str | None = None
    available_from: date | None = None
    biometrics: bool = False

    @property
    def updated_at(self) -> datetime:
        """Return when the status last changed."""
        return self.history[-1].at


@dataclass
class PaymentRecord:
    """One payment attempt."""

    id: int
    bill_id: int
    citizen_id: int
    method: str
    status: str
    amount: int
    created_at: datetime
    phone: str | None = None
    chat_identity: str | None = None
    settles_at: datetime | None = None  # a pending M-Pesa prompt is answered then
    failure_reason: str | None = None
    receipt_no: str | None = None
    completed_at: datetime | None = None


@dataclass
class ReceiptRecord:
    """A receipt for a successful payment."""

    receipt_no: str
    payment_id: int
    citizen_id: int
    issued_at: datetime


@dataclass
class TokenRecord:
    """A sign-in bound to one chat."""

    citizen_id: int
    chat_identity: str
    expires_at: datetime
    last_used_at: datetime
    revoked: bool = False


@dataclass
class Challenge:
    """A one-time code issued for an identifier in one chat."""

    subject: str  # the citizen (both identifiers reach it) or what was typed
    typed: str  # the identifier as typed, with the chat: the resend wait's key
    chat_identity: str
    code: str
    created_at: datetime
    expires_at: datetime
    consumed: bool = False


@dataclass
class Sms:
    """A text message the backend sent."""

    to: str
    text: str
    code: str | None = None


@dataclass
class BackendDouble:
    """The backend port in memory. `down = True` makes every call fail as unreachable."""

    clock: ShiftedClock = field(default_factory=ShiftedClock)
    down: bool = False
    mpesa_delay: timedelta = timedelta(0)  # how long the citizen takes to answer a prompt
    outcomes: dict[str, int] = field(
        default_factory=lambda: {p: o.result_code for p, o in DEFAULT_OUTCOMES.items()})
    citizens: dict[int, CitizenRecord] = field(default_factory=dict)
    application_records: dict[str, ApplicationRecord] = field(default_factory=dict)
    bill_records: dict[int, BillRecord] = field(default_factory=dict)
    payment_records: dict[int, PaymentRecord] = field(default_factory=dict)
    receipts: dict[str, ReceiptRecord] = field(default_factory=dict)
    reports: list[tuple[int | None, ReportDraft, FiledReport]] = field(default_factory=list)
    sms: list[Sms] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # every port method called, in order
    _tokens: dict[str, TokenRecord] = field(default_factory=dict)
    _challenges: list[Challenge] = field(default_factory=list)
    _wrong: dict[str, list[datetime]] = field(default_factory=dict)  # guesses per subject+chat
    _locked_until: dict[str, datetime] = field(default_factory=dict)
    _events: list[BackendEvent] = field(default_factory=list)
    _idempotent: dict[str, Any] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _numbers: dict[str, itertools.count[int]] = field(default_factory=dict)

    @classmethod
    def seeded(cls) -> BackendDouble:
        """Return a double holding the backend's seed: the demo citizens and applications."""
        double = cls()
        start = double.now() - timedelta(days=30)
        for spec in CITIZENS:
            citizen = double.add_citizen(spec.id_number, spec.phone, spec.first_name,
                                         spec.language.value, last_name=spec.last_name,
                                         email=spec.email, created_at=start - timedelta(days=30))
            for app in spec.applications:
                double.add_application(citizen.id, app.service, S(app.status),
                                       reference=app.reference, receipt=app.receipt,
                                       document=app.document, office=app.office,
                                       biometrics=app.biometrics, note=app.note, start=start)
        double._events.clear()  # the seed's history is not news
        return double

    # ------------------------------------------------------------------ test controls
    def now(self) -> datetime:
        """Return the backend's current time."""
        return self.clock.now()

    def latest_code(self, to: str = "254712345678") -> str:
        """Return the newest one-time code sent to `to`."""
        codes = [m.code for m in self.sms if m.to == to and m.code]
        assert codes, f"no code was sent to {to}"
        return codes[-1]

    def citizen_by_id_number(self, id_number: str) -> CitizenRecord:
        """Return the citizen registered with `id_number`."""
        return next(c for c in self.citizens.values() if c.id_number == id_number)

    def add_citizen(self, id_number: str, phone: str, first_name: str, language: str = "en",
                    *, last_name: str = "Test", email: str | None = None,
                    created_at: datetime | None = None) -> CitizenRecord:
        """Register a citizen."""
        citizen = CitizenRecord(len(self.citizens) + 1, id_number, first_name, last_name, phone,
                                email, language, created_at or self.now())
        self.citizens[citizen.id] = citizen
        return citizen

    def add_application(self, citizen_id: int, service: str,
                        status: ApplicationStatus = S.PENDING_PAYMENT, *,
                        reference: str | None = None, receipt: str | None = None,
                        document: str | None = None, office: str | None = None,
                        biometrics: bool = False, note: str | None = None,
                        start: datetime | None = None) -> tuple[ApplicationRecord, BillRecord | None]:
        """Add an application walked to `status` the way the seed walks it (bill, payment)."""
        data = _SERVICES[service]
        begun = start or self.now() - timedelta(days=len(STATUS_PATHS[status]) + 1)
        app = ApplicationRecord(
            reference or self._reference(data.prefix), citizen_id, service, S.DRAFT.value,
            [StatusChange(S.DRAFT.value, APPLICATION_STARTED_NOTE, begun)], document=document,
            office=office, biometrics=biometrics)
        self.application_records[app.reference] = app
        bill: BillRecord | None = None
        for step, to in enumerate(STATUS_PATHS[status], start=1):
            when = begun + timedelta(days=step)
            if to is S.PENDING_PAYMENT or (to is S.SUBMITTED and bill is None):
                bill = self._issue_bill(app, when)
            if to is S.SUBMITTED:
                assert bill is not None
                payment = PaymentRecord(next(self._ids), bill.id, citizen_id, "mpesa", "pending",
                                        bill.amount + bill.fee, when,
                                        phone=self.citizens[citizen_id].phone)
                self.payment_records[payment.id] = payment
                self._succeed(payment, when, receipt)
                continue
            text = note if (note and to is status) else _NOTES[to]
            if document and to is S.ACTION_REQUIRED:
                text = f"Please upload: {document}."
            self._change_status(app, to.value, text, when)
            if to is S.READY_FOR_COLLECTION:
                app.available_from = when.date()
        return app, bill

    # ------------------------------------------------------------------ the port
    async def request_code(self, identifier: str, chat_identity: str) -> None:
        """Issue a code (none is sent for an unknown identifier; the answer is the same)."""
        self._call("request_code")
        now = self.now()
        typed = f"{_typed(identifier)}|{chat_identity}"
        recent = [c for c in self._challenges if c.typed == typed
                  and c.created_at > now - timedelta(hours=1)]
        if recent:
            wait = (recent[-1].created_at + _SETTINGS.otp_resend_interval - now).total_seconds()
            if wait > 0:
                raise Rejected("rate-limited", "Too many code requests.", _ceil(wait))
        if len(recent) >= _SETTINGS.otp_max_per_hour:
            wait = (recent[0].created_at + timedelta(hours=1) - now).total_seconds()
            raise Rejected("rate-limited", "Too many code requests.", max(_ceil(wait), 1))
        citizen = self._find(identifier)
        subject = f"citizen:{citizen.id}" if citizen else _typed(identifier)
        for old in self._challenges:
            if old.subject == subject and old.chat_identity == chat_identity:
                old.consumed = True
        code = f"{secrets.randbelow(10**6):06d}"
        self._challenges.append(Challenge(subject, typed, chat_identity, code, now,
                                          now + _SETTINGS.otp_ttl))
        if citizen is not None and not citizen.signin_locked:
            self.sms.append(Sms(citizen.phone, f"Your Msaidizi one-time code is {code}.", code))

    async def verify_code(self, identifier: str, code: str, chat_identity: str) -> Linked:
        """Trade a code for a sign-in; five wrong codes lock this chat out for a while."""
        self._call("verify_code")
        now = self.now()
        citizen = self._find(identifier)
        subject = f"citizen:{citizen.id}" if citizen else _typed(identifier)
        guesses = f"{subject}|{chat_identity}"
        until = self._locked_until.get(guesses)
        if until is not None and until > now:
            raise Rejected("otp-locked", "Too many wrong codes.", _ceil((until - now).total_seconds()))
        challenge = next((c for c in reversed(self._challenges) if c.subject == subject
                          and c.chat_identity == chat_identity and not c.consumed), None)
        if (challenge is None or citizen is None or citizen.signin_locked
                or challenge.code != code or challenge.expires_at <= now):
            wrong = [t for t in self._wrong.get(guesses, []) if t > now - _SETTINGS.otp_lockout]
            wrong.append(now)
            self._wrong[guesses] = wrong
            if len(wrong) >= _SETTINGS.otp_max_attempts:
                self._locked_until[guesses] = now + _SETTINGS.otp_lockout
                self._wrong[guesses] = []
                raise Rejected("otp-locked", "Too many wrong codes.",
                               _ceil(_SETTINGS.otp_lockout.total_seconds()))
            raise Rejected("otp-invalid", "The code is wrong, used or expired.")
        challenge.consumed = True
        self._wrong.pop(guesses, None)
        token = "dbl_" + secrets.token_urlsafe(24)
        expires = now + _SETTINGS.token_ttl
        self._tokens[token] = TokenRecord(citizen.id, chat_identity, expires, now)
        return Linked(token, expires, citizen.id, citizen.first_name, citizen.preferred_language)

    async def logout(self, auth: ChatAuth) -> None:
        """Revoke the chat's sign-in."""
        self._citizen(auth, "logout")
        self._tokens[auth.token].revoked = True

    async def applications(self, auth: ChatAuth) -> Sequence[Application]:
        """List the citizen's applications (by reference, without history)."""
        citizen = self._citizen(auth, "applications")
        mine = sorted((a for a in self.application_records.values() if a.citizen_id == citizen.id),
                      key=lambda a: a.reference)
        return [self._application(a, detailed=False) for a in mine]

    async def application(self, auth: ChatAuth, reference: str) -> Application:
        """Return one of the citizen's applications with history and bill."""
        citizen = self._citizen(auth, "application")
        app = self.application_records.get(reference.upper())
        if app is None or app.citizen_id != citizen.id:
            raise NotFound("No such application.")
        return self._application(app, detailed=True)

    async def bills(self, auth: ChatAuth, *, unpaid_only: bool = True) -> Sequence[Bill]:
        """List the citizen's bills, newest first."""
        citizen = self._citizen(auth, "bills")
        self._settle_due()
        mine = [b for b in self.bill_records.values() if b.citizen_id == citizen.id
                and (b.status == "unpaid" or not unpaid_only)]
        return [b.as_bill() for b in sorted(mine, key=lambda b: b.id, reverse=True)]

    async def start_payment(self, auth: ChatAuth, bill_id: int, method: str, phone: str | None,
                            idempotency_key: str) -> Payment:
        """Start paying a bill, or return the attempt already under way (`existing`)."""
        citizen = self._citizen(auth, "start_payment")
        key = f"pay|{citizen.id}|{idempotency_key}"
        if key in self._idempotent:
            return self._idempotent[key]  # type: ignore[no-any-return]
        bill = self.bill_records.get(bill_id)
        if bill is None or bill.citizen_id != citizen.id:
            raise NotFound("No such bill.")
        if bill.status == "paid":
            raise Rejected("bill-already-paid", "This bill is already paid.")
        now = self.now()
        open_statuses = {"pending", "awaiting_transfer"} if method == "bank" else {"pending"}
        existing = next((p for p in self.payment_records.values()
                         if p.bill_id == bill.id and p.status in open_statuses), None)
        if existing is not None:
            result = self._payment(existing, existing=True)
        else:
            number = parse_kenyan_mobile(phone) if phone else citizen.phone  # theirs by default
            if method == "mpesa" and number is None:
                raise Rejected("validation-error", "A Kenyan mobile number is needed.")
            record = PaymentRecord(
                next(self._ids), bill.id, citizen.id, method,
                "awaiting_transfer" if method == "bank" else "pending", bill.amount + bill.fee,
                now, phone=number if method == "mpesa" else None, chat_identity=auth.chat_identity,
                settles_at=now + self.mpesa_delay if method == "mpesa" else None)
            self.payment_records[record.id] = record
            result = self._payment(record)
        self._idempotent[key] = result
        return result

    async def payments(self, auth: ChatAuth) -> Sequence[Payment]:
        """List the citizen's payments, newest first."""
        citizen = self._citizen(auth, "payments")
        self._settle_due()
        mine = [p for p in self.payment_records.values() if p.citizen_id == citizen.id]
        mine.sort(key=lambda p: (p.created_at, p.id), reverse=True)
        return [self._payment(p) for p in mine]

    async def payment(self, auth: ChatAuth, payment_id: int) -> Payment:
        """Return one payment; a pending M-Pesa one is settled first when M-Pesa has answered."""
        citizen = self._citizen(auth, "payment")
        self._settle_due()
        record = self.payment_records.get(payment_id)
        if record is None or record.citizen_id != citizen.id:
            raise NotFound("No such payment.")
        return self._payment(record)

    async def receipt(self, auth: ChatAuth, receipt_no: str) -> Receipt:
        """Return a receipt with a signed link."""
        citizen = self._citizen(auth, "receipt")
        record = self.receipts.get(receipt_no)
        if record is None or record.citizen_id != citizen.id:
            raise NotFound("No such receipt.")
        payment = self.payment_records[record.payment_id]
        bill = self.bill_records[payment.bill_id]
        data = _SERVICES[bill.service_code]
        expires = int((self.now() + _SETTINGS.receipt_link_ttl).timestamp())
        return Receipt(receipt_no, bill.reference, {"en": data.name_en, "sw": data.name_sw},
                       payment.amount, payment.method, record.issued_at,
                       f"{BASE_URL}/receipts/{receipt_no}?exp={expires}&sig=double")

    async def file_report(self, auth: ChatAuth | None, draft: ReportDraft,
                          idempotency_key: str) -> FiledReport:
        """File a security report; a named account takeover signs the citizen out everywhere."""
        citizen = self._citizen(auth, "file_report") if auth is not None else None
        if auth is None:
            self._call("file_report")
        key = f"report|{idempotency_key}"
        if key in self._idempotent:
            return self._idempotent[key]  # type: ignore[no-any-return]
        linked = None if draft.anonymous else citizen
        protection: tuple[str, ...] = ()
        category = ReportCategory(draft.category)
        if linked is not None and category is ReportCategory.ACCOUNT_TAKEOVER:
            for token in self._tokens.values():
                if token.citizen_id == linked.id:
                    token.revoked = True
            linked.signin_locked = True
            for challenge in self._challenges:
                if challenge.subject == f"citizen:{linked.id}":
                    challenge.consumed = True
            protection = ("tokens_revoked", "signin_locked")
        filed = FiledReport(self._reference("SR"), category.value,
                            SEVERITY_BY_CATEGORY[category].value, "received", protection)
        self.reports.append((linked.id if linked else None, draft, filed))
        self._event("security_report.filed", linked.id if linked else None, {
            "reference": filed.reference, "category": filed.category,
            "severity": filed.severity, "status": filed.status,
            "protection_applied": list(protection)})
        self._idempotent[key] = filed
        return filed

    async def my_data(self, auth: ChatAuth) -> Mapping[str, Any]:
        """Return everything held about the citizen (the same sections as the backend)."""
        citizen = self._citizen(auth, "my_data")
        apps = [a for a in self.application_records.values() if a.citizen_id == citizen.id]
        bills = [b for b in self.bill_records.values() if b.citizen_id == citizen.id]
        payments = [p for p in self.payment_records.values() if p.citizen_id == citizen.id]
        return {
            "generated_at": self.now().isoformat(),
            "profile": {"id": citizen.id, "id_type": "national_id",
                        "id_number": citizen.id_number, "first_name": citizen.first_name,
                        "last_name": citizen.last_name, "phone": citizen.phone,
                        "email": citizen.email, "preferred_language": citizen.preferred_language,
                        "signin_locked_at": None, "created_at": citizen.created_at.isoformat()},
            "applications": [{"reference": a.reference, "status": a.status} for a in apps],
            "bills": [{"id": b.id, "status": b.status} for b in bills],
            "payments": [{"id": p.id, "status": p.status} for p in payments],
            "receipts": [{"receipt_no": r.receipt_no} for r in self.receipts.values()
                         if r.citizen_id == citizen.id],
            "security_reports": [{"reference": f.reference} for c, _, f in self.reports
                                 if c == citizen.id],
            "chat_sessions": [{"chat_identity": t.chat_identity} for t in self._tokens.values()
                              if t.citizen_id == citizen.id],
            "audit_log": [],
        }

    async def events(self, after: int, limit: int = 100) -> tuple[Sequence[BackendEvent], int]:
        """Return events after the cursor, and the newest event id."""
        self._call("events")
        self._settle_due()
        newer = [e for e in self._events if e.id > after][:limit]
        return newer, self._events[-1].id if self._events else 0

    async def chat_identities(self, citizen_id: int) -> tuple[Sequence[ChatIdentity], str]:
        """Return the chats with a live sign-in, most recently used first."""
        self._call("chat_identities")
        citizen = self.citizens.get(citizen_id)
        if citizen is None:
            raise NotFound("No such citizen.")
        now = self.now()
        last: dict[str, datetime] = {}
        for token in self._tokens.values():
            if token.citizen_id == citizen_id and not token.revoked and token.expires_at > now:
                last[token.chat_identity] = max(token.last_used_at,
                                                last.get(token.chat_identity, token.last_used_at))
        ordered = sorted(last.items(), key=lambda item: (-item[1].timestamp(), item[0]))
        return ([ChatIdentity(*_split(identity), used) for identity, used in ordered],
                citizen.preferred_language)

    async def services(self) -> Sequence[CatalogueService]:
        """Return the catalogue with the fees bills carry."""
        self._call("services")
        return [CatalogueService(s.code, {"en": s.name_en, "sw": s.name_sw},
                                 Fee(s.fee_kes, convenience_fee(s.fee_kes))) for s in SERVICES]

    async def aclose(self) -> None:
        """Nothing to let go."""

    # ------------------------------------------------------------------ inside
    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self.down:
            raise BackendUnavailable("the backend double is down")

    def _citizen(self, auth: ChatAuth, call: str) -> CitizenRecord:
        """Count the call; return the signed-in citizen, or refuse the sign-in as the backend does."""
        self._call(call)
        token = self._tokens.get(auth.token)
        if token is None or token.chat_identity != auth.chat_identity:
            raise SignInNeeded("token-invalid")
        if token.revoked:
            raise SignInNeeded("token-revoked")
        now = self.now()
        if token.expires_at <= now:
            raise SignInNeeded("token-expired")
        token.last_used_at = now
        return self.citizens[token.citizen_id]

    def _find(self, identifier: str) -> CitizenRecord | None:
        phone = parse_kenyan_mobile(identifier)
        digits = "".join(ch for ch in identifier if ch.isalnum()).upper()
        for citizen in self.citizens.values():
            if (phone and citizen.phone == phone) or citizen.id_number == digits:
                return citizen
        return None

    def _reference(self, prefix: str) -> str:
        year = self.now().year
        counter = self._numbers.setdefault(f"{prefix}-{year}", itertools.count(900_001))
        return f"{prefix}-{year}-{next(counter):06d}"

    def _issue_bill(self, app: ApplicationRecord, when: datetime) -> BillRecord:
        data = _SERVICES[app.service_code]
        account = "".join(secrets.choice(ACCOUNT_ALPHABET) for _ in range(ACCOUNT_LENGTH))
        bill = BillRecord(next(self._ids), app.citizen_id, app.reference, app.service_code,
                          data.fee_kes, convenience_fee(data.fee_kes), account, when)
        self.bill_records[bill.id] = bill
        app.bill_id = bill.id
        return bill

    def _change_status(self, app: ApplicationRecord, to: str, note: str, when: datetime) -> None:
        before, app.status = app.status, to
        app.history.append(StatusChange(to, note, when))
        data = _SERVICES[app.service_code]
        self._event("application.status_changed", app.citizen_id, {
            "application_reference": app.reference, "service_code": app.service_code,
            "service_name_en": data.name_en, "service_name_sw": data.name_sw,
            "from_status": before, "to_status": to, "note": note,
            "next_step": self._next_step(app).code}, when)

    def _event(self, kind: str, citizen_id: int | None, payload: Mapping[str, Any],
               when: datetime | None = None) -> None:
        self._events.append(BackendEvent(len(self._events) + 1, kind, citizen_id, dict(payload),
                                         when or self.now()))

    def _settle_due(self) -> None:
        """Let M-Pesa answer every prompt whose citizen has had `mpesa_delay` to respond."""
        now = self.now()
        for payment in list(self.payment_records.values()):
            if payment.status == "pending" and payment.settles_at and payment.settles_at <= now:
                code = self.outcomes.get(payment.phone or "", 0)
                if code == 0:
                    self._succeed(payment, now)
                else:
                    self._fail(payment, MPESA_RESULT_REASONS.get(code, "other"), code, now)

    def _succeed(self, payment: PaymentRecord, now: datetime, receipt: str | None = None) -> None:
        bill = self.bill_records[payment.bill_id]
        number = receipt or "S" + "".join(secrets.choice(ACCOUNT_ALPHABET) for _ in range(9))
        payment.status, payment.receipt_no, payment.completed_at = "succeeded", number, now
        payment.failure_reason = None
        self.receipts[number] = ReceiptRecord(number, payment.id, payment.citizen_id, now)
        bill.status, bill.paid_at = "paid", now
        for other in self.payment_records.values():
            if other.bill_id == bill.id and other.status == "awaiting_transfer":
                other.status = "cancelled"
        self._event("payment.succeeded", payment.citizen_id, {
            "payment_id": payment.id, "bill_id": bill.id,
            "application_reference": bill.reference, "amount_kes": payment.amount,
            "method": payment.method, "receipt_no": number,
            "conversation_id": payment.chat_identity}, now)
        app = self.application_records[bill.reference]
        if app.status == S.PENDING_PAYMENT.value:
            self._change_status(app, S.SUBMITTED.value, PAYMENT_RECEIVED_NOTE, now)

    def _fail(self, payment: PaymentRecord, reason: str, code: int, now: datetime) -> None:
        payment.status, payment.failure_reason, payment.completed_at = "failed", reason, now
        self._event("payment.failed", payment.citizen_id, {
            "payment_id": payment.id, "bill_id": payment.bill_id,
            "application_reference": self.bill_records[payment.bill_id].reference,
            "amount_kes": payment.amount, "method": payment.method, "reason": str(reason),
            "result_code": code, "conversation_id": payment.chat_identity}, now)

    def _next_step(self, app: ApplicationRecord) -> NextStep:
        bill = self.bill_records.get(app.bill_id) if app.bill_id else None
        status = S(app.status)
        if status is S.DRAFT:
            return NextStep("complete_application")
        if status is S.PENDING_PAYMENT:
            if bill is None or bill.status != "unpaid":
                return NextStep("wait")
            return NextStep("pay", bill.id, bill.amount + bill.fee, _SETTINGS.paybill_number,
                            bill.account_number)
        if status is S.ACTION_REQUIRED:
            if app.biometrics:
                return NextStep("book_biometrics")
            return NextStep("upload_document", document=app.document)
        if status is S.READY_FOR_COLLECTION:
            return NextStep("collect", collection_office=app.office,
                            available_from=app.available_from)
        if status in {S.REJECTED, S.COLLECTED}:
            return NextStep("none")
        return NextStep("wait")

    def _application(self, app: ApplicationRecord, *, detailed: bool) -> Application:
        data = _SERVICES[app.service_code]
        bill = self.bill_records.get(app.bill_id) if (detailed and app.bill_id) else None
        return Application(app.reference, app.service_code,
                           {"en": data.name_en, "sw": data.name_sw}, app.status,
                           self._next_step(app), app.updated_at,
                           tuple(app.history) if detailed else (),
                           bill.as_bill() if bill else None)

    def _payment(self, record: PaymentRecord, *, existing: bool = False) -> Payment:
        bill = self.bill_records[record.bill_id]
        return Payment(
            id=record.id, bill_id=record.bill_id, reference=bill.reference, method=record.method,
            status=record.status, amount=record.amount,
            phone_masked=_mask(record.phone) if record.phone else None,
            checkout_url=f"{BASE_URL}/dev/card/{record.id}" if record.method == "card" else None,
            bank=BankDetails(_SETTINGS.paybill_number, bill.account_number, record.amount)
            if record.method == "bank" else None,
            failure_reason=record.failure_reason, receipt_no=record.receipt_no,
            created_at=record.created_at, completed_at=record.completed_at, existing=existing)


def double_clients(backend: BackendDouble) -> Clients:
    """The double as a runtime's backend, with no escalation service (tickets: "unavailable")."""
    return Clients(backend, OfflineEscalation(), backend.aclose)


def _typed(identifier: str) -> str:
    phone = parse_kenyan_mobile(identifier)
    return f"phone:{phone}" if phone else "id:" + "".join(c for c in identifier if c.isalnum())


def _split(chat_identity: str) -> tuple[str, str]:
    channel, sender = chat_identity.split(":", 1)
    return channel, sender


def _mask(phone: str) -> str:
    return f"{phone[:4]}*****{phone[-3:]}"


def _ceil(seconds: float) -> int:
    return max(1, -int(-seconds // 1))
