"""Escalation vocabulary: ticket statuses and actions, queues, priorities, roles."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class TicketStatus(StrEnum):
    """Where a handoff stands: pending (queued) -> open (an agent has it) -> resolved."""

    PENDING = "pending"
    OPEN = "open"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = frozenset({TicketStatus.PENDING, TicketStatus.OPEN})


class TicketAction(StrEnum):
    """What can happen to a ticket; `service.transition` maps (status, action) to a status."""

    ASSIGN = "assign"  # an agent claims it, a supervisor assigns it, or routing picks one
    TRANSFER = "transfer"  # to another agent; the ticket stays open
    REQUEUE = "requeue"  # back to a queue (the same or another one), waiting for an agent
    RESOLVE = "resolve"  # closed with a resolution summary; the bot takes over again
    CANCEL = "cancel"  # the citizen left: from the queue, or ended the chat with an agent


_T, _A = TicketStatus, TicketAction
# Every allowed change, and nothing else. `service.transition` is the only writer of status.
TICKET_TRANSITIONS: Mapping[tuple[TicketStatus, TicketAction], TicketStatus] = {
    (_T.PENDING, _A.ASSIGN): _T.OPEN,
    (_T.PENDING, _A.REQUEUE): _T.PENDING,
    (_T.PENDING, _A.CANCEL): _T.CANCELLED,
    (_T.OPEN, _A.TRANSFER): _T.OPEN,
    (_T.OPEN, _A.REQUEUE): _T.PENDING,
    (_T.OPEN, _A.RESOLVE): _T.RESOLVED,
    # the citizen ended the chat: the agent's capacity is freed and later replies are refused
    (_T.OPEN, _A.CANCEL): _T.CANCELLED,
}


class Category(StrEnum):
    """What the citizen needs help with, as the assistant classified it."""

    GENERAL = "general"
    PAYMENT = "payment"
    SECURITY = "security"
    ACCOUNT = "account"
    APPLICATION = "application"


class Reason(StrEnum):
    """Why the assistant brought in a person."""

    EXPLICIT = "explicit"
    MISSES = "misses"
    SECURITY_REPORT = "security_report"
    FRUSTRATION = "frustration"
    PAYMENT_FAILED = "payment_failed"


class Priority(StrEnum):
    """How fast a ticket must be answered; drives the SLA due time and queue order."""

    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PRIORITY_RANK: Mapping[Priority, int] = {Priority.NORMAL: 0, Priority.HIGH: 1, Priority.URGENT: 2}

# The least priority a reason implies; the assistant may ask for more, never for less.
REASON_PRIORITY: Mapping[Reason, Priority] = {
    Reason.EXPLICIT: Priority.NORMAL,
    Reason.MISSES: Priority.NORMAL,
    Reason.FRUSTRATION: Priority.HIGH,
    Reason.PAYMENT_FAILED: Priority.HIGH,
    # A breach may start the Data Protection Act's 72-hour notification clock (s.43).
    Reason.SECURITY_REPORT: Priority.URGENT,
}


class Queue(StrEnum):
    """The queues agents are skilled for; one per category."""

    GENERAL = "general"
    PAYMENT = "payment"
    SECURITY = "security"
    ACCOUNT = "account"
    APPLICATION = "application"


def queue_for(category: Category, reason: Reason) -> Queue:
    """Pick the queue: security reports go to the security queue whatever their category."""
    if reason is Reason.SECURITY_REPORT:
        return Queue.SECURITY
    return Queue(category.value)


def priority_for(reason: Reason, asked: Priority | None) -> Priority:
    """Return the higher of the priority asked for and the one the reason implies."""
    floor = REASON_PRIORITY[reason]
    if asked is None or PRIORITY_RANK[asked] < PRIORITY_RANK[floor]:
        return floor
    return asked


class AgentRole(StrEnum):
    """What a console user may do."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    SECURITY_OFFICER = "security_officer"
    EDITOR = "editor"  # maintains canned replies; handles no tickets


HANDLING_ROLES = frozenset({AgentRole.AGENT, AgentRole.SECURITY_OFFICER})


class MessageKind(StrEnum):
    """Who wrote a transcript line; notes and system lines never reach the citizen."""

    CITIZEN = "citizen"
    BOT = "bot"
    AGENT = "agent"
    NOTE = "note"
    SYSTEM = "system"


AGENT_VISIBLE_ONLY = frozenset({MessageKind.NOTE, MessageKind.SYSTEM})
