"""Backend vocabulary: applications, bills, payments and reports, with their status machines.

The words escalation shares (languages, identity documents, events, token scopes) are in
`backend.core.domain`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ApplicationStatus(StrEnum):
    """Where an application is in its life."""

    DRAFT = "draft"
    PENDING_PAYMENT = "pending_payment"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACTION_REQUIRED = "action_required"
    APPROVED = "approved"
    REJECTED = "rejected"
    READY_FOR_COLLECTION = "ready_for_collection"
    COLLECTED = "collected"


_S = ApplicationStatus
# Every allowed application status change, and nothing else. `change_status` enforces it.
APPLICATION_TRANSITIONS: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = {
    _S.DRAFT: frozenset({_S.PENDING_PAYMENT, _S.SUBMITTED}),  # SUBMITTED: free services
    _S.PENDING_PAYMENT: frozenset({_S.SUBMITTED, _S.DRAFT}),
    _S.SUBMITTED: frozenset({_S.UNDER_REVIEW, _S.REJECTED}),
    _S.UNDER_REVIEW: frozenset({_S.ACTION_REQUIRED, _S.APPROVED, _S.REJECTED}),
    _S.ACTION_REQUIRED: frozenset({_S.UNDER_REVIEW, _S.REJECTED}),
    _S.APPROVED: frozenset({_S.READY_FOR_COLLECTION, _S.COLLECTED}),
    _S.READY_FOR_COLLECTION: frozenset({_S.COLLECTED}),
    _S.REJECTED: frozenset(),
    _S.COLLECTED: frozenset(),
}


def can_transition(current: ApplicationStatus, target: ApplicationStatus) -> bool:
    """Tell whether an application may move from `current` to `target`."""
    return target in APPLICATION_TRANSITIONS[current]


class RequiredAction(StrEnum):
    """What an application in `action_required` waits for from the citizen."""

    UPLOAD_DOCUMENT = "upload_document"
    BOOK_BIOMETRICS = "book_biometrics"


class NextStep(StrEnum):
    """What the citizen should do next; the assistant translates these codes."""

    COMPLETE_APPLICATION = "complete_application"
    PAY = "pay"
    UPLOAD_DOCUMENT = "upload_document"
    BOOK_BIOMETRICS = "book_biometrics"
    WAIT = "wait"
    COLLECT = "collect"
    NONE = "none"


class BillStatus(StrEnum):
    """Whether a bill still needs paying."""

    UNPAID = "unpaid"
    PAID = "paid"
    CANCELLED = "cancelled"


class PaymentMethod(StrEnum):
    """How a citizen pays a bill."""

    MPESA = "mpesa"
    CARD = "card"
    BANK = "bank"


class PaymentStatus(StrEnum):
    """Where a payment attempt is."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    AWAITING_TRANSFER = "awaiting_transfer"  # bank: instructions given, money not seen yet
    CANCELLED = "cancelled"


class FailureReason(StrEnum):
    """Why a payment failed, in words the assistant can explain."""

    INSUFFICIENT_FUNDS = "insufficient_funds"
    CANCELLED_BY_USER = "cancelled_by_user"
    TIMEOUT = "timeout"
    WRONG_PIN = "wrong_pin"
    CARD_DECLINED = "card_declined"
    GATEWAY_ERROR = "gateway_error"
    EXPIRED = "expired"
    NOT_SENT = "not_sent"  # the prompt never left: the server stopped before sending it
    OTHER = "other"


class PushStage(StrEnum):
    """How far an M-Pesa prompt got; written before each step, so a crash leaves a trace."""

    RESERVED = "reserved"  # attempt recorded, prompt not sent yet
    SENDING = "sending"  # prompt sent (or being sent); Daraja's answer not recorded
    ACCEPTED = "accepted"  # Daraja accepted it: we hold its CheckoutRequestID
    REFUSED = "refused"  # Daraja refused it outright (nothing reached the phone)


class CallbackVerdict(StrEnum):
    """What became of an M-Pesa result callback we received."""

    APPLIED = "applied"  # matched, verified and settled the payment
    HELD = "held"  # for a prompt whose acknowledgement we had not recorded yet
    DUPLICATE = "duplicate"  # the same result again: nothing changed
    SUSPICIOUS = "suspicious"  # did not match what we sent: supervisors review it


# Daraja ResultCode -> our reason. Anything not listed counts as failed for OTHER.
MPESA_RESULT_REASONS: Mapping[int, FailureReason] = {
    1: FailureReason.INSUFFICIENT_FUNDS,
    1032: FailureReason.CANCELLED_BY_USER,
    1037: FailureReason.TIMEOUT,
    1019: FailureReason.EXPIRED,
    1025: FailureReason.NOT_SENT,  # "unable to send the prompt"
    9999: FailureReason.NOT_SENT,
    2001: FailureReason.WRONG_PIN,
}


class ReportCategory(StrEnum):
    """What a security report is about."""

    ACCOUNT_TAKEOVER = "account_takeover"
    UNAUTHORISED_PAYMENT = "unauthorised_payment"
    PHISHING = "phishing"
    DATA_LEAK = "data_leak"
    OTHER = "other"


class Severity(StrEnum):
    """How urgently a report is triaged."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_BY_CATEGORY: Mapping[ReportCategory, Severity] = {
    ReportCategory.ACCOUNT_TAKEOVER: Severity.HIGH,
    ReportCategory.UNAUTHORISED_PAYMENT: Severity.HIGH,
    # A leak of personal data may start the 72-hour notification clock (DPA 2019 s.43).
    ReportCategory.DATA_LEAK: Severity.HIGH,
    ReportCategory.PHISHING: Severity.MEDIUM,
    ReportCategory.OTHER: Severity.LOW,
}


class ReportStatus(StrEnum):
    """Where a security report is in its handling."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    CLOSED = "closed"


_R = ReportStatus
REPORT_TRANSITIONS: Mapping[ReportStatus, frozenset[ReportStatus]] = {
    _R.RECEIVED: frozenset({_R.TRIAGED, _R.CLOSED}),
    _R.TRIAGED: frozenset({_R.INVESTIGATING, _R.RESOLVED, _R.CLOSED}),
    _R.INVESTIGATING: frozenset({_R.RESOLVED}),
    _R.RESOLVED: frozenset({_R.CLOSED, _R.INVESTIGATING}),
    _R.CLOSED: frozenset(),
}


class ContactPreference(StrEnum):
    """How the reporter wants to hear back."""

    CHAT = "chat"
    SMS = "sms"
    EMAIL = "email"
    PHONE_CALL = "phone_call"
    NONE = "none"


class Protection(StrEnum):
    """Protective measures applied when a report is filed."""

    TOKENS_REVOKED = "tokens_revoked"
    SIGNIN_LOCKED = "signin_locked"
