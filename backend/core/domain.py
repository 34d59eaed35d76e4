"""Kernel vocabulary: languages, identity documents, outbox events and citizen-token scopes."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    """Languages a citizen can prefer."""

    EN = "en"
    SW = "sw"


class IdType(StrEnum):
    """Kind of identity document a citizen registered with."""

    NATIONAL = "national_id"
    ALIEN = "alien_id"


class EventType(StrEnum):
    """Kinds of events in the notification outbox."""

    APPLICATION_STATUS_CHANGED = "application.status_changed"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    SECURITY_REPORT_FILED = "security_report.filed"
    # Human escalation (escalation/): pushed to the ticket's conversation_id.
    TICKET_ASSIGNED = "ticket.assigned"
    TICKET_AGENT_MESSAGE = "ticket.agent_message"
    TICKET_AGENT_TYPING = "ticket.agent_typing"  # shown for a few seconds, never stored in chat
    TICKET_RESOLVED = "ticket.resolved"
    TICKET_TRANSFERRED = "ticket.transferred"


class Scope(StrEnum):
    """What a citizen token lets the assistant do."""

    READ = "citizen:read"
    PAY = "citizen:pay"
    REPORT = "citizen:report"


DEFAULT_SCOPES: tuple[Scope, ...] = (Scope.READ, Scope.PAY, Scope.REPORT)
