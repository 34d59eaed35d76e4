"""Security reports: file them, compute severity, protect a taken-over account at once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from backend.core.domain import EventType
from backend.core.events import append_event
from backend.core.problems import ProblemError
from backend.core.tokens import revoke_all
from backend.crud.citizens import lock_signin
from backend.domain import (
    REPORT_TRANSITIONS,
    SEVERITY_BY_CATEGORY,
    ContactPreference,
    Protection,
    ReportCategory,
    ReportStatus,
)
from backend.models import Citizen, OtpChallenge, SecurityReport
from backend.services.references import REPORT_PREFIX, new_reference

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReportInput:
    """What the citizen told the assistant."""

    category: ReportCategory
    description: str
    occurred_at: datetime | None
    occurred_text: str | None
    transaction_reference: str | None
    contact_preference: ContactPreference
    anonymous: bool
    chat_channel: str | None


def protect_account(*, session: Session, citizen: Citizen, now: datetime) -> list[Protection]:
    """Revoke every chat token of the citizen and lock sign-in until support resets it."""
    revoke_all(session=session, citizen_id=citizen.id, reason="account_takeover_report", now=now)
    lock_signin(session=session, citizen=citizen, reason="account_takeover_report", now=now)
    session.execute(  # codes already sent must not work either
        update(OtpChallenge)
        .where(OtpChallenge.citizen_id == citizen.id, OtpChallenge.consumed_at.is_(None))
        .values(consumed_at=now)
    )
    return [Protection.TOKENS_REVOKED, Protection.SIGNIN_LOCKED]


def file_report(
    *, session: Session, data: ReportInput, citizen: Citizen | None, now: datetime
) -> SecurityReport:
    """Store a report and apply protection, all in the caller's transaction.

    An anonymous report is not linked to the citizen, so no protection can be applied to an
    account; the assistant should file account takeovers with the citizen's token.
    """
    linked = None if data.anonymous else citizen
    protection: list[Protection] = []
    if linked is not None and data.category is ReportCategory.ACCOUNT_TAKEOVER:
        protection = protect_account(session=session, citizen=linked, now=now)
    report = SecurityReport(
        reference=new_reference(session=session, prefix=REPORT_PREFIX, now=now),
        citizen_id=linked.id if linked else None,
        category=data.category,
        severity=SEVERITY_BY_CATEGORY[data.category],
        status=ReportStatus.RECEIVED,
        description=data.description,
        occurred_at=data.occurred_at,
        occurred_text=data.occurred_text,
        transaction_reference=data.transaction_reference,
        contact_preference=ContactPreference.NONE if data.anonymous else data.contact_preference,
        anonymous=data.anonymous,
        chat_channel=data.chat_channel,
        protection_applied=[p.value for p in protection],
        created_at=now,
        updated_at=now,
    )
    session.add(report)
    session.flush()
    append_event(
        session=session,
        type=EventType.SECURITY_REPORT_FILED,
        citizen_id=report.citizen_id,
        payload={
            "reference": report.reference,
            "category": report.category,
            "severity": report.severity,
            "status": report.status,
            "protection_applied": report.protection_applied,
        },
        now=now,
    )
    logger.info(
        "Security report %s filed (%s, %s)", report.reference, report.category, report.severity
    )
    return report


def change_report_status(*, report: SecurityReport, to: ReportStatus, now: datetime) -> None:
    """Move a report along its lifecycle (received, triaged, investigating, resolved, closed).

    Raises:
        ProblemError: `invalid-transition` (409) for a change the lifecycle does not allow.
    """
    current = ReportStatus(report.status)
    if to not in REPORT_TRANSITIONS[current]:
        raise ProblemError(409, "invalid-transition", f"{current} -> {to} is not allowed")
    report.status, report.updated_at = to, now
